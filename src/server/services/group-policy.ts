// The policy of a conversation group change, shared by interactive changes, Undo, bulk lines and
// reconcile: what Chat's per-conversation answers mean, and whether a change whose answer was lost
// landed — decided from the state read back, the same rule as for marks (write-policy.ts: a lost
// answer is settled by what Chat shows, never assumed). Pure functions, table-tested.
import type { GroupAction, GroupConversationFailure } from '../../shared/api/groups';
import { chatErrorMessage } from '../../shared/chat-errors/catalogue';
import { groupProblemMessage, groupProblemOfChatCode } from '../../shared/chat-errors/groups';
import type { Conversation } from '../../shared/marks/conversation';
import { groupById, groupByName, isMember, type ConversationAnswer, type GroupState } from '../chat/contact-groups';

/** The sentence for Chat's code in a group change: the group sentence when there is one. */
export function groupCodeMessage(code: number): string {
  const problem = groupProblemOfChatCode(code);
  return problem ? groupProblemMessage(problem, 'en') : chatErrorMessage(code, 'en');
}

export function conversationFailure(conversation: Conversation, code: number): GroupConversationFailure {
  const problem = groupProblemOfChatCode(code) ?? (code === 50002 ? 'INVALID_CONVERSATION' : undefined);
  return {
    conversation,
    ...(problem ? { problem } : {}),
    message: problem ? groupProblemMessage(problem, 'en') : chatErrorMessage(code, 'en'),
    upstreamCode: code,
  };
}

/** Splits Chat's answers into the conversations that moved and those that failed. */
export function sortAnswers(answers: readonly ConversationAnswer[]): { changed: Conversation[]; failed: GroupConversationFailure[] } {
  const changed: Conversation[] = [];
  const failed: GroupConversationFailure[] = [];
  for (const { conversation, code } of answers) {
    if (code === 0) changed.push(conversation);
    else failed.push(conversationFailure(conversation, code));
  }
  return { changed, failed };
}

/** The change whose answer was lost, as far as the read-back needs it. */
export type LostChange =
  | { action: 'create'; name: string }
  | { action: 'rename'; groupId: number; newName: string }
  | { action: 'delete'; groupId: number }
  | { action: Extract<GroupAction, 'add' | 'remove'>; groupId: number };

/**
 * Did a group-level change whose answer was lost land? Read from the state after it. (A create can
 * be told apart because a name is only created when no group had it just before, under the lock.)
 */
export function groupChangeLanded(change: Exclude<LostChange, { action: 'add' | 'remove' }>, after: GroupState): boolean {
  switch (change.action) {
    case 'create':
      return groupByName(after, change.name) !== undefined;
    case 'rename':
      return groupById(after, change.groupId)?.name === change.newName;
    case 'delete':
      return groupById(after, change.groupId) === undefined;
  }
}

/** For an add or remove whose answer was lost: did it land for this conversation? */
export function membershipLanded(action: 'add' | 'remove', groupId: number, conversation: Conversation, after: GroupState): boolean {
  return isMember(after, groupId, conversation) === (action === 'add');
}
