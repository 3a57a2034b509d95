import type { AppViewInput, AppViewRow } from '../../../../shared/marks/app-view';
import { conversationKey, type Conversation } from '../../../../shared/marks/conversation';

/** Where a conversation ends up in the app's list. */
export type AppPresence = 'shown' | 'folded' | 'hidden' | 'notListed';

/**
 * Read back from the derived app view (so the rule lives in one place): shown or folded when the view
 * has it; otherwise hidden when it is in the recent list, else not listed at all.
 */
export function appPresenceByKey<T extends AppViewInput & { conversation: Conversation }>(
  entries: readonly T[],
  rows: readonly AppViewRow<T>[],
): Map<string, AppPresence> {
  const presence = new Map<string, AppPresence>();
  for (const row of rows) {
    if (row.kind === 'conversation') presence.set(conversationKey(row.conversation.conversation), 'shown');
    else for (const folded of row.conversations) presence.set(conversationKey(folded.conversation.conversation), 'folded');
  }
  for (const entry of entries) {
    const key = conversationKey(entry.conversation);
    if (!presence.has(key)) presence.set(key, entry.inRecentList ? 'hidden' : 'notListed');
  }
  return presence;
}
