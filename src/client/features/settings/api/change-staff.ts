import { useMutation, useQueryClient } from '@tanstack/react-query';
import { staffRoutes } from '../../../../shared/api/contracts/staff';
import type { CreateStaffRequest, PatchStaffRequest, StaffMember } from '../../../../shared/api/staff';
import { callRoute } from '../../../lib/call-route';
import { settingsKeys } from './keys';

/** POST /api/staff → 201 with the new account. */
export function createStaff(request: CreateStaffRequest): Promise<StaffMember> {
  return callRoute(staffRoutes.create, { body: request });
}

/** PATCH /api/staff/:name: role, disabled and/or password. Every change ends that person's sessions. */
export function patchStaff(username: string, patch: PatchStaffRequest): Promise<StaffMember> {
  return callRoute(staffRoutes.patch, { params: { name: username }, body: patch });
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
