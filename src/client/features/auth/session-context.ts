import { createContext, useContext } from 'react';
import { roleAtLeast, type Role, type Session } from '../../../shared/api/session';

/** The signed-in person, provided by the app shell once GET /api/session has answered. */
export const SessionContext = createContext<Session | null>(null);

export function useCurrentSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useCurrentSession is only available inside the signed-in app shell.');
  return session;
}

export function useHasRole(needed: Role): boolean {
  return roleAtLeast(useCurrentSession().role, needed);
}
