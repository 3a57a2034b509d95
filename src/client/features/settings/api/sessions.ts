import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { activeSessionListResponseSchema, type ActiveSessionListResponse } from '../../../../shared/api/session';
import { apiRequest } from '../../../lib/api-client';
import { settingsKeys } from './keys';

/** GET /api/sessions: every active session, named by an opaque handle (never its id). */
export function getSessions(signal?: AbortSignal): Promise<ActiveSessionListResponse> {
  return apiRequest('/api/sessions', { schema: activeSessionListResponseSchema, signal });
}

export function sessionsQueryOptions() {
  return queryOptions({ queryKey: settingsKeys.sessions(), queryFn: ({ signal }) => getSessions(signal), staleTime: 0 });
}

/** DELETE /api/sessions/:handle → 204. */
export function revokeSession(handle: string): Promise<void> {
  return apiRequest(`/api/sessions/${encodeURIComponent(handle)}`, { method: 'DELETE' });
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: revokeSession, onSettled: () => queryClient.invalidateQueries({ queryKey: settingsKeys.sessions() }) });
}
