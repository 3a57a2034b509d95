// The one conversation-group write service: interactive changes, Undo (group-revert.ts) and bulk
// lines all go through it. Like a mark save, a change holds the Chat user's lock alone
// (chat-user-locks.ts) from the read of the current groups to the record of the outcome, so two
// staff changing one user's groups are serialised and each decides on a state nobody else can
// change through Markdesk meanwhile; groups are addressed by their id and Chat is sent the name the
// group has just then, so a rename by one person does not make another's change miss. The intent is
// recorded before anything is sent; an answer lost on the network is settled by reading Chat back
// (group-policy.ts).
import type { GroupConversationFailure } from '../../shared/api/groups';
import { CHAT_NETWORK_ERROR_CODE } from '../../shared/chat-errors/catalogue';
import { CONVERSATION_GROUP_CAP, groupProblemMessage, groupProblemOfChatCode, type GroupProblem } from '../../shared/chat-errors/groups';
import type { Conversation } from '../../shared/marks/conversation';
import {
  changeContactGroupMembers,
  createContactGroup,
  deleteContactGroup,
  GROUP_CONTACT_MAX_ITEMS,
  groupById,
  groupByName,
  isMember,
  membersOf,
  readGroupList,
  readGroupState,
  renameContactGroup,
  type ConversationAnswer,
  type GroupState,
} from '../chat/contact-groups';
import { chunk } from '../chat/helpers';
import { isChatError } from '../chat/errors';
import {
  getGroupAuditEntry,
  recordGroupEntry,
  recordGroupIntent,
  recordGroupOutcome,
  type GroupChangeIntent,
  type GroupChangeRecord,
  type GroupChangeResult,
  type GroupEntryView,
} from '../store/group-audit';
import { chatUserLocks } from './chat-user-locks';
import type { MarkWriterDeps } from './mark-writer';
import { groupChangeLanded, groupCodeMessage, membershipLanded, sortAnswers, type LostChange } from './group-policy';

export type GroupWriterDeps = MarkWriterDeps;
export type GroupWriteContext = { staff: string; chatUser: string; requestId: string; reason?: string; revertOf?: string };

/** 'not-found': no group with that id (nothing is recorded). */
export type GroupWriteOutcome = { status: 'done'; entry: GroupEntryView } | { status: 'not-found' };

const lockFor = (deps: GroupWriterDeps) => chatUserLocks(deps.store);

function intentOf(context: GroupWriteContext, record: GroupChangeRecord): GroupChangeIntent {
  return {
    staff: context.staff,
    chatUser: context.chatUser,
    requestId: context.requestId,
    record,
    ...(context.reason !== undefined ? { reason: context.reason } : {}),
    ...(context.revertOf !== undefined ? { revertOf: context.revertOf } : {}),
  };
}

function refusal(problem: GroupProblem, status: 'failed' | 'conflict' | 'unchanged' = 'failed'): GroupChangeResult {
  return { status, changed: [], failed: [], problem, message: groupProblemMessage(problem, 'en') };
}

async function settle(deps: GroupWriterDeps, context: GroupWriteContext, record: GroupChangeRecord, result: GroupChangeResult): Promise<GroupWriteOutcome> {
  const id = await recordGroupEntry(deps.store, intentOf(context, record), result, deps.clock);
  return { status: 'done', entry: (await getGroupAuditEntry(deps.store.read, id))! };
}

/** Records the intent, runs `write`, records what came of it. */
async function bracketed(
  deps: GroupWriterDeps,
  context: GroupWriteContext,
  record: GroupChangeRecord,
  write: () => Promise<GroupChangeResult>,
): Promise<GroupWriteOutcome> {
  const id = await recordGroupIntent(deps.store, intentOf(context, record), deps.clock);
  let result: GroupChangeResult;
  try {
    result = await write();
  } catch (error) {
    // The change may have landed and Chat cannot tell now: the entry stays 'unknown', and
    // group-reconcile.ts settles it from Chat at its next run, as after a crash.
    if (error instanceof UndecidedGroupChange) return { status: 'done', entry: (await getGroupAuditEntry(deps.store.read, id))! };
    if (!isChatError(error)) throw error;
    result = { status: 'failed', changed: [], failed: [], ...wholeFailure(error.code) };
  }
  await recordGroupOutcome(deps.store, id, result, deps.clock);
  return { status: 'done', entry: (await getGroupAuditEntry(deps.store.read, id))! };
}

