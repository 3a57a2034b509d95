import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { LoginResponse } from '../../../../shared/api/identity';
import type { LoginRequest, Session } from '../../../../shared/api/session';
import { signInWithPassword } from './identity';
import { authKeys } from './keys';

/** POST /api/session. A 401 here means wrong credentials, so it must not trigger the session-ended redirect. */
export function signIn(credentials: LoginRequest): Promise<LoginResponse> {
  return signInWithPassword(credentials);
}

export function isSession(response: LoginResponse): response is Session {
  return 'username' in response;
}

/** What to do once a session exists (after the password, a code or enrolment). */
export function useSignedInCache() {
  const queryClient = useQueryClient();
  return (session: Session) => {
    // A new person may be signing in on this tab: nothing cached for the previous one may show.
    queryClient.clear();
    queryClient.setQueryData(authKeys.session(), session);
  };
}

export function useSignIn() {
  const remember = useSignedInCache();
  return useMutation({
    mutationFn: signIn,
    onSuccess: (response) => {
      if (isSession(response)) remember(response);
    },
  });
}
