// Signing in and out, the second factor, step-up, SSO, and what each person manages themselves.
import { z } from 'zod/mini';
import { defineRoute, errorResponses, NO_BODY, SIGNED_IN_ERRORS, SIGNED_IN_WRITE_ERRORS } from '../contract';
import {
  authConfigSchema,
  changePasswordRequestSchema,
  enrolmentConfirmedSchema,
  enrolmentSchema,
  loginResponseSchema,
  meSchema,
  mfaRequestSchema,
  newRecoveryCodesSchema,
  ownSessionListSchema,
  stepUpRequestSchema,
} from '../identity';
import { loginRequestSchema, sessionHandleParamsSchema, sessionSchema } from '../session';

/** `?returnTo=/marks&purpose=step-up` of GET /api/auth/oidc/start. */
export const ssoStartQuerySchema = z.strictObject({
  returnTo: z.optional(z.string().check(z.maxLength(2000))),
  /** `step-up`: re-authenticate the signed-in person (max_age) instead of signing someone in. */
  purpose: z.optional(z.enum(['sign-in', 'step-up'])),
});

/** Whatever the identity provider appends to the callback (code, state, error, …). */
export const ssoCallbackQuerySchema = z.record(z.string(), z.string().check(z.maxLength(4096)));

const PUBLIC_WRITE_ERRORS = errorResponses(400, 401, 413, 415, 429, 500);

export const sessionRoutes = {
  signIn: defineRoute({
    method: 'POST',
    path: '/api/session',
    summary: 'Sign in with a username and password (the session, or the second step that is due)',
    body: loginRequestSchema,
    responses: { 200: loginResponseSchema, ...PUBLIC_WRITE_ERRORS, ...errorResponses(403) },
  }),
  get: defineRoute({ method: 'GET', path: '/api/session', summary: 'Who is signed in', responses: { 200: sessionSchema, ...SIGNED_IN_ERRORS } }),
  signOut: defineRoute({ method: 'DELETE', path: '/api/session', summary: 'Sign out', responses: { 204: NO_BODY, ...errorResponses(403, 500) } }),
  authConfig: defineRoute({
    method: 'GET',
    path: '/api/auth/config',
    summary: 'What the sign-in page offers (SSO, a password)',
    responses: { 200: authConfigSchema, ...errorResponses(500) },
  }),
  ssoStart: defineRoute({
    method: 'GET',
    path: '/api/auth/oidc/start',
    summary: 'Go to the identity provider to sign in (or to step up)',
    query: ssoStartQuerySchema,
    responses: { 302: NO_BODY, ...errorResponses(400, 401, 404, 500) },
  }),
  ssoCallback: defineRoute({
    method: 'GET',
    path: '/api/auth/oidc/callback',
    summary: 'Where the identity provider sends the browser back',
    query: ssoCallbackQuerySchema,
    responses: { 302: NO_BODY, ...errorResponses(400, 404, 500) },
  }),
  mfa: defineRoute({
    method: 'POST',
    path: '/api/session/mfa',
    summary: 'The second step of a password sign-in: a code',
    body: mfaRequestSchema,
    responses: { 200: sessionSchema, ...PUBLIC_WRITE_ERRORS },
  }),
  enrolmentDuringSignIn: defineRoute({
    method: 'POST',
    path: '/api/session/mfa/enrolment',
    summary: 'Start setting up an authenticator app during sign-in',
    responses: { 200: enrolmentSchema, ...PUBLIC_WRITE_ERRORS },
  }),
  confirmEnrolmentDuringSignIn: defineRoute({
    method: 'POST',
    path: '/api/session/mfa/enrolment/confirm',
    summary: 'Finish setting up an authenticator app during sign-in (signs in)',
    body: mfaRequestSchema,
    responses: { 200: enrolmentConfirmedSchema, ...PUBLIC_WRITE_ERRORS },
  }),
  stepUp: defineRoute({
    method: 'POST',
    path: '/api/session/step-up',
    summary: 'Confirm who you are again before an admin action',
    body: stepUpRequestSchema,
    responses: { 200: sessionSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(409, 429) },
  }),
  me: defineRoute({ method: 'GET', path: '/api/me', summary: 'Your account', responses: { 200: meSchema, ...SIGNED_IN_ERRORS } }),
  changePassword: defineRoute({
    method: 'POST',
    path: '/api/me/password',
    summary: 'Change your password',
    body: changePasswordRequestSchema,
    responses: { 204: NO_BODY, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(409, 429) },
  }),
  enrolment: defineRoute({
    method: 'POST',
    path: '/api/me/mfa/enrolment',
    summary: 'Start setting up an authenticator app',
    responses: { 200: enrolmentSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(409) },
  }),
  confirmEnrolment: defineRoute({
    method: 'POST',
    path: '/api/me/mfa/enrolment/confirm',
    summary: 'Finish setting up an authenticator app (its recovery codes)',
    body: mfaRequestSchema,
    responses: { 200: enrolmentConfirmedSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(429) },
  }),
  newRecoveryCodes: defineRoute({
    method: 'POST',
    path: '/api/me/mfa/recovery-codes',
    summary: 'Make 10 new recovery codes (the earlier ones stop working)',
    responses: { 200: newRecoveryCodesSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(409) },
  }),
  ownSessions: defineRoute({ method: 'GET', path: '/api/me/sessions', summary: 'Your sessions', responses: { 200: ownSessionListSchema, ...SIGNED_IN_ERRORS } }),
  endOwnSession: defineRoute({
    method: 'DELETE',
    path: '/api/me/sessions/:handle',
    summary: 'End one of your sessions',
    params: sessionHandleParamsSchema,
    responses: { 204: NO_BODY, ...SIGNED_IN_ERRORS, ...errorResponses(404) },
  }),
} as const;
