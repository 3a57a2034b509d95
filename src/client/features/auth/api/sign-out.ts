import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../../lib/call-route';
import { sessionRoutes } from '../../../../shared/api/contracts/session';

/** DELETE /api/session → 204. */
export function signOut(): Promise<void> {
  return callRoute(sessionRoutes.signOut, { redirectOnUnauthenticated: false });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signOut,
    // Whatever the server said, this tab forgets everything it knew.
    onSettled: () => queryClient.clear(),
  });
}
