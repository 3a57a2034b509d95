import { queryOptions, useQuery } from '@tanstack/react-query';
import { sessionRoutes } from '../../../../shared/api/contracts/session';
import type { Session } from '../../../../shared/api/session';
import { callRoute } from '../../../lib/call-route';
import { authKeys } from './keys';

/** GET /api/session → who is signed in; a 401 sends the person to sign-in (api-client). */
export function getSession(signal?: AbortSignal): Promise<Session> {
  return callRoute(sessionRoutes.get, { signal });
}

export function sessionQueryOptions() {
  return queryOptions({
    queryKey: authKeys.session(),
    queryFn: ({ signal }) => getSession(signal),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function useSession() {
  return useQuery(sessionQueryOptions());
}
