// Identity calls of the SPA: what the sign-in page offers, the second step of a password sign-in,
// TOTP enrolment and step-up (the contract is src/shared/api/identity.ts).
import { queryOptions, useQuery } from '@tanstack/react-query';
import {
  authConfigSchema,
  enrolmentConfirmedSchema,
  enrolmentSchema,
  loginResponseSchema,
  type AuthConfig,
  type Enrolment,
  type EnrolmentConfirmed,
  type LoginResponse,
  type StepUpRequest,
} from '../../../../shared/api/identity';
import { sessionSchema, type LoginRequest, type Session } from '../../../../shared/api/session';
import { apiRequest } from '../../../lib/api-client';
import { authKeys } from './keys';

export function getAuthConfig(signal?: AbortSignal): Promise<AuthConfig> {
  return apiRequest('/api/auth/config', { schema: authConfigSchema, signal, redirectOnUnauthenticated: false });
}

export function useAuthConfig() {
  return useQuery(queryOptions({ queryKey: [...authKeys.all, 'config'], queryFn: ({ signal }) => getAuthConfig(signal), staleTime: 5 * 60_000, retry: 1 }));
}

/** POST /api/session: the session, or the second step that is due. */
export function signInWithPassword(credentials: LoginRequest): Promise<LoginResponse> {
  return apiRequest('/api/session', { method: 'POST', body: credentials, schema: loginResponseSchema, redirectOnUnauthenticated: false });
}

export function submitCode(code: string): Promise<Session> {
  return apiRequest('/api/session/mfa', { method: 'POST', body: { code }, schema: sessionSchema, redirectOnUnauthenticated: false });
}

/** During sign-in (MARKDESK_REQUIRE_MFA=1) or from the account page. */
export function startEnrolment(during: 'sign-in' | 'account'): Promise<Enrolment> {
  const path = during === 'sign-in' ? '/api/session/mfa/enrolment' : '/api/me/mfa/enrolment';
  return apiRequest(path, { method: 'POST', schema: enrolmentSchema, redirectOnUnauthenticated: during === 'account' });
}

export function confirmEnrolment(during: 'sign-in' | 'account', code: string): Promise<EnrolmentConfirmed> {
  const path = during === 'sign-in' ? '/api/session/mfa/enrolment/confirm' : '/api/me/mfa/enrolment/confirm';
  return apiRequest(path, { method: 'POST', body: { code }, schema: enrolmentConfirmedSchema, redirectOnUnauthenticated: during === 'account' });
}

export function stepUp(body: StepUpRequest): Promise<Session> {
  return apiRequest('/api/session/step-up', { method: 'POST', body, schema: sessionSchema, stepUp: false });
}

/** Where the browser goes to sign in (or step up) through the identity provider. */
export function ssoStartHref(returnTo: string, purpose?: 'step-up'): string {
  return `/api/auth/oidc/start?${new URLSearchParams({ returnTo, ...(purpose ? { purpose } : {}) }).toString()}`;
}
