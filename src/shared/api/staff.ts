// Staff accounts (/api/staff; docs/http-api.md, Endpoints). Admin only; every change revokes that person's sessions.
import { z } from 'zod/mini';
import { storableText } from '../text/storable';
import { roleSchema } from './session';
import { isoDateTimeSchema } from './time';

/** Where an account comes from: made here (`local`), or just in time at an SSO sign-in (`sso`). */
export const STAFF_SOURCES = ['local', 'sso'] as const;
export const staffSourceSchema = z.enum(STAFF_SOURCES);
export type StaffSource = z.infer<typeof staffSourceSchema>;

export const PASSWORD_MIN_CHARS = 12;
export const PASSWORD_MAX_CHARS = 128;

// Decision: lower-case so "Admin" and "admin" cannot be two people; 2 characters
// allows the sandbox's "pm". An unstorable character is named as such first: the pattern's sentence
// would not tell the person about a character they cannot see.
export const staffUsernameSchema = storableText('The username').check(
  z.regex(/^[a-z][a-z0-9._-]{1,31}$/, {
    error: 'A username is 2 to 32 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter.',
  }),
);

// Counted in code points (NIST 800-63B counts characters; an emoji is one).
const characters = (text: string) => [...text].length;
// A broken emoji half would be hashed as U+FFFD (two different passwords would be one); a control
// character cannot be typed again at sign-in.
export const staffPasswordSchema = storableText('The password').check(
  z.refine((password) => characters(password) >= PASSWORD_MIN_CHARS, {
    error: `A password has at least ${PASSWORD_MIN_CHARS} characters.`,
  }),
  z.refine((password) => characters(password) <= PASSWORD_MAX_CHARS, {
    error: `A password has at most ${PASSWORD_MAX_CHARS} characters.`,
  }),
);

export const createStaffRequestSchema = z.strictObject({ username: staffUsernameSchema, role: roleSchema, password: staffPasswordSchema }).check(
  z.refine((request) => !request.password.toLowerCase().includes(request.username), {
    error: 'The password may not contain the username.',
    path: ['password'],
  }),
);
export type CreateStaffRequest = z.infer<typeof createStaffRequestSchema>;

export const patchStaffRequestSchema = z
  .strictObject({ role: z.optional(roleSchema), disabled: z.optional(z.boolean()), password: z.optional(staffPasswordSchema) })
  .check(
    z.refine((patch) => patch.role !== undefined || patch.disabled !== undefined || patch.password !== undefined, {
      error: 'Change at least one of role, disabled or password.',
    }),
  );
export type PatchStaffRequest = z.infer<typeof patchStaffRequestSchema>;

/** `:name` of PATCH /api/staff/:name. */
export const staffParamsSchema = z.strictObject({ name: staffUsernameSchema });
export type StaffParams = z.infer<typeof staffParamsSchema>;

export const staffMemberSchema = z.object({
  username: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: isoDateTimeSchema,
  lastLoginAt: z.nullable(isoDateTimeSchema),
  /** `sso`: created just in time at a sign-in through the identity provider. */
  source: z.optional(staffSourceSchema),
  /** A local account that may sign in with its password while local sign-in is off. */
  breakGlass: z.optional(z.boolean()),
  /** TOTP is set up. */
  mfa: z.optional(z.boolean()),
});
export type StaffMember = z.infer<typeof staffMemberSchema>;

/** GET /api/staff, ordered by username. POST answers 201 and PATCH 200 with one StaffMember. */
export const staffListResponseSchema = z.object({ staff: z.array(staffMemberSchema) });
export type StaffListResponse = z.infer<typeof staffListResponseSchema>;