/** A group-level change whose answer was lost, and Chat could not be read back to tell whether it landed. */
class UndecidedGroupChange extends Error {
  constructor() {
    super('The answer to a group change was lost and Chat could not be read back.');
  }
}

function wholeFailure(code: number): Pick<GroupChangeResult, 'problem' | 'upstreamCode' | 'message'> {
  const problem = groupProblemOfChatCode(code);
  return { ...(problem ? { problem } : {}), upstreamCode: code, message: groupCodeMessage(code) };
}

/** Reads back after a lost answer; null when Chat cannot be read either. */
async function readBack(deps: GroupWriterDeps, chatUser: string, conversations: readonly Conversation[] = []): Promise<GroupState | null> {
  try {
    return conversations.length > 0 ? await readGroupState(deps.chat, chatUser, conversations) : await readGroupList(deps.chat, chatUser);
  } catch (error) {
    if (!isChatError(error)) throw error;
    return null;
  }
}

/** Is a group-level change whose answer was lost there? Throws UndecidedGroupChange when Chat cannot be read either. */
async function lostLanded(deps: GroupWriterDeps, chatUser: string, change: Exclude<LostChange, { action: 'add' | 'remove' }>): Promise<GroupState | null> {
  const after = await readBack(deps, chatUser);
  if (after === null) throw new UndecidedGroupChange();
  return groupChangeLanded(change, after) ? after : null;
}

/** Adds or removes conversations in calls of ≤100, settling lost answers from Chat. */
async function sendMembers(
  deps: GroupWriterDeps,
  chatUser: string,
  group: { id: number; name: string },
  action: 'add' | 'remove',
  conversations: readonly Conversation[],
): Promise<{ changed: Conversation[]; failed: GroupConversationFailure[] }> {
  const answers: ConversationAnswer[] = [];
  let stoppedBy: number | null = null;
  for (const batch of chunk(conversations, GROUP_CONTACT_MAX_ITEMS)) {
    if (stoppedBy !== null) {
      const code: number = stoppedBy;
      answers.push(...batch.map((conversation) => ({ conversation, code })));
      continue;
    }
    try {
      answers.push(...(await changeContactGroupMembers(deps.chat, chatUser, group.name, action, batch)));
    } catch (error) {
      if (!isChatError(error)) throw error;
      if (error.code === CHAT_NETWORK_ERROR_CODE) {
        const after = await readBack(deps, chatUser, batch);
        answers.push(...batch.map((conversation) => ({ conversation, code: after && membershipLanded(action, group.id, conversation, after) ? 0 : error.code })));
      } else answers.push(...batch.map((conversation) => ({ conversation, code: error.code })));
      // A whole call refused for the group or the setup: the rest would be refused the same way.
      if (error.code !== CHAT_NETWORK_ERROR_CODE) stoppedBy = error.code;
    }
  }
  return sortAnswers(answers);
}

// ---- reads ----

export async function listGroups(deps: GroupWriterDeps, chatUser: string): Promise<{ id: number; name: string; conversationCount: number }[]> {
  const state = await readGroupState(deps.chat, chatUser);
  return state.groups.map((group) => ({ ...group, conversationCount: membersOf(state, group.id).length }));
}

// ---- create ----

export function createGroup(deps: GroupWriterDeps, context: GroupWriteContext, name: string, conversations: Conversation[]): Promise<GroupWriteOutcome> {
  return lockFor(deps).exclusive(context.chatUser, () => createGroupLocked(deps, context, name, conversations));
}

