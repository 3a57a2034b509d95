// A Chat user and their conversations (bff-api §4 /api/chat-users, §4.1).
import { z } from 'zod';
import { bitIndexSchema, chatUserIdSchema, conversationSchema } from '../marks/schemas';
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

export const conversationEntrySchema = z.object({
  conversation: conversationSchema,
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
  /** Null when the conversation has no mark or group data. */
  markUpdatedAt: isoDateTimeSchema.nullable(),
});
export type ConversationEntry = z.infer<typeof conversationEntrySchema>;

export const conversationGroupSchema = z.object({ id: z.int(), name: z.string() });
export type ConversationGroup = z.infer<typeof conversationGroupSchema>;

export const conversationsResponseSchema = z.object({
  userId: z.string(),
  conversations: z.array(conversationEntrySchema),
  groups: z.array(conversationGroupSchema),
});
export type ConversationsResponse = z.infer<typeof conversationsResponseSchema>;
