// A Chat user's conversation groups (docs/http-api.md, Conversation groups): list, create, rename,
// delete, add and remove conversations, and the audit entries those changes leave.
import { z } from 'zod/mini';
import { CONVERSATION_GROUP_NAME_MAX_BYTES, GROUP_PROBLEMS } from '../chat-errors/groups';
import { conversationKey } from '../marks/conversation';
import { chatUserIdSchema, conversationSchema } from '../marks/schemas';
import { utf8ByteLength } from '../marks/utf8';
import { storableText } from '../text/storable';
import { markReasonSchema } from './marks';
import { auditStatusSchema } from './audit';
import { isoDateTimeSchema } from './time';
import { groupDigits } from '../text/group-digits';

/** At most this many conversations per request (a user has at most 1,000 marked or grouped ones). */
export const GROUP_REQUEST_MAX_CONVERSATIONS = 1000;

/** A group name Markdesk is asked to write: 1..32 UTF-8 bytes of storable text, no surrounding spaces. */
export const groupNameSchema = storableText('The group name').check(
  z.superRefine((name, context) => {
    const bytes = utf8ByteLength(name);
    if (name.trim() === '') context.addIssue({ code: 'custom', message: 'Give the conversation group a name.' });
    else if (name.trim() !== name) context.addIssue({ code: 'custom', message: 'The group name starts or ends with a space.' });
    if (bytes > CONVERSATION_GROUP_NAME_MAX_BYTES) {
      context.addIssue({
        code: 'custom',
        message: `The group name is ${bytes} bytes; Chat allows at most ${CONVERSATION_GROUP_NAME_MAX_BYTES} bytes (UTF-8: a Korean or Chinese character is 3 bytes).`,
      });
    }
  }),
);

/** `:groupId`: Tencent's per-user GroupId, a positive integer (path segments are strings). */
export const groupParamsSchema = z.strictObject({
  userId: chatUserIdSchema,
  // Digits only: Number() would also read `0x1A`, `1e1` or ` 12 ` as a group id.
  groupId: z.pipe(
    z.pipe(
      z.union([z.number(), z.string().check(z.regex(/^[1-9][0-9]{0,15}$/, { error: 'The group id is a whole number.' }))], { error: 'The group id is a whole number.' }),
      z.transform(Number),
    ),
    z.int({ error: 'The group id is a whole number.' }).check(z.positive({ error: 'The group id is a whole number.' })),
  ),
});

function conversationListSchema(min: number) {
  return z.array(conversationSchema).check(
    z.minLength(min, { error: 'Chat creates a conversation group only with at least one conversation in it. Select conversations first.' }),
    z.maxLength(GROUP_REQUEST_MAX_CONVERSATIONS, { error: `Send at most ${groupDigits(GROUP_REQUEST_MAX_CONVERSATIONS)} conversations in one request.` }),
    z.superRefine((list, context) => {
      const seen = new Map<string, number>();
      list.forEach((conversation, index) => {
        const key = conversationKey(conversation);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, index);
        else context.addIssue({ code: 'custom', path: [index], message: `This conversation is already entry ${first + 1} of the list.` });
      });
    }),
  );
}

export const createGroupRequestSchema = z.strictObject({
  name: groupNameSchema,
  conversations: conversationListSchema(1),
  reason: z.optional(markReasonSchema),
});
export type CreateGroupRequest = z.infer<typeof createGroupRequestSchema>;

export const renameGroupRequestSchema = z.strictObject({
  name: groupNameSchema,
  /** The name the person saw; when the group is called otherwise now, nothing is written (status conflict). */
  expectedName: z.optional(z.string()),
  reason: z.optional(markReasonSchema),
});
export type RenameGroupRequest = z.infer<typeof renameGroupRequestSchema>;

export const deleteGroupRequestSchema = z.strictObject({
  expectedName: z.optional(z.string()),
  reason: z.optional(markReasonSchema),
});
export type DeleteGroupRequest = z.infer<typeof deleteGroupRequestSchema>;

