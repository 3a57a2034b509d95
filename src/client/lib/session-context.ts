// The signed-in person, provided by the app shell once GET /api/session has answered. Only types
// come from the shared contract here: the route guards that read this context sit in the first
// download, and the contract's module would bring the whole validator along.
import { createContext, useContext } from 'react';
import type { Role, Session } from '../../shared/api/session';

export type SignedInContext = {
  session: Session;
  /** `roleAtLeast(session.role, role)` for every role, computed by the shell with the shared rule. */
  roleAtLeast: Readonly<Record<Role, boolean>>;
};

export const SessionContext = createContext<SignedInContext | null>(null);

function useSignedIn(): SignedInContext {
  const signedIn = useContext(SessionContext);
  if (!signedIn) throw new Error('The signed-in session is only available inside the app shell.');
  return signedIn;
}

export function useCurrentSession(): Session {
  return useSignedIn().session;
}

export function useHasRole(needed: Role): boolean {
  return useSignedIn().roleAtLeast[needed];
}
