import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { staffRoutes } from '../../../../shared/api/contracts/staff';
import type { ActiveSessionListResponse } from '../../../../shared/api/session';
import { callRoute } from '../../../lib/call-route';
import { settingsKeys } from './keys';

/** GET /api/sessions: every active session, named by an opaque handle (never its id). */
export function getSessions(signal?: AbortSignal): Promise<ActiveSessionListResponse> {
  return callRoute(staffRoutes.sessions, { signal });
}

export function sessionsQueryOptions() {
  return queryOptions({ queryKey: settingsKeys.sessions(), queryFn: ({ signal }) => getSessions(signal), staleTime: 0 });
}

/** DELETE /api/sessions/:handle → 204. */
export function revokeSession(handle: string): Promise<void> {
  return callRoute(staffRoutes.revokeSession, { params: { handle } });
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: revokeSession, onSettled: () => queryClient.invalidateQueries({ queryKey: settingsKeys.sessions() }) });
}
