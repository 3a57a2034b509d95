// v4/group_open_http_svc/*: the groups whose conversations can be marked. Just enough of Tencent's
// group service for group conversations to exist, be listed, be named and be dismissed.
import { utf8ByteLength } from '../../shared/marks/utf8';
import { ChatRequestError, CODES, type JsonObject } from '../protocol';
import { createRandom } from '../random';
import type { ChatGroupRow, EmulatorStore } from '../store';
import {
  CONTACT_TYPE_GROUP,
  isJsonObject,
  isUint32,
  optionalNonNegativeInteger,
  optionalString,
  requireArray,
  requireString,
} from '../validate';
import type { CommandContext, CommandTable } from './context';

const INVALID = CODES.groupInvalidParameter;

type GroupTypeRule = { idPrefix: string; maxMemberNum: number };

/** Tencent's group types; `Private` is the old name of `Work`. */
export const GROUP_TYPES: Record<string, GroupTypeRule> = {
  Work: { idPrefix: '1', maxMemberNum: 200 },
  Private: { idPrefix: '1', maxMemberNum: 200 },
  Public: { idPrefix: '2', maxMemberNum: 2000 },
  Meeting: { idPrefix: '3', maxMemberNum: 6000 },
  ChatRoom: { idPrefix: '3', maxMemberNum: 6000 },
  AVChatRoom: { idPrefix: 'a', maxMemberNum: 0 },
  Community: { idPrefix: '_', maxMemberNum: 100000 },
};

const GROUP_NAME_MAX_BYTES = 100;
const GROUP_ID_MAX_BYTES = 48;
const AUTO_ID_PREFIX = '@TGS#';
const MAX_CREATE_MEMBERS = 500;
const MAX_ADD_MEMBERS = 300;
const MAX_INFO_GROUPS = 50;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A Tencent-style automatic group ID (`@TGS#2J4SZEAEL`), unique in this store. */
export function generateGroupId(store: EmulatorStore, type: string): string {
  const prefix = GROUP_TYPES[type]?.idPrefix ?? '1';
  for (;;) {
    const random = createRandom(store.nextCounter('group_id') * 2654435761);
    let id = `${AUTO_ID_PREFIX}${prefix}`;
    for (let index = 0; index < 8; index++) id += random.pick([...ID_ALPHABET]);
    if (!store.getGroup(id)) return id;
  }
}

/** The group, alive: 10015 when it never existed, 10010 when it was dismissed. */
function requireLiveGroup(context: CommandContext, groupId: string): ChatGroupRow {
  const group = context.store.getGroup(groupId);
  if (!group) throw new ChatRequestError(CODES.groupNotFound, `GroupId ${groupId} is invalid`);
  if (group.dismissedAt !== null) throw new ChatRequestError(CODES.groupDismissed, `group ${groupId} does not exist or has been dismissed`);
  return group;
}

function memberAccounts(list: unknown[], field: string): string[] {
  return list.map((entry, index) => {
    const account = isJsonObject(entry) ? entry.Member_Account : undefined;
    if (typeof account !== 'string' || account === '') {
      throw new ChatRequestError(INVALID, `${field}[${index}].Member_Account must be a non-empty string`);
    }
    return account;
  });
}

function customGroupIdProblem(groupId: string, type: string): string | undefined {
  if (utf8ByteLength(groupId) > GROUP_ID_MAX_BYTES) return `GroupId is longer than ${GROUP_ID_MAX_BYTES} bytes`;
  if (type === 'Community') return groupId.startsWith('@TGS#_') ? undefined : 'a Community GroupId must start with @TGS#_';
  return groupId.startsWith(AUTO_ID_PREFIX) ? 'a custom GroupId may not start with @TGS#' : undefined;
}

