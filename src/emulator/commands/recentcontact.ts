// v4/recentcontact/*: conversation marks, conversation groups and the conversation list.
import { utf8ByteLength, CUSTOM_MARK_MAX_BYTES } from '../../shared/marks/utf8';
import { maskFromBits } from '../../shared/marks/mask';
import {
  addToContactGroup,
  CONTACT_GROUP_CAP,
  CONTACT_GROUP_NAME_MAX_BYTES,
  contactEntry,
  contactIdentity,
  deleteContactGroup,
  groupItems,
  removeFromContactGroup,
  writeMarks,
} from '../marks';
import { ChatRequestError, CODES, errorInfo, type JsonObject } from '../protocol';
import { conversationKey, type ContactGroupRow } from '../store';
import {
  CONTACT_TYPE_C2C,
  CONTACT_TYPE_GROUP,
  contactItemOf,
  isJsonObject,
  optionalNonNegativeInteger,
  parseBitList,
  parseContactItem,
  parseConversationFields,
  requireArray,
  requireNonNegativeInteger,
  requireObject,
  requireString,
  type ConversationRef,
} from '../validate';
import type { CommandContext, CommandTable } from './context';

const INVALID = CODES.invalidParameter;
const MAX_MARK_ITEMS = 100;
const MAX_SEARCH_ITEMS = 300;
const MAX_GROUP_CONTACT_ITEMS = 100;

const OPT_STANDARD = 1;
const OPT_CUSTOM = 2;
const OPT_BOTH = 3;

/** From_Account: a non-empty string (50002) naming an imported account (50001). */
function requireFromAccount(body: JsonObject, context: CommandContext): string {
  const owner = requireString(body, 'From_Account', INVALID);
  if (!context.store.hasAccount(owner)) {
    throw new ChatRequestError(CODES.accountNotImported, `From_Account ${owner} has not been imported into Chat`);
  }
  return owner;
}

function requireUltimateEdition(context: CommandContext): void {
  if (context.edition !== 'ultimate') throw new ChatRequestError(CODES.editionNotAllowed, errorInfo(CODES.editionNotAllowed));
}

/** 51007 for a group conversation whose group does not exist or was dismissed; else 0. */
function groupResolution(context: CommandContext, conversation: ConversationRef): number {
  if (conversation.type !== CONTACT_TYPE_GROUP) return 0;
  const group = context.store.getGroup(conversation.peer);
  return group && group.dismissedAt === null ? 0 : CODES.groupUnresolvable;
}

type ItemOutcome = { code: number; info: string };

const OK: ItemOutcome = { code: 0, info: '' };

function failed(code: number, info = errorInfo(code)): ItemOutcome {
  return { code, info };
}

function echoedContact(raw: unknown, conversation: ConversationRef | undefined): unknown {
  return conversation ? contactItemOf(conversation) : raw;
}

// mark_contact

function applyMarkItem(item: unknown, owner: string, context: CommandContext): JsonObject {
  if (!isJsonObject(item)) {
    return { ResultCode: INVALID, ResultInfo: 'each MarkItem must be an object' };
  }
  const contact = parseContactItem(item.ContactItem);
  const conversation = contact.ok ? contact.value : undefined;
  const outcome = markItemOutcome(item, contact.ok ? undefined : contact.info, conversation, owner, context);
  return {
    OptType: item.OptType,
    ContactItem: echoedContact(item.ContactItem, conversation),
    ResultCode: outcome.code,
    ResultInfo: outcome.info,
  };
}

function markItemOutcome(
  item: JsonObject,
  contactProblem: string | undefined,
  conversation: ConversationRef | undefined,
  owner: string,
  context: CommandContext,
): ItemOutcome {
  const optType = item.OptType;
  if (optType !== OPT_STANDARD && optType !== OPT_CUSTOM && optType !== OPT_BOTH) {
    return failed(INVALID, `OptType must be 1, 2 or 3 (got ${JSON.stringify(optType) ?? 'missing'})`);
  }
  if (!conversation) return failed(INVALID, contactProblem);

  // Fields the OptType does not cover are ignored, not validated.
  let setMask = 0n;
  let clearMask = 0n;
  if (optType === OPT_STANDARD || optType === OPT_BOTH) {
    const setBits = parseBitList(item.SetMark, 'SetMark');
    if (!setBits.ok) return failed(INVALID, setBits.info);
    const clearBits = parseBitList(item.ClearMark, 'ClearMark');
    if (!clearBits.ok) return failed(INVALID, clearBits.info);
    setMask = maskFromBits(setBits.value);
    clearMask = maskFromBits(clearBits.value);
    const both = setBits.value.find((bit) => clearBits.value.includes(bit));
    if (both !== undefined) return failed(INVALID, `bit ${both} is in both SetMark and ClearMark`);
  }
  let customMark: string | undefined;
  if (optType === OPT_CUSTOM || optType === OPT_BOTH) {
    // An absent CustomMark under OptType 2/3 writes the empty string, i.e. clears it.
    const value = item.CustomMark ?? '';
    if (typeof value !== 'string') return failed(INVALID, 'CustomMark must be a string');
    const bytes = utf8ByteLength(value);
    if (bytes > CUSTOM_MARK_MAX_BYTES) {
      return failed(INVALID, `CustomMark is ${bytes} bytes; at most ${CUSTOM_MARK_MAX_BYTES} bytes are allowed`);
    }
    customMark = value;
  }
  const resolution = groupResolution(context, conversation);
  if (resolution !== 0) return failed(resolution);
  const code = writeMarks(context.store, owner, conversation, { setMask, clearMask, customMark }, context.now);
  return code === 0 ? OK : failed(code);
}

