// Insights (docs/http-api.md, Insights): mark surveys across many Chat users, the effect of a
// finished bulk job measured later, and activity over time from the audit log. Read-only upstream.
import { z } from 'zod/mini';
import { chatUserIdSchema } from '../marks/schemas';
import { isoDateTimeInputSchema, isoDateTimeSchema } from './time';
import { groupDigits } from '../text/group-digits';

/** A survey reads at most this many Chat users (pasted or uploaded IDs, a job's users, the audit log's). */
export const SURVEY_MAX_USERS = 100_000;
/** Largest request body of POST /api/surveys: 100,000 IDs of up to 32 bytes, quoted, with room to spare. */
export const SURVEY_BODY_MAX_BYTES = 8 * 1024 * 1024;
/** Custom mark values listed in a survey's results, most used first. */
export const SURVEY_TOP_CUSTOM_MARKS = 20;
/** Users offered for "open in Inspect" from a survey, at most. */
export const SURVEY_SAMPLE_USERS = 10;
/** A user with at least this many marked or grouped conversations counts as near Chat's cap of 1,000. */
export const NEAR_CAP_FROM = 900;

/**
 * Buckets of the marked-conversations-per-user histogram: [from, to] inclusive. The last ones
 * zoom in on Chat's cap of 1,000 marked-or-grouped conversations per user.
 */
export const MARKED_PER_USER_BUCKETS: readonly (readonly [number, number])[] = [
  [0, 0],
  [1, 1],
  [2, 5],
  [6, 10],
  [11, 50],
  [51, 100],
  [101, 500],
  [501, 899],
  [900, 989],
  [990, 999],
  [1000, 1000],
];

export const SURVEY_STATES = ['running', 'paused', 'done', 'cancelled', 'failed'] as const;
export const surveyStateSchema = z.enum(SURVEY_STATES);
export type SurveyState = z.infer<typeof surveyStateSchema>;

/** Who is surveyed (exactly one of): a list of IDs, the users of a bulk job, or the users in the audit log between two times. */
export const surveyCreateRequestSchema = z
  .strictObject({
    users: z.optional(
      z
        .array(chatUserIdSchema)
        .check(z.minLength(1, 'Give at least one Chat user ID.'), z.maxLength(SURVEY_MAX_USERS, `A survey reads at most ${groupDigits(SURVEY_MAX_USERS)} users.`)),
    ),
    jobId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    auditFrom: z.optional(isoDateTimeInputSchema),
    auditTo: z.optional(isoDateTimeInputSchema),
    includeRecent: z.optional(z.boolean()),
    label: z.optional(z.string().check(z.trim(), z.maxLength(80))),
  })
  .check(
    z.superRefine((body, context) => {
      const audit = body.auditFrom !== undefined || body.auditTo !== undefined;
      if ([body.users !== undefined, body.jobId !== undefined, audit].filter(Boolean).length !== 1) {
        context.addIssue({ code: 'custom', message: 'Say who to survey with exactly one of: users, jobId, or auditFrom and auditTo.', path: [] });
      } else if (audit && (body.auditFrom === undefined || body.auditTo === undefined)) {
        context.addIssue({ code: 'custom', message: 'Give both auditFrom and auditTo.', path: [body.auditFrom === undefined ? 'auditFrom' : 'auditTo'] });
      }
    }),
  );
export type SurveyCreateRequest = z.input<typeof surveyCreateRequestSchema>;

export const surveySourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('users') }),
  z.object({ kind: z.literal('job'), jobId: z.string() }),
  z.object({ kind: z.literal('audit'), from: isoDateTimeSchema, to: isoDateTimeSchema }),
]);
export type SurveySource = z.infer<typeof surveySourceSchema>;

/** Counts keyed by bit index ("0" … "63"); bits nobody carries are left out. */
export const bitCountsSchema = z.record(z.string().check(z.regex(/^\d{1,2}$/)), z.int().check(z.nonnegative()));
export type BitCounts = z.infer<typeof bitCountsSchema>;

export const histogramBucketSchema = z.object({ from: z.int(), to: z.int(), users: z.int().check(z.nonnegative()) });
export type HistogramBucket = z.infer<typeof histogramBucketSchema>;

const typeCountsSchema = z.object({
  /** Users with at least one marked conversation of this type. */
  users: z.int().check(z.nonnegative()),
  conversations: z.int().check(z.nonnegative()),
});

/** What a finished survey found, over the users it could read. */
export const surveyResultsSchema = z.object({
  usersRead: z.int().check(z.nonnegative()),
  /** Users with at least one marked or grouped conversation. */
  usersWithMarks: z.int().check(z.nonnegative()),
  /** Marked or grouped conversations over all users read. */
  conversations: z.int().check(z.nonnegative()),
  usersWithBit: bitCountsSchema,
  conversationsWithBit: bitCountsSchema,
  markedPerUser: z.array(histogramBucketSchema),
  /** Users at NEAR_CAP_FROM or more marked-or-grouped conversations. */
  nearCap: z.int().check(z.nonnegative()),
  c2c: typeCountsSchema,
  group: typeCountsSchema,
  usersWithCustomMark: z.int().check(z.nonnegative()),
  topCustomMarks: z.array(z.object({ value: z.string(), count: z.int().check(z.positive()) })),
  /** Conversations in the users' recent lists (when the survey read them). */
  recent: z.optional(z.object({ users: z.int().check(z.nonnegative()), conversations: z.int().check(z.nonnegative()) })),
  /** Some users with marks, for "open in Inspect". */
  sampleUsers: z.array(z.string()),
});
export type SurveyResults = z.infer<typeof surveyResultsSchema>;

