// Admin activity: what staff did to the console itself (sign-ins, staff accounts, sessions,
// labels, chain checks), kept in the same keyed audit chain as the mark entries.
// GET /api/audit?kind=admin (admins only) lists it; kind=mark (the default) lists mark entries.
import { z } from 'zod/mini';
import { isoDateTimeSchema } from './time';

export const AUDIT_KINDS = ['mark', 'admin'] as const;
export const auditKindSchema = z.enum(AUDIT_KINDS);
export type AuditKind = z.infer<typeof auditKindSchema>;

export const ADMIN_ACTIONS = [
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'staff_created',
  'role_changed',
  'staff_disabled',
  'staff_enabled',
  'password_reset',
  'session_ended',
  'labels_changed',
  'chain_verified',
  'step_up',
  'password_changed',
  'mfa_enrolled',
  'mfa_recovery_codes_replaced',
  'mfa_reset',
  'break_glass_changed',
] as const;
export const adminActionSchema = z.enum(ADMIN_ACTIONS);
export type AdminAction = z.infer<typeof adminActionSchema>;

/** Small facts about the action (role from/to, the chain check's result …). */
export const adminDetailsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type AdminDetails = z.infer<typeof adminDetailsSchema>;

export const adminActivityEntrySchema = z.object({
  kind: z.literal('admin'),
  id: z.string(),
  at: isoDateTimeSchema,
  /** Who acted: a staff username, "cli:{os user}" for the staff command line, or what a failed sign-in typed. */
  staff: z.string(),
  action: adminActionSchema,
  /** Whom or what it was done to (a username, "mark-labels" …). */
  target: z.optional(z.string()),
  ip: z.optional(z.string()),
  /** The browser's User-Agent header, as sent. */
  userAgent: z.optional(z.string()),
  details: z.optional(adminDetailsSchema),
});
export type AdminActivityEntry = z.infer<typeof adminActivityEntrySchema>;

export const adminActivityListResponseSchema = z.object({
  /** Newest first. */
  entries: z.array(adminActivityEntrySchema),
  nextCursor: z.nullable(z.string()),
});
export type AdminActivityListResponse = z.infer<typeof adminActivityListResponseSchema>;

/** The CSV export's columns (GET /api/audit/export.csv?kind=admin). */
export const ADMIN_ACTIVITY_CSV_COLUMNS = ['id', 'at', 'staff', 'action', 'target', 'ip', 'user_agent', 'details'] as const;
