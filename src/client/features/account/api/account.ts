import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { meSchema, ownSessionListSchema, type ChangePasswordRequest } from '../../../../shared/api/identity';
import { apiRequest } from '../../../lib/api-client';

export const accountKeys = {
  all: ['account'] as const,
  me: () => [...accountKeys.all, 'me'] as const,
  sessions: () => [...accountKeys.all, 'sessions'] as const,
};

export const meQueryOptions = () => queryOptions({ queryKey: accountKeys.me(), queryFn: ({ signal }) => apiRequest('/api/me', { schema: meSchema, signal }) });
export const ownSessionsQueryOptions = () =>
  queryOptions({ queryKey: accountKeys.sessions(), queryFn: ({ signal }) => apiRequest('/api/me/sessions', { schema: ownSessionListSchema, signal }) });

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ChangePasswordRequest) => apiRequest('/api/me/password', { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountKeys.all }),
  });
}

export function useEndOwnSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (handle: string) => apiRequest(`/api/me/sessions/${encodeURIComponent(handle)}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountKeys.sessions() }),
  });
}
