// Tencent's conversation-group calls (create_contact_group, update_contact_group,
// del_contact_group) and the read of a user's groups, in Markdesk's terms. Chat names a group by
// its name in every write; Markdesk keeps to the per-user GroupId (stable across renames) and
// looks the current name up just before each write.
import { conversationKey, fromContactItem, toContactItem, type Conversation } from '../../shared/marks/conversation';
import { ChatInvalidResponseError } from './errors';
import { getAllContactGroups, searchContactGroup, type ChatCaller } from './helpers';

/** At most this many conversations per create_contact_group or update_contact_group call. */
export const GROUP_CONTACT_MAX_ITEMS = 100;

export type ContactGroup = { id: number; name: string };

export type GroupState = {
  groups: ContactGroup[];
  /** Conversation key → ids of the groups it is in; for the conversations read (all of them when `complete`). */
  memberships: Map<string, number[]>;
  complete: boolean;
};

export function groupById(state: GroupState, id: number): ContactGroup | undefined {
  return state.groups.find((group) => group.id === id);
}

export function groupByName(state: GroupState, name: string): ContactGroup | undefined {
  return state.groups.find((group) => group.name === name);
}

export function isMember(state: GroupState, groupId: number, conversation: Conversation): boolean {
  return state.memberships.get(conversationKey(conversation))?.includes(groupId) ?? false;
}

/** The conversations in a group (only meaningful on a complete read). */
export function membersOf(state: GroupState, groupId: number): Conversation[] {
  const members: Conversation[] = [];
  for (const [key, ids] of state.memberships) {
    if (!ids.includes(groupId)) continue;
    const colon = key.indexOf(':');
    members.push({ type: key.slice(0, colon) as Conversation['type'], id: key.slice(colon + 1) });
  }
  return members.sort((a, b) => conversationKey(a).localeCompare(conversationKey(b)));
}

/**
 * A user's groups and the memberships of `conversations` (search_contact_group, ≤300 a call), or of
 * every marked or grouped conversation (get_contact_group, every page) when none are named.
 */
export async function readGroupState(chat: ChatCaller, chatUser: string, conversations: readonly Conversation[] = []): Promise<GroupState> {
  const result =
    conversations.length > 0 ? await searchContactGroup(chat, chatUser, conversations.map(toContactItem)) : await getAllContactGroups(chat, chatUser);
  const memberships = new Map<string, number[]>();
  for (const item of result.items) memberships.set(conversationKey(item.conversation), [...item.groupIds].sort((a, b) => a - b));
  return {
    groups: result.groups.map((group) => ({ id: group.GroupId, name: group.GroupName })).sort((a, b) => a.id - b.id),
    memberships,
    complete: conversations.length === 0,
  };
}

/** Chat's per-conversation answer: 0 or its ResultCode. */
export type ConversationAnswer = { conversation: Conversation; code: number };

function answersFor(command: 'recentcontact/create_contact_group' | 'recentcontact/update_contact_group', sent: readonly Conversation[], results: readonly { ResultCode: number }[]): ConversationAnswer[] {
  if (results.length !== sent.length) throw new ChatInvalidResponseError(command, `${results.length} results for ${sent.length} conversations`);
  return sent.map((conversation, index) => ({ conversation, code: results[index]!.ResultCode }));
}

/** Creates a group with ≤100 conversations; its new id and one answer per conversation. */
export async function createContactGroup(chat: ChatCaller, chatUser: string, name: string, conversations: readonly Conversation[]): Promise<{ groupId: number; answers: ConversationAnswer[] }> {
  const command = 'recentcontact/create_contact_group';
  const response = await chat.call(command, {
    From_Account: chatUser,
    GroupContactItem: [{ GroupName: name, ContactItem: conversations.map(toContactItem) }],
  });
  const [result] = response.GroupResultItem;
  if (!result) throw new ChatInvalidResponseError(command, 'no GroupResultItem');
  return { groupId: result.GroupItem.GroupId, answers: answersFor(command, conversations, result.ResultItem) };
}

export async function renameContactGroup(chat: ChatCaller, chatUser: string, oldName: string, newName: string): Promise<void> {
  await chat.call('recentcontact/update_contact_group', {
    From_Account: chatUser,
    UpdateType: 1,
    UpdateGroup: { UpdateGroupType: 1, OldGroupName: oldName, NewGroupName: newName },
  });
}

/** Adds or removes ≤100 conversations; one answer per conversation. */
export async function changeContactGroupMembers(
  chat: ChatCaller,
  chatUser: string,
  name: string,
  operation: 'add' | 'remove',
  conversations: readonly Conversation[],
): Promise<ConversationAnswer[]> {
  const command = 'recentcontact/update_contact_group';
  const response = await chat.call(command, {
    From_Account: chatUser,
    UpdateType: 1,
    UpdateGroup: {
      UpdateGroupType: 2,
      OldGroupName: name,
      ContactUpdateItem: conversations.map((conversation) => ({ ContactOptType: operation === 'add' ? 1 : 2, ContactItem: toContactItem(conversation) })),
    },
  });
  const results = response.UpdateGroupResult.ContactResultItem;
  // Chat echoes each ContactItem; when it does, check it is the one sent in that place.
  results.forEach((result, index) => {
    if (!result.ContactItem || index >= conversations.length) return;
    const echoed = fromContactItem(result.ContactItem);
    if (conversationKey(echoed) !== conversationKey(conversations[index]!)) {
      throw new ChatInvalidResponseError(command, `result ${index + 1} is for another conversation`);
    }
  });
  return answersFor(command, conversations, results);
}

export async function deleteContactGroup(chat: ChatCaller, chatUser: string, name: string): Promise<void> {
  await chat.call('recentcontact/del_contact_group', { From_Account: chatUser, GroupName: [name] });
}

/** Only the user's groups: the first page of get_contact_group carries all of them. */
export async function readGroupList(chat: ChatCaller, chatUser: string): Promise<GroupState> {
  const response = await chat.call('recentcontact/get_contact_group', { From_Account: chatUser, StartIndex: 0 });
  return {
    groups: response.GroupItem.map((group) => ({ id: group.GroupId, name: group.GroupName })).sort((a, b) => a.id - b.id),
    memberships: new Map(),
    complete: false,
  };
}
