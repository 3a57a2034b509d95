// Identity calls of the SPA: what the sign-in page offers, the second step of a password sign-in,
// TOTP enrolment and step-up (the contract is src/shared/api/identity.ts).
import { queryOptions, useQuery } from '@tanstack/react-query';
import { sessionRoutes } from '../../../../shared/api/contracts/session';
import type { AuthConfig, Enrolment, EnrolmentConfirmed, LoginResponse, NewRecoveryCodes, StepUpRequest } from '../../../../shared/api/identity';
import type { LoginRequest, Session } from '../../../../shared/api/session';
import { callRoute, routeUrl } from '../../../lib/call-route';
import { authKeys } from './keys';

export function getAuthConfig(signal?: AbortSignal): Promise<AuthConfig> {
  return callRoute(sessionRoutes.authConfig, { signal, redirectOnUnauthenticated: false });
}

export function useAuthConfig() {
  return useQuery(queryOptions({ queryKey: [...authKeys.all, 'config'], queryFn: ({ signal }) => getAuthConfig(signal), staleTime: 5 * 60_000, retry: 1 }));
}

/** POST /api/session: the session, or the second step that is due. */
export function signInWithPassword(credentials: LoginRequest): Promise<LoginResponse> {
  return callRoute(sessionRoutes.signIn, { body: credentials, redirectOnUnauthenticated: false });
}

export function submitCode(code: string): Promise<Session> {
  return callRoute(sessionRoutes.mfa, { body: { code }, redirectOnUnauthenticated: false });
}

/** During sign-in (MARKDESK_REQUIRE_MFA=1) or from the account page. */
export function startEnrolment(during: 'sign-in' | 'account'): Promise<Enrolment> {
  const route = during === 'sign-in' ? sessionRoutes.enrolmentDuringSignIn : sessionRoutes.enrolment;
  return callRoute(route, { redirectOnUnauthenticated: during === 'account' });
}

export function confirmEnrolment(during: 'sign-in' | 'account', code: string): Promise<EnrolmentConfirmed> {
  const route = during === 'sign-in' ? sessionRoutes.confirmEnrolmentDuringSignIn : sessionRoutes.confirmEnrolment;
  return callRoute(route, { body: { code }, redirectOnUnauthenticated: during === 'account' });
}

/** From the account page: 10 new recovery codes (the earlier ones stop working). May ask for a step-up first. */
export function newRecoveryCodes(): Promise<NewRecoveryCodes> {
  return callRoute(sessionRoutes.newRecoveryCodes, {});
}

export function stepUp(body: StepUpRequest): Promise<Session> {
  return callRoute(sessionRoutes.stepUp, { body, stepUp: false });
}

/** Where the browser goes to sign in (or step up) through the identity provider. */
export function ssoStartHref(returnTo: string, purpose?: 'step-up'): string {
  return routeUrl(sessionRoutes.ssoStart, { query: { returnTo, ...(purpose ? { purpose } : {}) } });
}