function createGroup(body: JsonObject, context: CommandContext): JsonObject {
  const { store } = context;
  const type = requireString(body, 'Type', INVALID);
  const rule = GROUP_TYPES[type];
  if (!rule) throw new ChatRequestError(INVALID, `Type ${type} is not a group type`);
  const name = requireString(body, 'Name', INVALID);
  if (utf8ByteLength(name) > GROUP_NAME_MAX_BYTES) throw new ChatRequestError(INVALID, `Name is longer than ${GROUP_NAME_MAX_BYTES} bytes`);
  const owner = optionalString(body, 'Owner_Account', INVALID);
  const customId = optionalString(body, 'GroupId', INVALID);
  const members = memberAccounts(requireArray(body, 'MemberList', INVALID, { min: 0, max: MAX_CREATE_MEMBERS }), 'MemberList');
  const unknown = [...(owner === undefined ? [] : [owner]), ...members].find((account) => !store.hasAccount(account));
  if (unknown !== undefined) throw new ChatRequestError(CODES.groupAccountNotFound, `account ${unknown} has not been imported`);
  if (customId !== undefined) {
    const problem = customGroupIdProblem(customId, type);
    if (problem) throw new ChatRequestError(INVALID, problem);
    if (store.getGroup(customId)) throw new ChatRequestError(CODES.groupIdInUse, `GroupId ${customId} is already in use`);
  }
  const groupId = customId ?? generateGroupId(store, type);
  store.transaction(() => {
    store.insertGroup({
      groupId,
      type,
      name,
      ownerAccount: owner ?? '',
      introduction: optionalString(body, 'Introduction', INVALID) ?? '',
      notification: optionalString(body, 'Notification', INVALID) ?? '',
      faceUrl: optionalString(body, 'FaceUrl', INVALID) ?? '',
      maxMemberNum: optionalNonNegativeInteger(body, 'MaxMemberCount', INVALID) ?? rule.maxMemberNum,
      applyJoinOption: optionalString(body, 'ApplyJoinOption', INVALID) ?? 'NeedPermission',
      createdAt: context.now,
      dismissedAt: null,
      lastMsgSeq: 0,
      lastMsgTime: 0,
    });
    if (owner !== undefined) store.addGroupMember({ groupId, userId: owner, role: 'Owner', joinTime: context.now });
    for (const userId of members) store.addGroupMember({ groupId, userId, role: 'Member', joinTime: context.now });
  });
  return { GroupId: groupId };
}

const MEMBER_ADD_FAILED = 0;
const MEMBER_ADDED = 1;
const MEMBER_ALREADY = 2;

function addGroupMember(body: JsonObject, context: CommandContext): JsonObject {
  const group = requireLiveGroup(context, requireString(body, 'GroupId', INVALID));
  const accounts = memberAccounts(requireArray(body, 'MemberList', INVALID, { min: 1, max: MAX_ADD_MEMBERS }), 'MemberList');
  optionalNonNegativeInteger(body, 'Silence', INVALID);
  const { store } = context;
  return store.transaction(() => ({
    MemberList: accounts.map((userId) => {
      if (!store.hasAccount(userId)) return { Member_Account: userId, Result: MEMBER_ADD_FAILED };
      const added = store.addGroupMember({ groupId: group.groupId, userId, role: 'Member', joinTime: context.now });
      return { Member_Account: userId, Result: added ? MEMBER_ADDED : MEMBER_ALREADY };
    }),
  }));
}

/** The "base info" of a group, in Tencent's field names. */
function baseInfo(store: EmulatorStore, group: ChatGroupRow): JsonObject {
  return {
    Type: group.type,
    Name: group.name,
    Introduction: group.introduction,
    Notification: group.notification,
    FaceUrl: group.faceUrl,
    Owner_Account: group.ownerAccount,
    CreateTime: group.createdAt,
    LastInfoTime: group.createdAt,
    LastMsgTime: group.lastMsgTime,
    NextMsgSeq: group.lastMsgSeq + 1,
    MemberNum: store.groupMemberCount(group.groupId),
    MaxMemberNum: group.maxMemberNum,
    ApplyJoinOption: group.applyJoinOption,
  };
}

function pick(source: JsonObject, fields: readonly string[] | undefined): JsonObject {
  if (!fields) return source;
  return Object.fromEntries(fields.filter((field) => Object.hasOwn(source, field)).map((field) => [field, source[field]]));
}

/** A ResponseFilter list such as GroupBaseInfoFilter: undefined when absent. */
function filterList(filter: JsonObject | undefined, field: string): string[] | undefined {
  const value = filter?.[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
    throw new ChatRequestError(INVALID, `ResponseFilter.${field} must be an array of strings`);
  }
  return value as string[];
}

function responseFilter(body: JsonObject): JsonObject | undefined {
  const filter = body.ResponseFilter;
  if (filter === undefined) return undefined;
  if (!isJsonObject(filter)) throw new ChatRequestError(INVALID, 'ResponseFilter must be an object');
  return filter;
}

function getJoinedGroupList(body: JsonObject, context: CommandContext): JsonObject {
  const member = requireString(body, 'Member_Account', INVALID);
  const limit = optionalNonNegativeInteger(body, 'Limit', INVALID);
  const offset = optionalNonNegativeInteger(body, 'Offset', INVALID) ?? 0;
  const groupType = optionalString(body, 'GroupType', INVALID);
  const baseFields = filterList(responseFilter(body), 'GroupBaseInfoFilter');
  if (!context.store.hasAccount(member)) throw new ChatRequestError(CODES.groupAccountNotFound, `account ${member} has not been imported`);
  // Live-broadcast groups are only listed when asked for by type, as at Tencent.
  const groups = context.store
    .groupsOfMember(member)
    .filter((group) => (groupType === undefined ? group.type !== 'AVChatRoom' : group.type === groupType));
  const page = groups.slice(offset, limit === undefined || limit === 0 ? undefined : offset + limit);
  return {
    TotalCount: groups.length,
    GroupIdList: page.map((group) => ({
      GroupId: group.groupId,
      ...(baseFields ? pick(baseInfo(context.store, group), baseFields) : {}),
    })),
  };
}

