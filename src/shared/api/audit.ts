// The audit log (docs/http-api.md, Endpoints): filter, entries, revert, hash-chain verification.
import { z } from 'zod/mini';
import { utf8ByteLength } from '../marks/utf8';
import { bitIndexSchema, chatUserIdSchema, conversationSchema, conversationTypeSchema, markStateSchema } from '../marks/schemas';
import { storableText } from '../text/storable';
import { adminActionSchema, adminActivityListResponseSchema, auditKindSchema } from './admin-activity';
import { MARK_REASON_MAX_CHARS, MARK_RESULT_STATUSES, markReasonSchema } from './marks';
import { isoDateTimeInputSchema, isoDateTimeSchema } from './time';

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;

/**
 * zod/mini has no z.preprocess; this is classic zod's, built as it builds it (a transform piped into
 * `schema`) and typed as it types it: any input, and a field is optional when `schema` is.
 */
function preprocess<Schema extends z.ZodMiniType>(fn: (value: unknown) => unknown, schema: Schema) {
  return z.pipe(z.transform(fn), schema) as z.ZodMiniPipe<z.ZodMiniTransform<unknown, unknown>, Schema> & z.core.$ZodPreprocess<Schema>;
}

// Query strings carry empty values for unused filters (`?chatUser=&staff=`); those mean "any".
function optionalFilter<T extends z.ZodMiniType>(schema: T) {
  return preprocess((value) => (value === '' ? undefined : value), z.optional(schema));
}

export const AUDIT_REASON_SEARCH_MAX = 200;
export const auditMatchSchema = z.enum(['exact', 'contains']);
export type AuditMatch = z.infer<typeof auditMatchSchema>;

// 'unknown': the write was started but its outcome never recorded (the server stopped mid-write).
export const auditStatusSchema = z.enum([...MARK_RESULT_STATUSES, 'unknown']);
export type AuditStatus = z.infer<typeof auditStatusSchema>;

export const auditQuerySchema = z
  .strictObject({
    /** mark (default): mark entries; admin: admin activity (admins only). */
    kind: optionalFilter(auditKindSchema),
    /** With kind=admin: one action only. */
    action: optionalFilter(adminActionSchema),
    chatUser: optionalFilter(chatUserIdSchema),
    conversationType: optionalFilter(conversationTypeSchema),
    /** Matches either type unless conversationType is given too. */
    conversationId: optionalFilter(
      storableText('The conversation ID').check(z.refine((id) => utf8ByteLength(id) <= 48, { error: 'A conversation ID is at most 48 bytes (UTF-8).' })),
    ),
    staff: optionalFilter(storableText('The staff name').check(z.maxLength(64))),
    status: optionalFilter(auditStatusSchema),
    /** How chatUser, conversationId and staff match: exact (default) or contains (a case-insensitive substring). */
    match: optionalFilter(auditMatchSchema),
    /** Full-text search on the reason: every word must occur in it (as a substring, case-insensitive). */
    reason: optionalFilter(
      storableText('The reason search').check(z.maxLength(AUDIT_REASON_SEARCH_MAX, { error: `Search for at most ${AUDIT_REASON_SEARCH_MAX} characters of a reason.` })),
    ),
    /** The entries of one bulk job's lines. */
    jobId: optionalFilter(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'A job ID is 1 to 64 letters, digits, "-" or "_".' }))),
    /** One entry by its id (a link to it). */
    entryId: optionalFilter(z.string().check(z.minLength(1), z.maxLength(64))),
    /** The entries of one request (the x-request-id an entry carries). */
    requestId: optionalFilter(storableText('The request ID').check(z.minLength(1), z.maxLength(128))),
    /** Inclusive. Any ISO-8601 date-time with Z or an offset; normalised to UTC. */
    from: optionalFilter(isoDateTimeInputSchema),
    /** Exclusive, so a day is [midnight, next midnight). */
    to: optionalFilter(isoDateTimeInputSchema),
    limit: preprocess(
      (value) => (value === '' || value === undefined ? undefined : value),
      z._default(
        z.coerce
          .number()
          .check(
            z.int({ error: 'limit must be a whole number.' }),
            z.minimum(1, { error: `limit must be between 1 and ${AUDIT_PAGE_MAX}.` }),
            z.maximum(AUDIT_PAGE_MAX, { error: `limit must be between 1 and ${AUDIT_PAGE_MAX}.` }),
          ),
        AUDIT_PAGE_DEFAULT,
      ),
    ),
    /** Opaque: the nextCursor of the previous page. */
    cursor: optionalFilter(z.string().check(z.minLength(1), z.maxLength(512))),
  })
  .check(
    z.refine((query) => query.from === undefined || query.to === undefined || query.from < query.to, {
      error: '"from" must be earlier than "to".',
      path: ['to'],
    }),
    z.refine((query) => query.action === undefined || query.kind === 'admin', {
      error: 'An action filter needs kind=admin.',
      path: ['action'],
    }),
  );
