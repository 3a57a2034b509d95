// Sign-in, the signed-in person, and roles (docs/http-api.md, Roles and Sessions).
import { z } from 'zod/mini';
import { storableText } from '../text/storable';
import { isoDateTimeSchema } from './time';

/** Ascending power: each role can do everything the one before it can. */
export const ROLES = ['viewer', 'editor', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** How a session's person signed in, or last authenticated strongly. */
export const AUTH_METHODS = ['password', 'totp', 'sso'] as const;
export const authMethodSchema = z.enum(AUTH_METHODS);
export type AuthMethod = z.infer<typeof authMethodSchema>;

/** viewer reads; editor also writes marks; admin also manages staff, labels and sessions. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

// Login checks only sizes and storable text, not the username format: an unknown name and a wrong
// password must look the same (401), and the caps keep an attacker from feeding megabytes into
// argon2. A username that cannot be stored exactly never reaches the database. The password may hold
// control characters (accounts made before they were refused still sign in), but not a broken emoji
// half, which argon2 would see as U+FFFD.
export const loginRequestSchema = z.strictObject({
  username: storableText('The username').check(z.minLength(1, { error: 'Enter your username.' }), z.maxLength(64)),
  password: storableText('The password', { allowControlCharacters: true }).check(z.minLength(1, { error: 'Enter your password.' }), z.maxLength(1024)),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const sessionSchema = z.object({ username: z.string(), role: roleSchema });
export type Session = z.infer<typeof sessionSchema>;

// The admin's "active sessions" view. A session is named by an opaque handle,
// never by its id (the id is the cookie's secret).
export const activeSessionSchema = z.object({
  handle: z.string(),
  username: z.string(),
  role: roleSchema,
  createdAt: isoDateTimeSchema,
  lastSeenAt: isoDateTimeSchema,
  /** True for the session making this request. */
  current: z.boolean(),
});
export type ActiveSession = z.infer<typeof activeSessionSchema>;

export const activeSessionListResponseSchema = z.object({ sessions: z.array(activeSessionSchema) });
export type ActiveSessionListResponse = z.infer<typeof activeSessionListResponseSchema>;

export const sessionHandleParamsSchema = z.strictObject({ handle: z.string().check(z.minLength(1), z.maxLength(128)) });
export type SessionHandleParams = z.infer<typeof sessionHandleParamsSchema>;