function markContact(body: JsonObject, context: CommandContext): JsonObject {
  const items = requireArray(body, 'MarkItem', INVALID, { min: 1, max: MAX_MARK_ITEMS, countCode: CODES.markItemCount });
  const owner = requireFromAccount(body, context);
  const touchesStandardMarks = items.some(
    (item) => isJsonObject(item) && (item.OptType === OPT_STANDARD || item.OptType === OPT_BOTH),
  );
  if (touchesStandardMarks) requireUltimateEdition(context);
  return context.store.transaction(() => ({ ResultItem: items.map((item) => applyMarkItem(item, owner, context)) }));
}

// reads

function getContactGroup(body: JsonObject, context: CommandContext): JsonObject {
  const startIndex = requireNonNegativeInteger(body, 'StartIndex', INVALID);
  const owner = requireFromAccount(body, context);
  const pageSize = context.pageSize.contactGroup;
  const rows = context.store.markPage(owner, startIndex, pageSize + 1);
  const hasMore = rows.length > pageSize;
  const memberships = context.store.contactGroupMemberships(owner);
  return {
    ContactItem: rows.slice(0, pageSize).map((row) => contactEntry(row, memberships.get(conversationKey(row)) ?? [])),
    GroupItem: groupItems(context.store, owner),
    CompleteFlag: hasMore ? 0 : 1,
    NextStartIndex: hasMore ? startIndex + pageSize : 0,
  };
}

function parseContactList(items: unknown[], field: string): ConversationRef[] {
  return items.map((item, index) => {
    const parsed = parseContactItem(item);
    if (!parsed.ok) throw new ChatRequestError(INVALID, `${field}[${index}]: ${parsed.info}`);
    return parsed.value;
  });
}

function searchContactGroup(body: JsonObject, context: CommandContext): JsonObject {
  const conversations = parseContactList(
    requireArray(body, 'ContactItem', INVALID, { min: 1, max: MAX_SEARCH_ITEMS }),
    'ContactItem',
  );
  const owner = requireFromAccount(body, context);
  const { store } = context;
  return {
    ContactResultItem: conversations.map((conversation) => {
      const mark = store.getMark(owner, conversation);
      return mark ? contactEntry(mark, store.contactGroupIdsOf(owner, conversation)) : contactIdentity(conversation);
    }),
    GroupItem: groupItems(store, owner),
  };
}

// conversation groups

function requireGroupName(holder: JsonObject, field: string): string {
  const name = requireString(holder, field, INVALID);
  if (utf8ByteLength(name) > CONTACT_GROUP_NAME_MAX_BYTES) {
    throw new ChatRequestError(CODES.contactGroupNameTooLong, errorInfo(CODES.contactGroupNameTooLong));
  }
  return name;
}

function requireExistingGroup(context: CommandContext, owner: string, name: string): ContactGroupRow {
  const group = context.store.contactGroupByName(owner, name);
  if (!group) throw new ChatRequestError(CODES.contactGroupNotFound, `conversation group ${name} does not exist`);
  return group;
}

function addContactResult(
  raw: unknown,
  owner: string,
  groupId: number,
  context: CommandContext,
): { conversation: ConversationRef | undefined; outcome: ItemOutcome } {
  const parsed = parseContactItem(raw);
  if (!parsed.ok) return { conversation: undefined, outcome: failed(INVALID, parsed.info) };
  const conversation = parsed.value;
  const resolution = groupResolution(context, conversation);
  if (resolution !== 0) return { conversation, outcome: failed(resolution) };
  const code = addToContactGroup(context.store, owner, groupId, conversation, context.now);
  return { conversation, outcome: code === 0 ? OK : failed(code) };
}