export async function createGroupLocked(deps: GroupWriterDeps, context: GroupWriteContext, name: string, conversations: Conversation[]): Promise<GroupWriteOutcome> {
  const record: GroupChangeRecord = { action: 'create', group: { id: null, name }, conversations };
  const state = await readGroupState(deps.chat, context.chatUser, conversations);
  if (groupByName(state, name)) return settle(deps, context, record, refusal('GROUP_NAME_TAKEN'));
  if (state.groups.length >= CONVERSATION_GROUP_CAP) return settle(deps, context, record, refusal('GROUP_LIMIT_REACHED'));
  if (conversations.length === 0) return settle(deps, context, record, refusal('GROUP_NEEDS_CONVERSATIONS'));

  return bracketed(deps, context, record, async () => {
    const [first, ...rest] = chunk(conversations, GROUP_CONTACT_MAX_ITEMS) as [Conversation[], ...Conversation[][]];
    let groupId: number;
    let answers: ConversationAnswer[];
    try {
      ({ groupId, answers } = await createContactGroup(deps.chat, context.chatUser, name, first));
    } catch (error) {
      if (!isChatError(error) || error.code !== CHAT_NETWORK_ERROR_CODE) throw error;
      const after = await readBack(deps, context.chatUser, first);
      if (after === null) throw new UndecidedGroupChange();
      const created = groupByName(after, name);
      if (!created) throw error;
      groupId = created.id;
      answers = first.map((conversation) => ({ conversation, code: isMember(after, created.id, conversation) ? 0 : error.code }));
    }
    const firstSorted = sortAnswers(answers);
    const more = rest.length > 0 ? await sendMembers(deps, context.chatUser, { id: groupId, name }, 'add', rest.flat()) : { changed: [], failed: [] };
    return { status: 'applied', groupId, changed: [...firstSorted.changed, ...more.changed], failed: [...firstSorted.failed, ...more.failed] };
  });
}

// ---- rename ----

export function renameGroup(deps: GroupWriterDeps, context: GroupWriteContext, groupId: number, newName: string, expectedName?: string): Promise<GroupWriteOutcome> {
  return lockFor(deps).exclusive(context.chatUser, async () => {
    const state = await readGroupList(deps.chat, context.chatUser);
    return renameGroupLocked(deps, context, state, groupId, newName, expectedName);
  });
}

export async function renameGroupLocked(
  deps: GroupWriterDeps,
  context: GroupWriteContext,
  state: GroupState,
  groupId: number,
  newName: string,
  expectedName?: string,
): Promise<GroupWriteOutcome> {
  const group = groupById(state, groupId);
  if (!group) return { status: 'not-found' };
  const record: GroupChangeRecord = { action: 'rename', group, newName, conversations: [] };
  if (expectedName !== undefined && expectedName !== group.name) return settle(deps, context, record, refusal('GROUP_CHANGED', 'conflict'));
  if (newName === group.name) return settle(deps, context, record, { status: 'unchanged', changed: [], failed: [], groupId });
  const clash = groupByName(state, newName);
  if (clash && clash.id !== groupId) return settle(deps, context, record, refusal('GROUP_NAME_TAKEN'));
  return bracketed(deps, context, record, async () => {
    try {
      await renameContactGroup(deps.chat, context.chatUser, group.name, newName);
    } catch (error) {
      if (!isChatError(error) || error.code !== CHAT_NETWORK_ERROR_CODE) throw error;
      if (!(await lostLanded(deps, context.chatUser, { action: 'rename', groupId, newName }))) throw error;
    }
    return { status: 'applied', groupId, changed: [], failed: [] };
  });
}

// ---- delete ----

export function deleteGroup(deps: GroupWriterDeps, context: GroupWriteContext, groupId: number, expectedName?: string): Promise<GroupWriteOutcome> {
  return lockFor(deps).exclusive(context.chatUser, async () => {
    // Every page: the entry keeps the group's conversations, so an Undo can put them back.
    const state = await readGroupState(deps.chat, context.chatUser);
    return deleteGroupLocked(deps, context, state, groupId, expectedName);
  });
}

