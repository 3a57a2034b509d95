import type { ConversationEntry } from '../../../../shared/api/chat-users';

/** Pinned first (as the app shows them), then the most recent message, then by ID for a stable order. */
export function compareConversations(a: ConversationEntry, b: ConversationEntry): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  const aTime = a.lastMessageAt ?? '';
  const bTime = b.lastMessageAt ?? '';
  if (aTime !== bTime) return aTime < bTime ? 1 : -1;
  return a.conversation.id < b.conversation.id ? -1 : a.conversation.id > b.conversation.id ? 1 : 0;
}
