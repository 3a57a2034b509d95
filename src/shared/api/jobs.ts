// Bulk jobs from a CSV file (/api/jobs; docs/http-api.md, Endpoints).
import { z } from 'zod/mini';
import { bitIndexSchema, conversationSchema } from '../marks/schemas';
import { MARK_RESULT_STATUSES } from './marks';
import { isoDateTimeSchema } from './time';

export const JOB_MAX_ROWS = 100_000;
/**
 * Largest upload accepted. 100,000 rows of typical IDs and marks are 5–20 MB; this leaves room for
 * long CJK custom marks and labels without letting one request fill the disk.
 */
export const JOB_UPLOAD_MAX_BYTES = 32 * 1024 * 1024;
/** The header row a job CSV must start with (column order as listed). */
export const JOB_CSV_COLUMNS = [
  'chat_user',
  'conversation_type',
  'conversation_id',
  'set_bits',
  'clear_bits',
  'custom_mark',
  'clear_custom_mark',
] as const;
/**
 * Columns a job CSV may add after the required ones. `custom_mark_only_if_empty` = true: the row's
 * custom mark is written only where the conversation has none now; elsewhere the row ends conflict.
 * `groups_add` / `groups_remove`: conversation group names separated by `|`, applied after the
 * row's mark write (a group named in groups_add that the user does not have is created).
 */
export const JOB_CSV_OPTIONAL_COLUMNS = ['custom_mark_only_if_empty', 'groups_add', 'groups_remove'] as const;
/** Separates group names in groups_add and groups_remove. */
export const JOB_CSV_GROUP_SEPARATOR = '|';
/** results.csv: the input columns, then these. */
export const JOB_RESULT_COLUMNS = [...JOB_CSV_COLUMNS, 'status', 'upstream_code', 'message'] as const;

/**
 * `status` of a row in results.csv: what happened to it (`applied` … `failed` as for single marks),
 * `invalid` (refused by the check, `message` says why), `pending` (not done yet) or `cancelled`
 * (the job was cancelled before the row was sent).
 */
export const JOB_ROW_STATUSES = [...MARK_RESULT_STATUSES, 'invalid', 'pending', 'cancelled'] as const;
export type JobRowStatus = (typeof JOB_ROW_STATUSES)[number];

/** Preview rows shown before a job is started, and invalid rows listed, at most. */
export const JOB_PREVIEW_ROWS = 20;
export const JOB_INVALID_ROWS_LISTED = 1000;

export const JOB_STATES = ['checked', 'running', 'paused', 'done', 'cancelled', 'failed'] as const;
export const jobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof jobStateSchema>;

/** Where a job came from: an uploaded file, the rollback of a job, or the failed rows of a job. */
export const JOB_KINDS = ['upload', 'rollback', 'retry'] as const;
export const jobKindSchema = z.enum(JOB_KINDS);
export type JobKind = z.infer<typeof jobKindSchema>;

export const jobIdParamsSchema = z.strictObject({ id: z.string().check(z.minLength(1), z.maxLength(64)) });
export type JobIdParams = z.infer<typeof jobIdParamsSchema>;

/** One valid row as it will be sent (bit names already resolved to indexes). */
export const jobPreviewRowSchema = z.object({
  /** 1-based line in the file, the header being line 1. */
  line: z.int().check(z.positive()),
  chatUser: z.string(),
  conversation: conversationSchema,
  setBits: z.array(bitIndexSchema),
  clearBits: z.array(bitIndexSchema),
  /** Absent = unchanged, "" = clear. */
  customMark: z.optional(z.string()),
});
export type JobPreviewRow = z.infer<typeof jobPreviewRowSchema>;

export const jobInvalidRowSchema = z.object({ line: z.int().check(z.positive()), error: z.string() });
export type JobInvalidRow = z.infer<typeof jobInvalidRowSchema>;

/** What the check found in Chat, by kind of row (see jobImpactSchema). */
export const JOB_IMPACT_KINDS = ['overwritesCustomMark', 'alreadyInState', 'wouldExceedCap', 'notImported'] as const;
export const jobImpactKindSchema = z.enum(JOB_IMPACT_KINDS);
export type JobImpactKind = z.infer<typeof jobImpactKindSchema>;
/** Chat keeps at most this many marked conversations (any standard-mark bit or a custom mark) per user. */
export const MARKED_CONVERSATIONS_CAP = 1000;
/** Examples of overwritten custom marks given with the impact, at most. */
export const JOB_IMPACT_EXAMPLES = 5;

export const jobImpactExampleSchema = z.object({
  line: z.int().check(z.positive()),
  chatUser: z.string(),
  conversation: conversationSchema,
  from: z.string(),
  to: z.string(),
});
export type JobImpactExample = z.infer<typeof jobImpactExampleSchema>;

