// POST /api/chat-users/:userId/marks (docs/http-api.md, Endpoints). The bit and custom-mark rules are the mark
// domain's changeProblems, so the API, the SPA's editor and the bulk-job checker refuse the same
// things with the same sentences.
import { z } from 'zod/mini';
import { changeProblems, type ChangeProblem, type MarkChange } from '../marks/change';
import { conversationKey } from '../marks/conversation';
import { conversationSchema, markStateSchema } from '../marks/schemas';
import { storableText } from '../text/storable';
import { groupDigits } from '../text/group-digits';

export const MARK_REQUEST_MAX_ITEMS = 1000;
export const MARK_REASON_MAX_CHARS = 500;

/**
 * A custom mark Markdesk is asked to write: storable text (its length in UTF-8 bytes is checked with
 * the other change rules, by changeProblems).
 */
export const customMarkRequestSchema = storableText('The custom mark');

/** The reason of a change (kept in the audit log): storable text of at most 500 characters. */
export const markReasonSchema = storableText('The reason').check(
  z.maxLength(MARK_REASON_MAX_CHARS, {
    error: (issue) => `The reason is ${(issue.input as string).length} characters; the limit is ${MARK_REASON_MAX_CHARS}.`,
  }),
);

// Field types only; which bits are allowed and how long a custom mark may be is checked once,
// by changeProblems, below. 64 entries is more than any sensible list (duplicates are harmless).
const bitListSchema = z.array(z.int()).check(z.maxLength(64, { error: 'List at most 64 bits.' }));

export const markItemRequestSchema = z
  .strictObject({
    conversation: conversationSchema,
    setBits: z.optional(bitListSchema),
    clearBits: z.optional(bitListSchema),
    /** Omitted = unchanged; "" = clear; else ≤256 UTF-8 bytes. */
    customMark: z.optional(customMarkRequestSchema),
    /**
     * When given and the current custom mark differs, the item is not written (status conflict). It
     * is compared with what Chat holds, which may contain control characters: only a broken emoji
     * half is refused.
     */
    expectedCustomMark: z.optional(storableText('The expected custom mark', { allowControlCharacters: true })),
  })
  .check(
    z.superRefine((item, context) => {
      for (const problem of changeProblems(markChangeOfItem(item))) {
        context.addIssue({ code: 'custom', message: problem.message, path: problemPath(item, problem) });
      }
    }),
  );
export type MarkItemRequest = z.infer<typeof markItemRequestSchema>;

function problemPath(item: { setBits?: number[]; clearBits?: number[] }, problem: ChangeProblem): (string | number)[] {
  if (problem.code === 'CUSTOM_MARK_TOO_LONG') return ['customMark'];
  if (problem.code === 'EMPTY_CHANGE') return [];
  // Point at the list entry: a set-and-cleared bit is blamed on clearBits, the others where they first appear.
  const lists = problem.code === 'BIT_SET_AND_CLEARED' ? (['clearBits'] as const) : (['setBits', 'clearBits'] as const);
  for (const list of lists) {
    const index = item[list]?.indexOf(problem.bit as number) ?? -1;
    if (index >= 0) return [list, index];
  }
  return [];
}

/** The domain change an item asks for (absent lists are empty). */
export function markChangeOfItem(item: { setBits?: number[]; clearBits?: number[]; customMark?: string }): MarkChange {
  const change: MarkChange = { setBits: item.setBits ?? [], clearBits: item.clearBits ?? [] };
  if (item.customMark !== undefined) change.customMark = item.customMark;
  return change;
}

export const markRequestSchema = z
  .strictObject({
    items: z.array(markItemRequestSchema).check(
      z.minLength(1, { error: 'Send at least one item.' }),
      z.maxLength(MARK_REQUEST_MAX_ITEMS, {
        error: (issue) => `Send at most 1,000 items in one request; got ${groupDigits((issue.input as unknown[]).length)}. Use a bulk job for more.`,
      }),
    ),
    reason: z.optional(markReasonSchema),
  })
  .check(
    z.superRefine((request, context) => {
      // Decision: one conversation twice in a request is refused. Both items would read
      // the same "before" and the outcome would depend on the order of upstream calls.
      const firstIndex = new Map<string, number>();
      request.items.forEach((item, index) => {
        const key = conversationKey(item.conversation);
        const first = firstIndex.get(key);
        if (first === undefined) firstIndex.set(key, index);
        else {
          context.addIssue({
            code: 'custom',
            path: ['items', index, 'conversation'],
            message: `This conversation is already item ${first + 1}; put all its changes in one item.`,
          });
        }
      });
    }),
  );
export type MarkRequest = z.infer<typeof markRequestSchema>;

export const MARK_RESULT_STATUSES = ['applied', 'unchanged', 'conflict', 'failed'] as const;
export const markResultStatusSchema = z.enum(MARK_RESULT_STATUSES);
export type MarkResultStatus = z.infer<typeof markResultStatusSchema>;

/** A SCREAMING_SNAKE code naming why an item failed, e.g. UPSTREAM_ERROR or GROUP_NOT_FOUND. */
const itemErrorCodeSchema = z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/));

const resultBase = { conversation: conversationSchema, auditId: z.string().check(z.minLength(1)) };

export const markResultSchema = z.discriminatedUnion('status', [
  /** Written; `after` is what the write produced. */
  z.object({ ...resultBase, status: z.literal('applied'), before: markStateSchema, after: markStateSchema }),
  /** Already in the requested state; nothing was sent upstream. */
  z.object({ ...resultBase, status: z.literal('unchanged'), before: markStateSchema, after: markStateSchema }),
  /** expectedCustomMark did not match; nothing was written; before = after = the current state. */
  z.object({
    ...resultBase,
    status: z.literal('conflict'),
    before: markStateSchema,
    after: markStateSchema,
    message: z.optional(z.string()),
  }),
  /** before/after are null when the state could not be read. */
  z.object({
    ...resultBase,
    status: z.literal('failed'),
    before: z.nullable(markStateSchema),
    after: z.nullable(markStateSchema),
    code: itemErrorCodeSchema,
    message: z.string(),
    upstreamCode: z.optional(z.int()),
  }),
]);
export type MarkResult = z.infer<typeof markResultSchema>;

export const markResponseSchema = z.object({ results: z.array(markResultSchema) });
export type MarkResponse = z.infer<typeof markResponseSchema>;