export async function deleteGroupLocked(deps: GroupWriterDeps, context: GroupWriteContext, state: GroupState, groupId: number, expectedName?: string): Promise<GroupWriteOutcome> {
  const group = groupById(state, groupId);
  if (!group) return { status: 'not-found' };
  const members = membersOf(state, groupId);
  const record: GroupChangeRecord = { action: 'delete', group, conversations: members };
  if (expectedName !== undefined && expectedName !== group.name) return settle(deps, context, record, refusal('GROUP_CHANGED', 'conflict'));
  return bracketed(deps, context, record, async () => {
    try {
      await deleteContactGroup(deps.chat, context.chatUser, group.name);
    } catch (error) {
      if (!isChatError(error) || error.code !== CHAT_NETWORK_ERROR_CODE) throw error;
      if (!(await lostLanded(deps, context.chatUser, { action: 'delete', groupId }))) throw error;
    }
    return { status: 'applied', groupId, changed: members, failed: [] };
  });
}

// ---- add / remove ----

export type MembersOutcome = { status: 'done'; entries: GroupEntryView[] } | { status: 'not-found' };

export function changeGroupMembers(
  deps: GroupWriterDeps,
  context: GroupWriteContext,
  groupId: number,
  change: { add: Conversation[]; remove: Conversation[] },
): Promise<MembersOutcome> {
  return lockFor(deps).exclusive(context.chatUser, async () => {
    const state = await readGroupState(deps.chat, context.chatUser, [...change.add, ...change.remove]);
    if (!groupById(state, groupId)) return { status: 'not-found' };
    const entries: GroupEntryView[] = [];
    for (const action of ['add', 'remove'] as const) {
      if (change[action].length === 0) continue;
      const outcome = await changeMembersLocked(deps, context, state, groupId, action, change[action]);
      if (outcome.status === 'done') entries.push(outcome.entry);
    }
    return { status: 'done', entries };
  });
}

/** One add or remove on a state read inside this hold of the lock; conversations already so are left alone. */
export async function changeMembersLocked(
  deps: GroupWriterDeps,
  context: GroupWriteContext,
  state: GroupState,
  groupId: number,
  action: 'add' | 'remove',
  conversations: Conversation[],
): Promise<GroupWriteOutcome> {
  const group = groupById(state, groupId);
  if (!group) return { status: 'not-found' };
  const record: GroupChangeRecord = { action, group, conversations };
  const toSend = conversations.filter((conversation) => isMember(state, groupId, conversation) !== (action === 'add'));
  if (toSend.length === 0) return settle(deps, context, record, { status: 'unchanged', groupId, changed: [], failed: [] });
  return bracketed(deps, context, { ...record, sending: toSend }, async () => {
    const { changed, failed } = await sendMembers(deps, context.chatUser, group, action, toSend);
    const whole = failed.length === toSend.length && failed.every((f) => f.upstreamCode === failed[0]?.upstreamCode) ? failed[0] : undefined;
    return {
      status: changed.length > 0 ? 'applied' : 'failed',
      groupId,
      changed,
      failed,
      ...(changed.length === 0 && whole?.upstreamCode !== undefined ? wholeFailure(whole.upstreamCode) : {}),
    };
  });
}

/**
 * Adds conversations to (or removes them from) the group of that name — for bulk lines, which name
 * groups. Adding to a group the user does not have creates it; removing from one does nothing
 * (null).
 */
export function changeMembersByName(
  deps: GroupWriterDeps,
  context: GroupWriteContext,
  name: string,
  action: 'add' | 'remove',
  conversations: Conversation[],
): Promise<GroupEntryView | null> {
  return lockFor(deps).exclusive(context.chatUser, async () => {
    const state = await readGroupState(deps.chat, context.chatUser, conversations);
    const group = groupByName(state, name);
    let outcome: GroupWriteOutcome;
    if (group) outcome = await changeMembersLocked(deps, context, state, group.id, action, conversations);
    else if (action === 'add') outcome = await createGroupLocked(deps, context, name, conversations);
    else return null;
    return outcome.status === 'done' ? outcome.entry : null;
  });
}