/**
 * Valid rows by what the check read in Chat before anything was written: rows that replace a custom
 * mark someone set, rows already in the requested state (nothing will be sent), rows that would push
 * their user past MARKED_CONVERSATIONS_CAP marked conversations, and rows of users not imported into
 * Chat (those will fail).
 */
export const jobImpactSchema = z.object({
  overwritesCustomMark: z.int().check(z.nonnegative()),
  alreadyInState: z.int().check(z.nonnegative()),
  wouldExceedCap: z.int().check(z.nonnegative()),
  notImported: z.int().check(z.nonnegative()),
  examples: z.array(jobImpactExampleSchema),
});
export type JobImpact = z.infer<typeof jobImpactSchema>;

export const jobImpactParamsSchema = z.strictObject({ id: z.string().check(z.minLength(1), z.maxLength(64)), kind: jobImpactKindSchema });

/** 201 of POST /api/jobs: the file was checked, nothing written yet. */
export const jobCheckedResponseSchema = z.object({
  jobId: z.string(),
  state: z.literal('checked'),
  /** Data rows (header excluded). */
  rows: z.int().check(z.nonnegative()),
  valid: z.int().check(z.nonnegative()),
  /** The first JOB_INVALID_ROWS_LISTED problems, in line order; rows − valid is the full count. */
  invalid: z.array(jobInvalidRowSchema),
  /** The first JOB_PREVIEW_ROWS valid rows. */
  preview: z.array(jobPreviewRowSchema),
  /** What the rows would do, read from Chat; absent when Chat could not be read (impactMessage says why). */
  impact: z.optional(jobImpactSchema),
  impactMessage: z.optional(z.string()),
});
export type JobCheckedResponse = z.infer<typeof jobCheckedResponseSchema>;

/** GET /api/jobs/:id, and the answer of start/pause/resume/cancel. */
export const jobStatusSchema = z.object({
  jobId: z.string(),
  state: jobStateSchema,
  /** Valid rows to run. */
  total: z.int().check(z.nonnegative()),
  done: z.int().check(z.nonnegative()),
  applied: z.int().check(z.nonnegative()),
  unchanged: z.int().check(z.nonnegative()),
  conflicts: z.int().check(z.nonnegative()),
  failed: z.int().check(z.nonnegative()),
  /** Upstream mark calls per second over the recent past; 0 when not running. */
  callsPerSecond: z.number().check(z.nonnegative()),
  /** Null when not running or not yet estimable. */
  etaSeconds: z.nullable(z.number().check(z.nonnegative())),
  createdBy: z.string(),
  createdAt: isoDateTimeSchema,
  /** Data rows in the file and those the check refused (rows − invalid = total). */
  rows: z.optional(z.int().check(z.nonnegative())),
  invalid: z.optional(z.int().check(z.nonnegative())),
  /** Who started it (their name is on each row's audit entry), and when. */
  startedBy: z.optional(z.string()),
  startedAt: z.optional(isoDateTimeSchema),
  /** When it reached done, cancelled or failed. */
  finishedAt: z.optional(isoDateTimeSchema),
  /** Why a job stopped (state failed); a person can fix the cause and resume it. */
  message: z.optional(z.string()),
  /** Where the job came from (JOB_KINDS). */
  kind: z.optional(jobKindSchema),
  /** The job a rollback or retry job was made from. */
  sourceJobId: z.optional(z.string()),
});
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** GET /api/jobs?limit= (1..500, default 100). */
export const jobListQuerySchema = z.strictObject({ limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500)), 100) });
export type JobListQuery = z.infer<typeof jobListQuerySchema>;

/** GET /api/jobs, newest first. */
export const jobListResponseSchema = z.object({ jobs: z.array(jobStatusSchema) });
export type JobListResponse = z.infer<typeof jobListResponseSchema>;

/** 201 of POST /api/jobs/:id/rollback: the new job, already started. */
export const jobRollbackResponseSchema = z.object({ jobId: z.string() });
/** 201 of POST /api/jobs/:id/retry-failed: the new job, checked, to be started by the person. */
export const jobRetryResponseSchema = z.object({ jobId: z.string(), state: z.literal('checked') });

export const jobReasonCountSchema = z.object({ reason: z.string(), count: z.int().check(z.positive()) });
export type JobReasonCount = z.infer<typeof jobReasonCountSchema>;

/** GET /api/jobs/:id/report: refused and failed lines by reason (most frequent first), and the check's impact. */
export const jobReportSchema = z.object({
  invalidByReason: z.array(jobReasonCountSchema),
  failedByReason: z.array(jobReasonCountSchema),
  impact: z.optional(jobImpactSchema),
});
export type JobReport = z.infer<typeof jobReportSchema>;
