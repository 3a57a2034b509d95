import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';

/** DELETE /api/session → 204. */
export function signOut(): Promise<void> {
  return apiRequest('/api/session', { method: 'DELETE', redirectOnUnauthenticated: false });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signOut,
    // Whatever the server said, this tab forgets everything it knew.
    onSettled: () => queryClient.clear(),
  });
}
