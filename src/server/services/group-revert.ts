// Undo of an applied conversation-group change: the inverse change, through the one group write
// path. As for marks (revert.ts), whether it may happen — "already undone?", "is the group still as
// the change left it?" — is checked holding the Chat user's lock alone, just before the write, so
// of two Undos one wins and an Undo never overwrites a later change.
import { conversationKey, type Conversation } from '../../shared/marks/conversation';
import { groupById, groupByName, isMember, membersOf, readGroupList, readGroupState } from '../chat/contact-groups';
import { groupEntryRevertedBy, type GroupEntryView } from '../store/group-audit';
import { chatUserLocks } from './chat-user-locks';
import {
  changeMembersLocked,
  createGroupLocked,
  deleteGroupLocked,
  renameGroupLocked,
  type GroupWriteOutcome,
  type GroupWriterDeps,
} from './group-writer';

export type GroupRevertResult =
  | { status: 'applied'; entry: GroupEntryView }
  | { status: 'not-found' }
  | { status: 'not-undoable'; why: string }
  | { status: 'already-undone'; revertedBy: string }
  /** The group is no longer as the change left it. */
  | { status: 'moved-on'; why: string }
  | { status: 'failed'; entry: GroupEntryView };

const sameSet = (a: readonly Conversation[], b: readonly Conversation[]) =>
  a.length === b.length && new Set([...a, ...b].map(conversationKey)).size === a.length;

function finish(outcome: GroupWriteOutcome, movedOn: string): GroupRevertResult {
  if (outcome.status === 'not-found') return { status: 'moved-on', why: movedOn };
  const { entry } = outcome;
  if (entry.status === 'applied') return { status: 'applied', entry };
  if (entry.status === 'failed') return { status: 'failed', entry };
  return { status: 'moved-on', why: entry.message ?? movedOn };
}

export async function revertGroupEntry(deps: GroupWriterDeps, context: { staff: string; requestId: string; reason?: string }, entry: GroupEntryView): Promise<GroupRevertResult> {
  if (entry.status !== 'applied') return { status: 'not-undoable', why: `Only an applied change can be undone; this entry is "${entry.status}", so it changed nothing.` };
  const groupId = entry.groupId;
  if (groupId === null) return { status: 'not-undoable', why: 'This entry does not say which group it changed.' };
  if (entry.action === 'delete' && entry.changed.length === 0) {
    return { status: 'not-undoable', why: 'The deleted group had no conversations, and Chat creates a group only with at least one.' };
  }
  const writeContext = {
    staff: context.staff,
    chatUser: entry.chatUser,
    requestId: context.requestId,
    reason: context.reason ?? `undo of ${entry.id}`,
    revertOf: entry.id,
  };

  return chatUserLocks(deps.store).exclusive(entry.chatUser, async (): Promise<GroupRevertResult> => {
    const undoneBy = await groupEntryRevertedBy(deps.store.read, entry.id);
    if (undoneBy) return { status: 'already-undone', revertedBy: undoneBy };
    switch (entry.action) {
      case 'create': {
        // Delete it only while it is exactly the group this change made: same name, same conversations.
        const state = await readGroupState(deps.chat, entry.chatUser);
        const group = groupById(state, groupId);
        if (!group || group.name !== entry.group.name || !sameSet(membersOf(state, groupId), entry.changed)) {
          return { status: 'moved-on', why: 'The group has been renamed, deleted or given other conversations since; undoing would lose that later change.' };
        }
        return finish(await deleteGroupLocked(deps, writeContext, state, groupId, group.name), 'The group no longer exists.');
      }
      case 'rename': {
        const state = await readGroupList(deps.chat, entry.chatUser);
        const group = groupById(state, groupId);
        if (!group || group.name !== entry.newName) return { status: 'moved-on', why: 'The group has been renamed again or deleted since.' };
        if (groupByName(state, entry.group.name)) return { status: 'moved-on', why: `Another group is called "${entry.group.name}" now.` };
        return finish(await renameGroupLocked(deps, writeContext, state, groupId, entry.group.name, group.name), 'The group no longer exists.');
      }
      case 'delete': {
        if (groupByName(await readGroupList(deps.chat, entry.chatUser), entry.group.name)) {
          return { status: 'moved-on', why: `Another group is called "${entry.group.name}" now.` };
        }
        return finish(await createGroupLocked(deps, writeContext, entry.group.name, entry.changed), 'The group could not be created again.');
      }
      case 'add':
      case 'remove': {
        const state = await readGroupState(deps.chat, entry.chatUser, entry.changed);
        if (!groupById(state, groupId)) return { status: 'moved-on', why: 'The group has been deleted since.' };
        const stillSo = entry.changed.every((conversation) => isMember(state, groupId, conversation) === (entry.action === 'add'));
        if (!stillSo) return { status: 'moved-on', why: 'Some of these conversations have been moved in or out of the group since; undoing would overwrite that.' };
        const inverse = entry.action === 'add' ? 'remove' : 'add';
        return finish(await changeMembersLocked(deps, writeContext, state, groupId, inverse, entry.changed), 'The group has been deleted since.');
      }
    }
  });
}