function createContactGroup(body: JsonObject, context: CommandContext): JsonObject {
  const [spec] = requireArray(body, 'GroupContactItem', INVALID, { min: 1, max: 1 });
  const owner = requireFromAccount(body, context);
  requireUltimateEdition(context);
  if (!isJsonObject(spec)) throw new ChatRequestError(INVALID, 'GroupContactItem[0] must be an object');
  const name = requireGroupName(spec, 'GroupName');
  const contacts = requireArray(spec, 'ContactItem', INVALID, { min: 1, max: MAX_GROUP_CONTACT_ITEMS });
  const { store } = context;
  if (store.contactGroupByName(owner, name)) throw new ChatRequestError(INVALID, `conversation group ${name} already exists`);
  if (store.contactGroups(owner).length >= CONTACT_GROUP_CAP) {
    throw new ChatRequestError(CODES.contactGroupCount, errorInfo(CODES.contactGroupCount));
  }
  return store.transaction(() => {
    const groupId = store.takeContactGroupId(owner);
    store.insertContactGroup(owner, groupId, name, context.now);
    const results = contacts.map((raw) => {
      const { conversation, outcome } = addContactResult(raw, owner, groupId, context);
      return { ContactItem: echoedContact(raw, conversation), ResultCode: outcome.code, ResultInfo: outcome.info };
    });
    return { GroupResultItem: [{ GroupItem: { GroupName: name, GroupId: groupId }, ResultItem: results }] };
  });
}

const UPDATE_TYPE_GROUP = 1;
const RENAME = 1;
const CHANGE_CONTACTS = 2;
const CONTACT_ADD = 1;
const CONTACT_REMOVE = 2;

function updateContactGroup(body: JsonObject, context: CommandContext): JsonObject {
  if (body.UpdateType !== UPDATE_TYPE_GROUP) {
    throw new ChatRequestError(INVALID, `UpdateType must be 1 (got ${JSON.stringify(body.UpdateType) ?? 'missing'})`);
  }
  const update = requireObject(body, 'UpdateGroup', INVALID);
  const updateGroupType = update.UpdateGroupType;
  if (updateGroupType !== RENAME && updateGroupType !== CHANGE_CONTACTS) {
    throw new ChatRequestError(INVALID, `UpdateGroupType must be 1 or 2 (got ${JSON.stringify(updateGroupType) ?? 'missing'})`);
  }
  const oldName = requireString(update, 'OldGroupName', INVALID);
  const owner = requireFromAccount(body, context);
  requireUltimateEdition(context);
  const { store } = context;
  const group = requireExistingGroup(context, owner, oldName);

  if (updateGroupType === RENAME) {
    const newName = requireGroupName(update, 'NewGroupName');
    const clash = store.contactGroupByName(owner, newName);
    if (clash && clash.groupId !== group.groupId) {
      throw new ChatRequestError(INVALID, `conversation group ${newName} already exists`);
    }
    store.renameContactGroup(owner, group.groupId, newName);
    return {
      UpdateType: UPDATE_TYPE_GROUP,
      UpdateGroupResult: { UpdateGroupType: RENAME, GroupName: newName, GroupId: group.groupId, OldGroupName: oldName },
    };
  }

  const changes = requireArray(update, 'ContactUpdateItem', INVALID, { min: 1, max: MAX_GROUP_CONTACT_ITEMS });
  return store.transaction(() => {
    const results = changes.map((change) => {
      if (!isJsonObject(change)) return { ResultCode: INVALID, ResultInfo: 'each ContactUpdateItem must be an object' };
      const optType = change.ContactOptType;
      if (optType === CONTACT_ADD) {
        const { conversation, outcome } = addContactResult(change.ContactItem, owner, group.groupId, context);
        return contactChangeResult(optType, change.ContactItem, conversation, outcome);
      }
      const parsed = parseContactItem(change.ContactItem);
      if (optType !== CONTACT_REMOVE) {
        const info = `ContactOptType must be 1 or 2 (got ${JSON.stringify(optType) ?? 'missing'})`;
        return contactChangeResult(optType, change.ContactItem, parsed.ok ? parsed.value : undefined, failed(INVALID, info));
      }
      if (!parsed.ok) return contactChangeResult(optType, change.ContactItem, undefined, failed(INVALID, parsed.info));
      removeFromContactGroup(store, owner, group.groupId, parsed.value, context.now);
      return contactChangeResult(optType, change.ContactItem, parsed.value, OK);
    });
    return {
      UpdateType: UPDATE_TYPE_GROUP,
      UpdateGroupResult: {
        UpdateGroupType: CHANGE_CONTACTS,
        GroupName: group.name,
        GroupId: group.groupId,
        ContactResultItem: results,
      },
    };
  });
}

function contactChangeResult(
  optType: unknown,
  raw: unknown,
  conversation: ConversationRef | undefined,
  outcome: ItemOutcome,
): JsonObject {
  return {
    ContactOptType: optType,
    ContactItem: echoedContact(raw, conversation),
    ResultCode: outcome.code,
    ResultInfo: outcome.info,
  };
}

