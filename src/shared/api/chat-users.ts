// A Chat user and their conversations (/api/chat-users; docs/http-api.md, Endpoints).
import { z } from 'zod/mini';
import { bitIndexSchema, chatUserIdSchema, conversationTypeSchema } from '../marks/schemas';
import { isoDateTimeSchema } from './time';

/** `:userId` path parameter: a Chat UserID, 1..32 UTF-8 bytes, no control characters. */
export const chatUserParamsSchema = z.strictObject({ userId: chatUserIdSchema });
export type ChatUserParams = z.infer<typeof chatUserParamsSchema>;

export const chatUserResponseSchema = z.object({ userId: z.string(), imported: z.boolean() });
export type ChatUserResponse = z.infer<typeof chatUserResponseSchema>;

const sortedBitsSchema = z.array(bitIndexSchema).check(
  z.refine((bits) => bits.every((bit, index) => index === 0 || bit > (bits[index - 1] as number)), {
    error: 'The bits must be listed in ascending order, each once.',
  }),
);

/**
 * What was doubtful about a row Chat sent: a time sent in milliseconds instead of seconds (shown
 * converted), a time that makes no sense (shown as unknown), an ID longer than Chat allows (shown,
 * but read-only: Chat would refuse a write to it).
 */
export const conversationWarningSchema = z.enum(['time-in-milliseconds', 'time-unreadable', 'id-too-long']);
export type ConversationWarning = z.infer<typeof conversationWarningSchema>;

/** True for a row the console shows but must not write to. */
export function isReadOnlyEntry(entry: { warnings?: readonly ConversationWarning[] | undefined }): boolean {
  return entry.warnings?.includes('id-too-long') === true;
}

/**
 * Who last changed a conversation's marks or groups, as far as Markdesk can tell: Markdesk itself
 * (the audit entry), or something else after Markdesk's last change or without one (the person in
 * the app, or another server).
 */
export const lastChangeSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('markdesk'), entryId: z.string(), at: isoDateTimeSchema, staff: z.optional(z.string()) }),
  z.object({ source: z.literal('elsewhere'), afterEntryId: z.optional(z.string()) }),
]);
export type LastChange = z.infer<typeof lastChangeSchema>;

export const conversationEntrySchema = z.object({
  /**
   * As Chat listed it. Not held to Chat's ID limits: a row with an over-long ID is still listed
   * (read-only, with the 'id-too-long' warning) rather than failing the whole list.
   */
  conversation: z.strictObject({ type: conversationTypeSchema, id: z.string().check(z.minLength(1)) }),
  /** The peer's nickname or the group's name when known. */
  name: z.nullable(z.string()),
  pinned: z.boolean(),
  /** Null for a marked conversation that is no longer in the recent list (no message time known). */
  lastMessageAt: z.nullable(isoDateTimeSchema),
  inRecentList: z.boolean(),
  bits: sortedBitsSchema,
  customMark: z.string(),
  /** Conversation-group ids (Tencent's ContactGroupId). */
  groupIds: z.array(z.int()),
  /** The names of those groups, in the same order (the server always sends it). */
  groupNames: z.optional(z.array(z.string())),
  /** Null when the conversation has no mark or group data. */
  markUpdatedAt: z.nullable(isoDateTimeSchema),
  /** Set when `markUpdatedAt` is. */
  lastChange: z.optional(lastChangeSchema),
  /** Absent or empty when Chat's row was as documented. */
  warnings: z.optional(z.array(conversationWarningSchema)),
});
export type ConversationEntry = z.infer<typeof conversationEntrySchema>;

export const conversationGroupSchema = z.object({ id: z.int(), name: z.string() });
export type ConversationGroup = z.infer<typeof conversationGroupSchema>;

export const conversationsResponseSchema = z.object({
  userId: z.string(),
  conversations: z.array(conversationEntrySchema),
  groups: z.array(conversationGroupSchema),
  /** Rows of Chat's lists that could not be read at all and are not in `conversations`. */
  skipped: z.optional(z.int().check(z.minimum(0))),
});
export type ConversationsResponse = z.infer<typeof conversationsResponseSchema>;

/** How many rows of a long list are checked against the full row schema (the first, the last, and evenly between). */
export const CONVERSATIONS_SAMPLE_SIZE = 32;

/** `size` indexes spread evenly over 0..length-1, the first and the last included; all of them for a short list. */
export function sampleIndexes(length: number, size: number): number[] {
  if (length <= size) return Array.from({ length }, (_, index) => index);
  return [...new Set(Array.from({ length: size }, (_, step) => Math.round((step * (length - 1)) / (size - 1))))];
}

const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);
const isStringOrNull = (value: unknown) => value === null || typeof value === 'string';

/**
 * What the page reads of every row, checked by hand (a few property tests per row): the row's
 * conversation, its bits as ascending bit numbers, the texts and flags. Formats the list only
 * shows (the exact date-time syntax, warning names) are left to the sampled full check.
 */
export function hasConversationEntryShape(row: unknown): boolean {
  if (typeof row !== 'object' || row === null) return false;
  const entry = row as Record<string, unknown>;
  const conversation = entry.conversation as Record<string, unknown> | null | undefined;
  if (typeof conversation !== 'object' || conversation === null) return false;
  if ((conversation.type !== 'c2c' && conversation.type !== 'group') || typeof conversation.id !== 'string' || conversation.id === '') return false;
  const bits = entry.bits;
  if (!Array.isArray(bits) || !bits.every((bit, index) => isInt(bit) && bit >= 0 && bit <= 63 && (index === 0 || bit > (bits[index - 1] as number)))) return false;
  return (
    typeof entry.customMark === 'string' &&
    isStringOrNull(entry.name) &&
    typeof entry.pinned === 'boolean' &&
    typeof entry.inRecentList === 'boolean' &&
    isStringOrNull(entry.lastMessageAt) &&
    isStringOrNull(entry.markUpdatedAt) &&
    Array.isArray(entry.groupIds) &&
    entry.groupIds.every(isInt) &&
    (entry.warnings === undefined || Array.isArray(entry.warnings))
  );
}

/**
 * The conversations answer as the browser checks it: the envelope in full, every row's shape by
 * hand, and a sample of rows against the full row schema. Deep-checking each of a heavy user's
 * 1,500 rows with zod took about 300 ms on a slow laptop before the list could paint; the server
 * builds every row with the full schema (conversationsResponseSchema) anyway.
 */
export const conversationsResponseSampledSchema = z.pipe(
  z
    .object({
      userId: z.string(),
      conversations: z.array(z.unknown()),
      groups: z.array(conversationGroupSchema),
      skipped: z.optional(z.int().check(z.minimum(0))),
    })
    .check(
      z.superRefine((response, context) => {
        const rows = response.conversations;
        const misshapen = rows.findIndex((row) => !hasConversationEntryShape(row));
        if (misshapen !== -1) {
          context.addIssue({ code: 'custom', path: ['conversations', misshapen], message: 'This conversation is not in the expected shape.' });
          return;
        }
        for (const index of sampleIndexes(rows.length, CONVERSATIONS_SAMPLE_SIZE)) {
          const parsed = conversationEntrySchema.safeParse(rows[index]);
          if (!parsed.success) {
            for (const issue of parsed.error.issues) context.addIssue({ code: 'custom', path: ['conversations', index, ...issue.path], message: issue.message });
            return;
          }
        }
      }),
    ),
  z.transform((response) => response as ConversationsResponse),
);