export const groupMembersRequestSchema = z
  .strictObject({
    add: z.optional(conversationListSchema(0)),
    remove: z.optional(conversationListSchema(0)),
    reason: z.optional(markReasonSchema),
  })
  .check(
    z.superRefine((request, context) => {
      const add = request.add ?? [];
      const remove = request.remove ?? [];
      if (add.length + remove.length === 0) context.addIssue({ code: 'custom', path: [], message: 'There is nothing to change: name conversations to add or remove.' });
      if (add.length + remove.length > GROUP_REQUEST_MAX_CONVERSATIONS) {
        context.addIssue({ code: 'custom', path: [], message: `Send at most ${groupDigits(GROUP_REQUEST_MAX_CONVERSATIONS)} conversations in one request.` });
      }
      const added = new Set(add.map(conversationKey));
      remove.forEach((conversation, index) => {
        if (added.has(conversationKey(conversation))) {
          context.addIssue({ code: 'custom', path: ['remove', index], message: 'This conversation is also in "add"; a conversation is either added or removed.' });
        }
      });
    }),
  );
export type GroupMembersRequest = z.infer<typeof groupMembersRequestSchema>;

export const conversationGroupInfoSchema = z.object({
  id: z.int(),
  name: z.string(),
  /** How many of the user's conversations are in it. */
  conversationCount: z.int().check(z.nonnegative()),
});
export type ConversationGroupInfo = z.infer<typeof conversationGroupInfoSchema>;

export const groupsResponseSchema = z.object({
  userId: z.string(),
  groups: z.array(conversationGroupInfoSchema),
  /** Chat's ceiling on groups per user, for "n of 20". */
  limit: z.int(),
});
export type GroupsResponse = z.infer<typeof groupsResponseSchema>;

export const GROUP_ACTIONS = ['create', 'rename', 'delete', 'add', 'remove'] as const;
export const groupActionSchema = z.enum(GROUP_ACTIONS);
export type GroupAction = z.infer<typeof groupActionSchema>;

export const groupProblemSchema = z.enum(GROUP_PROBLEMS);

export const groupConversationFailureSchema = z.object({
  conversation: conversationSchema,
  /** Which of the group problems it was, when known (else see message). */
  problem: z.optional(groupProblemSchema),
  message: z.string(),
  upstreamCode: z.optional(z.int()),
});
export type GroupConversationFailure = z.infer<typeof groupConversationFailureSchema>;

/**
 * One audited group change, kept in the same tamper-evident chain as mark changes. A members change
 * of several conversations is one entry (and one Undo).
 */
export const groupAuditEntrySchema = z.object({
  kind: z.literal('group'),
  id: z.string(),
  at: isoDateTimeSchema,
  staff: z.string(),
  chatUser: z.string(),
  action: groupActionSchema,
  /** The group as it was called when the change started; id null for a group not yet created. */
  group: z.object({ id: z.nullable(z.int()), name: z.string() }),
  /** rename: the new name. */
  newName: z.optional(z.string()),
  /** create/add/remove: the conversations asked for; delete: the group's conversations when it was deleted. */
  conversations: z.array(conversationSchema),
  /** The conversations whose membership this change actually moved (those already so are left out). */
  changed: z.array(conversationSchema),
  failed: z.array(groupConversationFailureSchema),
  status: auditStatusSchema,
  /** Why nothing (or not everything) was done, when that is about the whole change. */
  problem: z.optional(groupProblemSchema),
  upstreamCode: z.optional(z.int()),
  message: z.optional(z.string()),
  reason: z.optional(z.string()),
  requestId: z.string(),
  revertOf: z.optional(z.string()),
  revertedBy: z.optional(z.string()),
});
export type GroupAuditEntry = z.infer<typeof groupAuditEntrySchema>;

/** What each change answers (200): its audit entry. Check `status`: applied, unchanged, conflict or failed. */
export const groupChangeResponseSchema = z.object({ change: groupAuditEntrySchema });
export type GroupChangeResponse = z.infer<typeof groupChangeResponseSchema>;

/** What POST …/groups/:groupId/conversations answers: an entry for the adds and one for the removes (each only when asked for). */
export const groupMembersResponseSchema = z.object({ changes: z.array(groupAuditEntrySchema) });
export type GroupMembersResponse = z.infer<typeof groupMembersResponseSchema>;

export const groupChangesResponseSchema = z.object({ entries: z.array(groupAuditEntrySchema), nextCursor: z.nullable(z.string()) });
export type GroupChangesResponse = z.infer<typeof groupChangesResponseSchema>;

export const groupChangesQuerySchema = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});