export const surveyStatusSchema = z.object({
  surveyId: z.string(),
  label: z.string(),
  state: surveyStateSchema,
  source: surveySourceSchema,
  includeRecent: z.boolean(),
  /** Users in the survey. */
  users: z.int().check(z.nonnegative()),
  /** Users read so far (including those that could not be read). */
  done: z.int().check(z.nonnegative()),
  /** Users Chat would not answer for (unknown user, error after retries). */
  failed: z.int().check(z.nonnegative()),
  createdBy: z.string(),
  createdAt: isoDateTimeSchema,
  finishedAt: z.optional(isoDateTimeSchema),
  message: z.optional(z.string()),
  /** When done. */
  results: z.optional(surveyResultsSchema),
});
export type SurveyStatus = z.infer<typeof surveyStatusSchema>;

export const surveyCreatedResponseSchema = z.object({ surveyId: z.string(), state: surveyStateSchema, users: z.int().check(z.nonnegative()) });
export type SurveyCreatedResponse = z.infer<typeof surveyCreatedResponseSchema>;

export const surveyListResponseSchema = z.object({ surveys: z.array(z.omit(surveyStatusSchema, { results: true })) });
export type SurveyListResponse = z.infer<typeof surveyListResponseSchema>;

export const surveyIdParamsSchema = z.strictObject({ id: z.string().check(z.minLength(1), z.maxLength(64)) });

export const surveyCsvQuerySchema = z.strictObject({
  /** "0" leaves the custom mark values out of the export (their counts stay). */
  values: z._default(z.enum(['0', '1']), '1'),
});

export const surveyCompareQuerySchema = z.strictObject({ a: z.string().check(z.minLength(1), z.maxLength(64)), b: z.string().check(z.minLength(1), z.maxLength(64)) });

/** Two surveys side by side, over the users both could read. */
export const surveyCompareResponseSchema = z.object({
  a: z.string(),
  b: z.string(),
  usersInBoth: z.int().check(z.nonnegative()),
  bits: z.array(
    z.object({
      bit: z.int().check(z.minimum(0), z.maximum(63)),
      /** Users carrying the bit on at least one conversation, in a and in b. */
      usersA: z.int().check(z.nonnegative()),
      usersB: z.int().check(z.nonnegative()),
      conversationsA: z.int().check(z.nonnegative()),
      conversationsB: z.int().check(z.nonnegative()),
      /** Users without the bit in a and with it in b, and the other way round. */
      gained: z.int().check(z.nonnegative()),
      lost: z.int().check(z.nonnegative()),
    }),
  ),
});
export type SurveyCompareResponse = z.infer<typeof surveyCompareResponseSchema>;

// ---- campaign effect ----

export const jobEffectSchema = z.object({
  measuredAt: isoDateTimeSchema,
  /** The job's applied rows, re-read. */
  rows: z.int().check(z.nonnegative()),
  /** Rows whose conversation still carries everything the job wrote. */
  stillAsWritten: z.int().check(z.nonnegative()),
  changedSince: z.int().check(z.nonnegative()),
  /** Rows where a bit the job set is now clear (unread cleared: the user opened the conversation). */
  bitsCleared: bitCountsSchema,
  /** Rows where a bit the job cleared is now set again (hidden set again: hidden once more). */
  bitsSet: bitCountsSchema,
  /** Rows whose custom mark is no longer what the job wrote. */
  customMarkChanged: z.int().check(z.nonnegative()),
  /** Rows that could not be read (their user's read failed). */
  unreadable: z.int().check(z.nonnegative()),
});
export type JobEffect = z.infer<typeof jobEffectSchema>;

export const jobEffectListResponseSchema = z.object({ jobId: z.string(), measurements: z.array(jobEffectSchema) });
export type JobEffectListResponse = z.infer<typeof jobEffectListResponseSchema>;

// ---- activity over time ----

/** Longest range of GET /api/audit/activity. */
export const ACTIVITY_MAX_DAYS = 366;

export const activityQuerySchema = z.strictObject({ from: isoDateTimeInputSchema, to: isoDateTimeInputSchema, by: z._default(z.literal('day'), 'day') }).check(
  z.refine((query) => query.from <= query.to, { message: '`from` must not be after `to`.', path: ['to'] }),
  z.refine((query) => Date.parse(query.to) - Date.parse(query.from) <= ACTIVITY_MAX_DAYS * 86_400_000, {
    message: `Choose at most ${ACTIVITY_MAX_DAYS} days.`,
    path: ['to'],
  }),
);
export type ActivityQueryInput = z.input<typeof activityQuerySchema>;

export const ACTIVITY_SOURCES = ['interactive', 'undo', 'bulk'] as const;
export type ActivitySource = (typeof ACTIVITY_SOURCES)[number];

export const activityDaySchema = z.object({
  /** UTC day, YYYY-MM-DD. */
  day: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  /** Mark changes recorded that day (every status). */
  changes: z.int().check(z.nonnegative()),
  /** Applied changes that set / cleared each bit. */
  bitsSet: bitCountsSchema,
  bitsCleared: bitCountsSchema,
  byStaff: z.record(z.string(), z.int().check(z.nonnegative())),
  byStatus: z.record(z.string(), z.int().check(z.nonnegative())),
  bySource: z.record(z.string(), z.int().check(z.nonnegative())),
});
export type ActivityDay = z.infer<typeof activityDaySchema>;

export const activityResponseSchema = z.object({ from: isoDateTimeSchema, to: isoDateTimeSchema, days: z.array(activityDaySchema) });
export type ActivityResponse = z.infer<typeof activityResponseSchema>;
