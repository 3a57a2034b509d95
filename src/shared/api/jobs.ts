// Bulk jobs from a CSV file (bff-api §4.4).
import { z } from 'zod';
import { bitIndexSchema, conversationSchema } from '../marks/schemas';
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
/** results.csv: the input columns, then these. */
export const JOB_RESULT_COLUMNS = [...JOB_CSV_COLUMNS, 'status', 'upstream_code', 'message'] as const;

/**
 * `status` of a row in results.csv: what happened to it (`applied` … `failed` as for single marks),
 * `invalid` (refused by the check, `message` says why), `pending` (not done yet) or `cancelled`
 * (the job was cancelled before the row was sent).
 */
export const JOB_ROW_STATUSES = ['applied', 'unchanged', 'conflict', 'failed', 'invalid', 'pending', 'cancelled'] as const;
export type JobRowStatus = (typeof JOB_ROW_STATUSES)[number];

/** Preview rows shown before a job is started, and invalid rows listed, at most. */
export const JOB_PREVIEW_ROWS = 20;
export const JOB_INVALID_ROWS_LISTED = 1000;

export const JOB_STATES = ['checked', 'running', 'paused', 'done', 'cancelled', 'failed'] as const;
export const jobStateSchema = z.enum(JOB_STATES);
export type JobState = z.infer<typeof jobStateSchema>;

export const jobIdParamsSchema = z.strictObject({ id: z.string().min(1).max(64) });
export type JobIdParams = z.infer<typeof jobIdParamsSchema>;

/** One valid row as it will be sent (bit names already resolved to indexes). */
export const jobPreviewRowSchema = z.object({
  /** 1-based line in the file, the header being line 1. */
  line: z.int().positive(),
  chatUser: z.string(),
  conversation: conversationSchema,
  setBits: z.array(bitIndexSchema),
  clearBits: z.array(bitIndexSchema),
  /** Absent = unchanged, "" = clear. */
  customMark: z.string().optional(),
});
export type JobPreviewRow = z.infer<typeof jobPreviewRowSchema>;

export const jobInvalidRowSchema = z.object({ line: z.int().positive(), error: z.string() });
export type JobInvalidRow = z.infer<typeof jobInvalidRowSchema>;

/** 201 of POST /api/jobs: the file was checked, nothing written yet. */
export const jobCheckedResponseSchema = z.object({
  jobId: z.string(),
  state: z.literal('checked'),
  /** Data rows (header excluded). */
  rows: z.int().nonnegative(),
  valid: z.int().nonnegative(),
  /** The first JOB_INVALID_ROWS_LISTED problems, in line order; rows − valid is the full count. */
  invalid: z.array(jobInvalidRowSchema),
  /** The first JOB_PREVIEW_ROWS valid rows. */
  preview: z.array(jobPreviewRowSchema),
});
export type JobCheckedResponse = z.infer<typeof jobCheckedResponseSchema>;

/** GET /api/jobs/:id, and the answer of start/pause/resume/cancel. */
export const jobStatusSchema = z.object({
  jobId: z.string(),
  state: jobStateSchema,
  /** Valid rows to run. */
  total: z.int().nonnegative(),
  done: z.int().nonnegative(),
  applied: z.int().nonnegative(),
  unchanged: z.int().nonnegative(),
  conflicts: z.int().nonnegative(),
  failed: z.int().nonnegative(),
  /** Upstream mark calls per second over the recent past; 0 when not running. */
  callsPerSecond: z.number().nonnegative(),
  /** Null when not running or not yet estimable. */
  etaSeconds: z.number().nonnegative().nullable(),
  createdBy: z.string(),
  createdAt: isoDateTimeSchema,
  /** Data rows in the file and those the check refused (rows − invalid = total). */
  rows: z.int().nonnegative().optional(),
  invalid: z.int().nonnegative().optional(),
  /** Who started it (their name is on each row's audit entry), and when. */
  startedBy: z.string().optional(),
  startedAt: isoDateTimeSchema.optional(),
  /** When it reached done, cancelled or failed. */
  finishedAt: isoDateTimeSchema.optional(),
  /** Why a job stopped (state failed); a person can fix the cause and resume it. */
  message: z.string().optional(),
});
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** GET /api/jobs?limit= (1..500, default 100). */
export const jobListQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });
export type JobListQuery = z.infer<typeof jobListQuerySchema>;

/** GET /api/jobs, newest first. */
export const jobListResponseSchema = z.object({ jobs: z.array(jobStatusSchema) });
export type JobListResponse = z.infer<typeof jobListResponseSchema>;
