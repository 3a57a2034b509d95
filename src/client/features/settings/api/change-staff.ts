import { useMutation, useQueryClient } from '@tanstack/react-query';
import { staffMemberSchema, type CreateStaffRequest, type PatchStaffRequest, type StaffMember } from '../../../../shared/api/staff';
import { apiRequest } from '../../../lib/api-client';
import { settingsKeys } from './keys';

/** POST /api/staff → 201 with the new account. */
export function createStaff(request: CreateStaffRequest): Promise<StaffMember> {
  return apiRequest('/api/staff', { method: 'POST', body: request, schema: staffMemberSchema });
}

/** PATCH /api/staff/:name: role, disabled and/or password. Every change ends that person's sessions. */
export function patchStaff(username: string, patch: PatchStaffRequest): Promise<StaffMember> {
  return apiRequest(`/api/staff/${encodeURIComponent(username)}`, { method: 'PATCH', body: patch, schema: staffMemberSchema });
}

function useInvalidateStaffAndSessions() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: settingsKeys.staff() }),
      queryClient.invalidateQueries({ queryKey: settingsKeys.sessions() }),
    ]);
}

export function useCreateStaff() {
  const invalidate = useInvalidateStaffAndSessions();
  return useMutation({ mutationFn: createStaff, onSuccess: invalidate });
}

export function usePatchStaff() {
  const invalidate = useInvalidateStaffAndSessions();
  return useMutation({
    mutationFn: ({ username, patch }: { username: string; patch: PatchStaffRequest }) => patchStaff(username, patch),
    onSettled: invalidate,
  });
}