export type AuditQuery = z.infer<typeof auditQuerySchema>;
/** What a client passes in (all strings optional; limit may be a number). */
export type AuditQueryInput = z.input<typeof auditQuerySchema>;


export const auditEntrySchema = z.object({
  /** Always 'mark' from the server; admin activity has its own shape (admin-activity.ts). */
  kind: z.optional(z.literal('mark')),
  id: z.string(),
  at: isoDateTimeSchema,
  /** The staff username who made the change. */
  staff: z.string(),
  chatUser: z.string(),
  conversation: conversationSchema,
  requested: z.object({
    setBits: z.array(bitIndexSchema),
    clearBits: z.array(bitIndexSchema),
    customMark: z.optional(z.string()),
    expectedCustomMark: z.optional(z.string()),
  }),
  /** Null when the state could not be read (the item then failed). */
  before: z.nullable(markStateSchema),
  after: z.nullable(markStateSchema),
  status: auditStatusSchema,
  upstreamCode: z.optional(z.int()),
  /** For failed and conflict entries: the sentence the person saw. */
  message: z.optional(z.string()),
  reason: z.optional(z.string()),
  /** The x-request-id of the request that made this entry. */
  requestId: z.string(),
  /** Set on an entry that undid another entry. */
  revertOf: z.optional(z.string()),
  /** Set when a later entry undid this one (so the SPA hides its Undo). */
  revertedBy: z.optional(z.string()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditListResponseSchema = z.object({
  /** Newest first. */
  entries: z.array(auditEntrySchema),
  /** Null on the last page. */
  nextCursor: z.nullable(z.string()),
});
export type AuditListResponse = z.infer<typeof auditListResponseSchema>;

/** What GET /api/audit answers: mark entries, or admin activity with kind=admin. */
export const auditAnyListResponseSchema = z.union([auditListResponseSchema, adminActivityListResponseSchema]);

export const auditIdParamsSchema = z.strictObject({ id: z.string().check(z.minLength(1), z.maxLength(64)) });
export type AuditIdParams = z.infer<typeof auditIdParamsSchema>;

/** Optional body of POST /api/audit/:id/revert; the reason defaults to "Undo: {original reason}" (defaultUndoReason). */
export const revertRequestSchema = z.strictObject({ reason: z.optional(markReasonSchema) });
export type RevertRequest = z.infer<typeof revertRequestSchema>;

/** 2xx: the new entry. */
export const revertResponseSchema = auditEntrySchema;
export type RevertResponse = z.infer<typeof revertResponseSchema>;

/** The undo reason when none is given: the original reason after "Undo:", cut to the reason's limit. */
export function defaultUndoReason(original: string | undefined, entryId: string): string {
  const text = original?.trim() ? `Undo: ${original.trim()}` : `Undo of ${entryId}`;
  return Array.from(text).slice(0, MARK_REASON_MAX_CHARS).join('');
}

export const requestIdParamsSchema = z.strictObject({ requestId: storableText('The request ID').check(z.minLength(1), z.maxLength(128)) });
export type RequestIdParams = z.infer<typeof requestIdParamsSchema>;

/**
 * What happened to one entry of an "Undo request": undone (with the new entry), or why not —
 * already undone, changed since (conflict, with the state now), not an applied change, or Chat failed.
 */
export const requestUndoItemSchema = z.discriminatedUnion('status', [
  z.object({ entryId: z.string(), conversation: conversationSchema, status: z.literal('undone'), undoEntryId: z.string() }),
  z.object({ entryId: z.string(), conversation: conversationSchema, status: z.literal('already-undone'), undoEntryId: z.string() }),
  z.object({ entryId: z.string(), conversation: conversationSchema, status: z.literal('conflict'), current: markStateSchema }),
  z.object({ entryId: z.string(), conversation: conversationSchema, status: z.literal('not-undoable'), entryStatus: auditStatusSchema }),
  z.object({ entryId: z.string(), conversation: conversationSchema, status: z.literal('failed'), message: z.string(), upstreamCode: z.optional(z.int()) }),
]);
export type RequestUndoItem = z.infer<typeof requestUndoItemSchema>;

/** 200 of POST /api/audit/requests/:requestId/revert; the undos share the undo request's own request id. */
export const requestUndoResponseSchema = z.object({
  requestId: z.string(),
  undone: z.int().check(z.nonnegative()),
  /** Entries that were not undone because their conversation changed since, or Chat failed. */
  problems: z.int().check(z.nonnegative()),
  items: z.array(requestUndoItemSchema),
});
export type RequestUndoResponse = z.infer<typeof requestUndoResponseSchema>;

/** `error.details` of the 409 CONFLICT a revert answers when the conversation moved on. */
export const revertConflictDetailsSchema = z.object({ current: markStateSchema });
export type RevertConflictDetails = z.infer<typeof revertConflictDetailsSchema>;

/** `?expectHead=SEQ:HASH`: a head from an `audit_head` log line the chain must still reach. */
export const auditVerifyQuerySchema = z.strictObject({
  expectHead: optionalFilter(
    z.pipe(
      z.string().check(z.regex(/^[1-9]\d{0,14}:[0-9a-f]{64}$/, { error: 'expectHead is SEQ:HASH as an audit_head log line gives them (a number, a colon, 64 hex digits).' })),
      z.transform((text: string) => {
        const [seq, hash] = text.split(':') as [string, string];
        return { seq: Number(seq), hash };
      }),
    ),
  ),
});
export type AuditVerifyQuery = z.infer<typeof auditVerifyQuerySchema>;

/**
 * missing-before: entries before this one were removed; unlinked: it does not link to the one
 * before; changed: it was changed after it was written; missing-after: entries were cut off the
 * end; start-record: the record of where signed entries begin is missing or was changed.
 */
export const chainProblemSchema = z.enum(['missing-before', 'unlinked', 'changed', 'missing-after', 'start-record']);
export type ChainProblem = z.infer<typeof chainProblemSchema>;

export const chainHeadSchema = z.object({ seq: z.int().check(z.positive()), hash: z.string() });

export const auditVerifyResponseSchema = z.object({
  ok: z.boolean(),
  /** Entries checked. */
  checked: z.int().check(z.nonnegative()),
  /** Id of the first entry that fails ('end-of-log', 'chain-start' for the log itself); absent when ok. */
  brokenAt: z.optional(z.string()),
  /** With expectHead: true when the log no longer reaches that head (entries were cut off the end). */
  truncated: z.optional(z.boolean()),
  /** Every problem found (the check goes on past the first), at most 50. */
  breaks: z.optional(z.array(z.object({ at: z.string(), problem: chainProblemSchema }))),
  /** How many problems there are in all. */
  breakCount: z.optional(z.int().check(z.nonnegative())),
  /** Old entries accepted on the word of a signed repair entry (text the database could not store exactly). */
  repaired: z.optional(z.int().check(z.nonnegative())),
  /** The newest entry checked: compare it with the audit_head lines of the server log. */
  head: z.optional(z.nullable(chainHeadSchema)),
});
export type AuditVerifyResponse = z.infer<typeof auditVerifyResponseSchema>;

/** GET /api/audit/verify/progress: the check in progress, if any (one at a time, shared by everyone asking). */
export const auditVerifyProgressSchema = z.object({
  running: z.boolean(),
  checked: z.int().check(z.nonnegative()),
  /** Entries to check, as far as known when the check started (grows if entries are appended meanwhile). */
  total: z.int().check(z.nonnegative()),
});
export type AuditVerifyProgress = z.infer<typeof auditVerifyProgressSchema>;
