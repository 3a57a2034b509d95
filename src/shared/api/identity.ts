// Identity: single sign-on through the company's identity provider (OIDC), TOTP for local
// accounts, step-up before admin actions, and what people manage themselves (docs/http-api.md,
// Identity).
import { z } from 'zod/mini';
import { storableText } from '../text/storable';
import { authMethodSchema, roleSchema } from './session';
import { staffPasswordSchema, staffSourceSchema } from './staff';
import { isoDateTimeSchema } from './time';

/** GET /api/auth/config (no session needed): what the sign-in page offers. */
export const authConfigSchema = z.object({
  /** The provider's name for the button, or null when SSO is not configured. */
  sso: z.nullable(z.object({ name: z.string() })),
  /** false: only break-glass accounts may sign in with a password. */
  localLogin: z.boolean(),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;

/** Why the sign-in page was opened: `?reason=` (a session that ended) or `?error=` (a refused SSO). */
export const SIGN_IN_REASONS = ['revoked', 'expired', 'role_removed'] as const;
export type SignInReason = (typeof SIGN_IN_REASONS)[number];
export const SSO_ERRORS = ['sso_failed', 'no_role', 'sso_unavailable', 'local_login_off'] as const;
export type SsoError = (typeof SSO_ERRORS)[number];

/** A 6-digit TOTP code, or a recovery code (xxxx-xxxx-xxxx, dashes and case optional). */
export const mfaCodeSchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(6, { error: 'Enter the 6-digit code from your authenticator app, or a recovery code.' }),
    z.maxLength(32, { error: 'Enter the 6-digit code from your authenticator app, or a recovery code.' }),
    z.regex(/^[0-9A-Za-z -]+$/, { error: 'Enter the 6-digit code from your authenticator app, or a recovery code.' }),
  );

export const mfaRequestSchema = z.strictObject({ code: mfaCodeSchema });
export type MfaRequest = z.infer<typeof mfaRequestSchema>;

/**
 * POST /api/session answers the session, or that a second step is due (no session yet): the code
 * (`mfaRequired`) or TOTP enrolment (`enrolmentRequired`, when MARKDESK_REQUIRE_MFA=1).
 */
export const loginResponseSchema = z.union([
  z.object({ username: z.string(), role: roleSchema }),
  z.object({ mfaRequired: z.literal(true) }),
  z.object({ enrolmentRequired: z.literal(true) }),
]);
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** POST /api/session/mfa/enrolment (or /api/me/mfa/enrolment): a new secret to confirm. */
export const enrolmentSchema = z.object({
  /** otpauth:// URI (what the QR code holds). */
  uri: z.string(),
  /** The same secret in base32, for typing in by hand. */
  secret: z.string(),
  /** The QR code of `uri` as an SVG document (shown as an image, never inserted as markup). */
  qrSvg: z.string(),
});
export type Enrolment = z.infer<typeof enrolmentSchema>;

const recoveryCodeListSchema = z.array(z.string()).check(z.length(10));

/** Confirming the enrolment with a first code answers the 10 recovery codes, shown this once. */
export const enrolmentConfirmedSchema = z.object({
  recoveryCodes: recoveryCodeListSchema,
  /** Present when the confirmation also completed a sign-in. */
  session: z.optional(z.object({ username: z.string(), role: roleSchema })),
});
export type EnrolmentConfirmed = z.infer<typeof enrolmentConfirmedSchema>;

/** POST /api/me/mfa/recovery-codes: 10 new recovery codes, shown this once; the earlier ones stop working. */
export const newRecoveryCodesSchema = z.object({ recoveryCodes: recoveryCodeListSchema });
export type NewRecoveryCodes = z.infer<typeof newRecoveryCodesSchema>;

/** POST /api/session/step-up: the password (and a code when TOTP is set up). SSO sessions use the provider instead. */
export const stepUpRequestSchema = z.strictObject({
  password: storableText('The password', { allowControlCharacters: true }).check(z.minLength(1, { error: 'Enter your password.' }), z.maxLength(1024)),
  code: z.optional(mfaCodeSchema),
});
export type StepUpRequest = z.infer<typeof stepUpRequestSchema>;

/** details of a 403 STEP_UP_REQUIRED: how to re-authenticate. */
export const stepUpDetailsSchema = z.object({
  method: z.enum(['password', 'sso']),
  /** With `password`: whether a TOTP code is needed too. */
  mfa: z.optional(z.boolean()),
});

/** GET /api/me: the signed-in person with what they can manage themselves. */
export const meSchema = z.object({
  username: z.string(),
  role: roleSchema,
  source: staffSourceSchema,
  mfa: z.boolean(),
  /** How this session signed in, and when its person last authenticated strongly. */
  method: authMethodSchema,
  authAt: isoDateTimeSchema,
});
export type Me = z.infer<typeof meSchema>;

export const changePasswordRequestSchema = z.strictObject({
  currentPassword: storableText('The password', { allowControlCharacters: true }).check(z.minLength(1, { error: 'Enter your password.' }), z.maxLength(1024)),
  newPassword: staffPasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;

/** GET /api/me/sessions: the person's own live sessions. */
export const ownSessionSchema = z.object({
  handle: z.string(),
  createdAt: isoDateTimeSchema,
  lastSeenAt: isoDateTimeSchema,
  ip: z.string(),
  userAgent: z.string(),
  method: authMethodSchema,
  current: z.boolean(),
});
export type OwnSession = z.infer<typeof ownSessionSchema>;
export const ownSessionListSchema = z.object({ sessions: z.array(ownSessionSchema) });
export type OwnSessionList = z.infer<typeof ownSessionListSchema>;
