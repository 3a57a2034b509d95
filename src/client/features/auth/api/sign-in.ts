import { useMutation, useQueryClient } from '@tanstack/react-query';
import { sessionSchema, type LoginRequest, type Session } from '../../../../shared/api/session';
import { apiRequest } from '../../../lib/api-client';
import { authKeys } from './keys';

/** POST /api/session. A 401 here means wrong credentials, so it must not trigger the session-ended redirect. */
export function signIn(credentials: LoginRequest): Promise<Session> {
  return apiRequest('/api/session', { method: 'POST', body: credentials, schema: sessionSchema, redirectOnUnauthenticated: false });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signIn,
    onSuccess: (session) => {
      // A new person may be signing in on this tab: nothing cached for the previous one may show.
      queryClient.clear();
      queryClient.setQueryData(authKeys.session(), session);
    },
  });
}
