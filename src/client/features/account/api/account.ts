import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { sessionRoutes } from '../../../../shared/api/contracts/session';
import type { ChangePasswordRequest } from '../../../../shared/api/identity';
import { callRoute } from '../../../lib/call-route';

export const accountKeys = {
  all: ['account'] as const,
  me: () => [...accountKeys.all, 'me'] as const,
  sessions: () => [...accountKeys.all, 'sessions'] as const,
};

export const meQueryOptions = () => queryOptions({ queryKey: accountKeys.me(), queryFn: ({ signal }) => callRoute(sessionRoutes.me, { signal }) });
export const ownSessionsQueryOptions = () =>
  queryOptions({ queryKey: accountKeys.sessions(), queryFn: ({ signal }) => callRoute(sessionRoutes.ownSessions, { signal }) });

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ChangePasswordRequest) => callRoute(sessionRoutes.changePassword, { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountKeys.all }),
  });
}

export function useEndOwnSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (handle: string) => callRoute(sessionRoutes.endOwnSession, { params: { handle } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: accountKeys.sessions() }),
  });
}