function delContactGroup(body: JsonObject, context: CommandContext): JsonObject {
  const [name] = requireArray(body, 'GroupName', INVALID, { min: 1, max: 1 });
  if (typeof name !== 'string' || name === '') throw new ChatRequestError(INVALID, 'GroupName must hold one non-empty string');
  const owner = requireFromAccount(body, context);
  requireUltimateEdition(context);
  const group = requireExistingGroup(context, owner, name);
  context.store.transaction(() => deleteContactGroup(context.store, owner, group.groupId, context.now));
  return { GroupItem: [{ GroupName: group.name, GroupId: group.groupId }] };
}

// the conversation list

const ASSIST_PINNED = 1;

function getList(body: JsonObject, context: CommandContext): JsonObject {
  const timeStamp = requireNonNegativeInteger(body, 'TimeStamp', INVALID);
  const startIndex = requireNonNegativeInteger(body, 'StartIndex', INVALID);
  const topTimeStamp = requireNonNegativeInteger(body, 'TopTimeStamp', INVALID);
  const topStartIndex = requireNonNegativeInteger(body, 'TopStartIndex', INVALID);
  const assistFlags = requireNonNegativeInteger(body, 'AssistFlags', INVALID);
  const owner = requireFromAccount(body, context);

  // Without AssistFlags bit 0 the client does not understand pinning: one list, newest first.
  const supportsPinned = (assistFlags & ASSIST_PINNED) !== 0;
  // Pinned conversations first (TopStartIndex pages through them), then the others (StartIndex).
  const { store } = context;
  const regularKind = supportsPinned ? false : undefined;
  const pinnedTotal = supportsPinned ? store.recentCount(owner, true) : 0;
  const regularTotal = store.recentCount(owner, regularKind);

  const pageSize = context.pageSize.recentList;
  const pinnedPage = supportsPinned ? store.recentPage(owner, true, topStartIndex, pageSize) : [];
  const room = pageSize - pinnedPage.length;
  const regularPage = room > 0 ? store.recentPage(owner, regularKind, startIndex, room) : [];
  const nextTopStart = topStartIndex + pinnedPage.length;
  const nextStart = startIndex + regularPage.length;
  const complete = nextTopStart >= pinnedTotal && nextStart >= regularTotal;

  return {
    SessionItem: [...pinnedPage, ...regularPage].map((item) => ({
      Type: item.type,
      ...(item.type === CONTACT_TYPE_C2C ? { To_Account: item.peer } : { GroupId: item.peer }),
      MsgTime: item.msgTime,
      ...(supportsPinned ? { TopFlag: item.pinned ? 1 : 0 } : {}),
    })),
    CompleteFlag: complete ? 1 : 0,
    // The first page fixes the snapshot time; later pages echo it back.
    TimeStamp: timeStamp === 0 ? context.now : timeStamp,
    StartIndex: complete ? 0 : nextStart,
    TopTimeStamp: topTimeStamp === 0 ? context.now : topTimeStamp,
    TopStartIndex: complete ? 0 : nextTopStart,
  };
}

function deleteConversation(body: JsonObject, context: CommandContext): JsonObject {
  // Note the lower-case "id": this command spells the group field ToGroupid.
  const parsed = parseConversationFields(body, 'ToGroupid');
  if (!parsed.ok) throw new ChatRequestError(INVALID, parsed.info);
  optionalNonNegativeInteger(body, 'ClearRamble', INVALID);
  const owner = requireFromAccount(body, context);
  context.store.deleteRecent(owner, parsed.value);
  return {};
}

const RECENTCONTACT_CALLS_PER_SECOND = 200;

export const recentContactCommands: CommandTable = {
  'recentcontact/mark_contact': { handler: markContact, callsPerSecond: RECENTCONTACT_CALLS_PER_SECOND },
  'recentcontact/get_contact_group': { handler: getContactGroup, callsPerSecond: RECENTCONTACT_CALLS_PER_SECOND },
  'recentcontact/search_contact_group': { handler: searchContactGroup, callsPerSecond: RECENTCONTACT_CALLS_PER_SECOND },
  'recentcontact/create_contact_group': { handler: createContactGroup, callsPerSecond: RECENTCONTACT_CALLS_PER_SECOND },
  'recentcontact/update_contact_group': { handler: updateContactGroup, callsPerSecond: RECENTCONTACT_CALLS_PER_SECOND },
  'recentcontact/del_contact_group': { handler: delContactGroup, callsPerSecond: RECENTCONTACT_CALLS_PER_SECOND },
  'recentcontact/get_list': { handler: getList, callsPerSecond: RECENTCONTACT_CALLS_PER_SECOND },
  'recentcontact/delete': { handler: deleteConversation, callsPerSecond: RECENTCONTACT_CALLS_PER_SECOND },
};
