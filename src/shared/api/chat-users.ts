// A Chat user and their conversations (/api/chat-users; docs/http-api.md, Endpoints).
import { z } from 'zod';
import { bitIndexSchema, chatUserIdSchema, conversationTypeSchema } from '../marks/schemas';
import { isoDateTimeSchema } from './time';

/** `:userId` path parameter: a Chat UserID, 1..32 UTF-8 bytes, no control characters. */
export const chatUserParamsSchema = z.strictObject({ userId: chatUserIdSchema });
export type ChatUserParams = z.infer<typeof chatUserParamsSchema>;

export const chatUserResponseSchema = z.object({ userId: z.string(), imported: z.boolean() });
export type ChatUserResponse = z.infer<typeof chatUserResponseSchema>;

const sortedBitsSchema = z
  .array(bitIndexSchema)
  .refine((bits) => bits.every((bit, index) => index === 0 || bit > (bits[index - 1] as number)), {
    error: 'The bits must be listed in ascending order, each once.',
  });

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
  z.object({ source: z.literal('markdesk'), entryId: z.string(), at: isoDateTimeSchema, staff: z.string().optional() }),
  z.object({ source: z.literal('elsewhere'), afterEntryId: z.string().optional() }),
]);
export type LastChange = z.infer<typeof lastChangeSchema>;

export const conversationEntrySchema = z.object({
  /**
   * As Chat listed it. Not held to Chat's ID limits: a row with an over-long ID is still listed
   * (read-only, with the 'id-too-long' warning) rather than failing the whole list.
   */
  conversation: z.strictObject({ type: conversationTypeSchema, id: z.string().min(1) }),
  /** The peer's nickname or the group's name when known. */
  name: z.string().nullable(),
  pinned: z.boolean(),
  /** Null for a marked conversation that is no longer in the recent list (no message time known). */
  lastMessageAt: isoDateTimeSchema.nullable(),
  inRecentList: z.boolean(),
  bits: sortedBitsSchema,
  customMark: z.string(),
  /** Conversation-group ids (Tencent's ContactGroupId). */
  groupIds: z.array(z.int()),
  /** The names of those groups, in the same order (the server always sends it). */
  groupNames: z.array(z.string()).optional(),
  /** Null when the conversation has no mark or group data. */
  markUpdatedAt: isoDateTimeSchema.nullable(),
  /** Set when `markUpdatedAt` is. */
  lastChange: lastChangeSchema.optional(),
  /** Absent or empty when Chat's row was as documented. */
  warnings: z.array(conversationWarningSchema).optional(),
});
export type ConversationEntry = z.infer<typeof conversationEntrySchema>;

export const conversationGroupSchema = z.object({ id: z.int(), name: z.string() });
export type ConversationGroup = z.infer<typeof conversationGroupSchema>;

export const conversationsResponseSchema = z.object({
  userId: z.string(),
  conversations: z.array(conversationEntrySchema),
  groups: z.array(conversationGroupSchema),
  /** Rows of Chat's lists that could not be read at all and are not in `conversations`. */
  skipped: z.int().min(0).optional(),
});
export type ConversationsResponse = z.infer<typeof conversationsResponseSchema>;