function memberInfo(member: { userId: string; role: string; joinTime: number }): JsonObject {
  return {
    Member_Account: member.userId,
    Role: member.role,
    JoinTime: member.joinTime,
    MsgSeq: 0,
    MsgFlag: 'AcceptAndNotify',
    LastSendMsgTime: 0,
    ShutUpUntil: 0,
  };
}

function getGroupInfo(body: JsonObject, context: CommandContext): JsonObject {
  const ids = requireArray(body, 'GroupIdList', INVALID, { min: 1, max: MAX_INFO_GROUPS });
  if (ids.some((id) => typeof id !== 'string' || id === '')) throw new ChatRequestError(INVALID, 'GroupIdList must hold non-empty strings');
  const filter = responseFilter(body);
  const baseFields = filterList(filter, 'GroupBaseInfoFilter');
  const memberFields = filterList(filter, 'MemberInfoFilter');
  // With a ResponseFilter only what it names comes back; without one, everything.
  const wantMembers = filter === undefined || memberFields !== undefined;
  const { store } = context;
  return {
    GroupInfo: (ids as string[]).map((groupId) => {
      const group = store.getGroup(groupId);
      if (!group) return { GroupId: groupId, ErrorCode: CODES.groupNotFound, ErrorInfo: `GroupId ${groupId} is invalid` };
      if (group.dismissedAt !== null) {
        return { GroupId: groupId, ErrorCode: CODES.groupDismissed, ErrorInfo: `group ${groupId} has been dismissed` };
      }
      const info: JsonObject = { GroupId: groupId, ErrorCode: 0, ErrorInfo: '' };
      Object.assign(info, filter === undefined ? baseInfo(store, group) : pick(baseInfo(store, group), baseFields ?? []));
      if (wantMembers) {
        info.MemberList = store
          .groupMembers(groupId)
          .map((member) => ({ Member_Account: member.userId, ...pick(memberInfo(member), memberFields) }));
      }
      return info;
    }),
  };
}

function destroyGroup(body: JsonObject, context: CommandContext): JsonObject {
  const group = requireLiveGroup(context, requireString(body, 'GroupId', INVALID));
  // Conversations and marks of a dismissed group stay; only the group stops resolving.
  context.store.dismissGroup(group.groupId, context.now);
  return {};
}

/** MsgBody: at least one element, each with a MsgType and a MsgContent object. */
export function msgBodyProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0) return 'MsgBody must be a non-empty array';
  const bad = value.findIndex(
    (element) => !isJsonObject(element) || typeof element.MsgType !== 'string' || !isJsonObject(element.MsgContent),
  );
  return bad >= 0 ? `MsgBody[${bad}] needs a MsgType string and a MsgContent object` : undefined;
}

function sendGroupMsg(body: JsonObject, context: CommandContext): JsonObject {
  const group = requireLiveGroup(context, requireString(body, 'GroupId', INVALID));
  if (!isUint32(body.Random)) throw new ChatRequestError(INVALID, 'Random must be a 32-bit unsigned integer');
  const bodyProblem = msgBodyProblem(body.MsgBody);
  if (bodyProblem) throw new ChatRequestError(INVALID, bodyProblem);
  const sender = optionalString(body, 'From_Account', INVALID);
  const { store } = context;
  if (sender !== undefined && !store.isGroupMember(group.groupId, sender)) {
    throw new ChatRequestError(CODES.groupNoPermission, `${sender} is not a member of group ${group.groupId}`);
  }
  const msgSeq = group.lastMsgSeq + 1;
  store.transaction(() => {
    store.setGroupLastMessage(group.groupId, msgSeq, context.now);
    // A group message brings the conversation to the top of every member's list.
    for (const member of store.groupMembers(group.groupId)) {
      store.touchRecent(member.userId, { type: CONTACT_TYPE_GROUP, peer: group.groupId }, context.now);
    }
  });
  return { MsgTime: context.now, MsgSeq: msgSeq };
}

export const groupCommands: CommandTable = {
  'group_open_http_svc/create_group': { handler: createGroup, callsPerSecond: 200 },
  'group_open_http_svc/add_group_member': { handler: addGroupMember, callsPerSecond: 200 },
  'group_open_http_svc/get_joined_group_list': { handler: getJoinedGroupList, callsPerSecond: 200 },
  'group_open_http_svc/get_group_info': { handler: getGroupInfo, callsPerSecond: 200 },
  'group_open_http_svc/destroy_group': { handler: destroyGroup, callsPerSecond: 200 },
  'group_open_http_svc/send_group_msg': { handler: sendGroupMsg, callsPerSecond: 200 },
};
