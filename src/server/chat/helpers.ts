// Multi-call operations on top of ChatClient.call: chunking to Chat's per-call limits, walking
// pages and cursors, and turning Chat's fields into domain values (BigInt masks, conversations).
import {
  type ContactItem,
  type Conversation,
  conversationKey,
  fromContactItem,
  toContactItem,
} from '../../shared/marks/conversation';
import type { TencentMarkItem } from '../../shared/marks/change';
import { parseStandardMark } from '../../shared/marks/mask';
import type { ChatClient } from './client';
import type { ChatCommand, ContactGroupItem, ContactMarkItem } from './commands';
import { ChatApiError, ChatInvalidResponseError, isChatError } from './errors';
import { createOddRows, type MarkRow, type OddRows, readMarkRow, readSessionRow, type RowReading } from './rows';

/** Per-call limits published by Tencent. */
export const MARK_CONTACT_MAX_ITEMS = 100;
export const SEARCH_CONTACT_GROUP_MAX_ITEMS = 300;
export const ACCOUNT_CHECK_MAX_ITEMS = 100;
export const PORTRAIT_GET_MAX_ITEMS = 100;
export const GET_GROUP_INFO_MAX_ITEMS = 50;

/** Read helpers send this many chunks at a time; the per-command limiter still spaces them. */
export const DEFAULT_READ_CONCURRENCY = 4;
/** Paging stops with an error beyond this, rather than looping on a cursor that never ends. */
export const DEFAULT_MAX_PAGES = 1000;

export type ChatCaller = Pick<ChatClient, 'call'>;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('chunk size must be a positive integer');
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** Runs `task` over `inputs` with at most `concurrency` in flight; results keep the input order. */
async function mapInOrder<In, Out>(inputs: readonly In[], concurrency: number, task: (input: In) => Promise<Out>): Promise<Out[]> {
  const results = new Array<Out>(inputs.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await task(inputs[index] as In);
    }
  }
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, inputs.length)) }, () => worker());
  await Promise.all(workers);
  return results;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

// ---------------------------------------------------------------------------------------------
// mark_contact

export type MarkItemResult = {
  item: TencentMarkItem;
  /** 0 = applied; otherwise the item's ResultCode, or the code that failed its whole batch. */
  resultCode: number;
  resultInfo: string;
  /** False when the item was never sent because an earlier batch failed in a way that would repeat. */
  sent: boolean;
};

/**
 * Applies mark deltas in batches of ≤100, in order, and returns one result per item in request
 * order. A batch whose whole request failed reports that code for each of its items. After a
 * failure that is not about the request's content (configuration, bug, network after retries,
 * still throttled) the remaining batches are not sent: they would fail the same way, and repeated
 * signature failures can lock the app out (70050).
 */
export async function markContact(client: ChatCaller, fromAccount: string, items: readonly TencentMarkItem[]): Promise<MarkItemResult[]> {
  const results: MarkItemResult[] = [];
  let stoppedBy: { code: number } | undefined;
  for (const batch of chunk(items, MARK_CONTACT_MAX_ITEMS)) {
    if (stoppedBy) {
      const info = `Not sent: an earlier batch failed with error ${stoppedBy.code}.`;
      for (const item of batch) results.push({ item, resultCode: stoppedBy.code, resultInfo: info, sent: false });
      continue;
    }
    try {
      const response = await client.call('recentcontact/mark_contact', { From_Account: fromAccount, MarkItem: batch });
      if (response.ResultItem.length !== batch.length) {
        throw new ChatInvalidResponseError(
          'recentcontact/mark_contact',
          `${response.ResultItem.length} results for ${batch.length} items`,
        );
      }
      batch.forEach((item, index) => {
        const result = response.ResultItem[index]!;
        results.push({ item, resultCode: result.ResultCode, resultInfo: result.ResultInfo ?? '', sent: true });
      });
    } catch (error) {
      if (!isChatError(error)) throw error;
      const info = error instanceof ChatApiError ? error.info : error.message;
      for (const item of batch) results.push({ item, resultCode: error.code, resultInfo: info, sent: true });
      if (error.class !== 'caller') stoppedBy = { code: error.code };
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Mark reads

export type ContactMarks = MarkRow & {
  /** Per-item ResultCode of search_contact_group (0 when Chat gave none). */
  resultCode: number;
};

export type ContactGroupsResult = { items: ContactMarks[]; groups: ContactGroupItem[] };

function conversationFrom(command: ChatCommand, item: { Type: number; To_Account?: string; ToGroupId?: string }): Conversation {
  try {
    return fromContactItem(item);
  } catch (error) {
    throw new ChatInvalidResponseError(command, error instanceof Error ? error.message : 'bad ContactItem');
  }
}

function contactMarksFrom(command: ChatCommand, item: ContactMarkItem): ContactMarks {
  const conversation = conversationFrom(command, item);
  let mask: bigint;
  try {
    mask = parseStandardMark(item.StandardMark);
  } catch {
    throw new ChatInvalidResponseError(command, `StandardMark of ${conversationKey(conversation)} is not a binary-digit string`);
  }
  return {
    conversation,
    contact: toContactItem(conversation),
    mask,
    customMark: item.CustomMark ?? '',
    groupIds: item.ContactGroupId ?? [],
    timestamp: item.Timestamp,
    resultCode: item.ResultCode ?? 0,
  };
}

function addGroups(into: Map<number, ContactGroupItem>, groups: readonly ContactGroupItem[]): void {
  for (const group of groups) into.set(group.GroupId, { GroupName: group.GroupName, GroupId: group.GroupId });
}

/**
 * The marks of the given conversations, one result per requested contact in request order
 * (batches of ≤300). A conversation Chat returns nothing for has no marks.
 */
export async function searchContactGroup(
  client: ChatCaller,
  fromAccount: string,
  contacts: readonly ContactItem[],
  options: { concurrency?: number } = {},
): Promise<ContactGroupsResult> {
  const command = 'recentcontact/search_contact_group';
  const groups = new Map<number, ContactGroupItem>();
  const batches = await mapInOrder(chunk(contacts, SEARCH_CONTACT_GROUP_MAX_ITEMS), options.concurrency ?? DEFAULT_READ_CONCURRENCY, async (batch) => {
    const response = await client.call(command, { From_Account: fromAccount, ContactItem: batch });
    addGroups(groups, response.GroupItem);
    const found = new Map<string, ContactMarks>();
    for (const raw of response.ContactResultItem) {
      const marks = contactMarksFrom(command, raw);
      found.set(conversationKey(marks.conversation), marks);
    }
    return batch.map((contact): ContactMarks => {
      const conversation = conversationFrom(command, contact);
      return (
        found.get(conversationKey(conversation)) ?? {
          conversation,
          contact,
          mask: 0n,
          customMark: '',
          groupIds: [],
          timestamp: undefined,
          resultCode: 0,
        }
      );
    });
  });
  return { items: batches.flat(), groups: [...groups.values()] };
}

/** Keeps a row that could be read (noting its warnings) and counts one that could not. */
function keepReadable<Row extends { conversation: Conversation }>(reading: RowReading<Row>, odd: OddRows): Row | undefined {
  if (!reading.ok) {
    odd.skipped.set(reading.reason, (odd.skipped.get(reading.reason) ?? 0) + 1);
    return undefined;
  }
  if (reading.warnings.length > 0) {
    const key = conversationKey(reading.row.conversation);
    odd.doubtful.set(key, [...new Set([...(odd.doubtful.get(key) ?? []), ...reading.warnings])]);
  }
  return reading.row;
}

/**
 * Every marked or grouped conversation of the user and their conversation groups, all pages. A row
 * that cannot be read is left out and counted in `options.odd` (see chat/rows.ts).
 */
export async function getAllContactGroups(
  client: ChatCaller,
  fromAccount: string,
  options: { maxPages?: number; odd?: OddRows } = {},
): Promise<ContactGroupsResult> {
  const odd = options.odd ?? createOddRows();
  const command = 'recentcontact/get_contact_group';
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const items = new Map<string, ContactMarks>();
  const groups = new Map<number, ContactGroupItem>();
  let startIndex = 0;
  for (let page = 1; ; page++) {
    const response = await client.call(command, { From_Account: fromAccount, StartIndex: startIndex });
    for (const raw of response.ContactItem) {
      const row = keepReadable(readMarkRow(raw), odd);
      // A conversation changed while paging may show up twice; the later page is the newer read.
      if (row) items.set(conversationKey(row.conversation), { ...row, resultCode: 0 });
    }
    addGroups(groups, response.GroupItem);
    if (response.CompleteFlag === 1) break;
    if (response.NextStartIndex <= startIndex) {
      throw new ChatInvalidResponseError(command, `NextStartIndex ${response.NextStartIndex} does not advance past ${startIndex}`);
    }
    if (page >= maxPages) throw new ChatInvalidResponseError(command, `more than ${maxPages} pages`);
    startIndex = response.NextStartIndex;
  }
  return { items: [...items.values()], groups: [...groups.values()] };
}

// ---------------------------------------------------------------------------------------------
// Conversation list

export type RecentSession = {
  conversation: Conversation;
  contact: ContactItem;
  /** Unix seconds of the last message; undefined when none (or none that makes sense). */
  msgTime: number | undefined;
  pinned: boolean;
};

/** Tencent's example value: the flags that ask for pinned conversations and the other usual fields. */
export const DEFAULT_GET_LIST_ASSIST_FLAGS = 15;

/**
 * The user's whole conversation list, walking get_list's four cursors until CompleteFlag is 1. A
 * row that cannot be read is left out and counted in `options.odd` (see chat/rows.ts).
 */
export async function getFullRecentList(
  client: ChatCaller,
  fromAccount: string,
  options: { assistFlags?: number; maxPages?: number; odd?: OddRows } = {},
): Promise<RecentSession[]> {
  const odd = options.odd ?? createOddRows();
  const command = 'recentcontact/get_list';
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const sessions = new Map<string, RecentSession>();
  let cursor = { TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0 };
  for (let page = 1; ; page++) {
    const response = await client.call(command, {
      From_Account: fromAccount,
      ...cursor,
      AssistFlags: options.assistFlags ?? DEFAULT_GET_LIST_ASSIST_FLAGS,
    });
    for (const raw of response.SessionItem) {
      const row = keepReadable(readSessionRow(raw), odd);
      if (row && !sessions.has(conversationKey(row.conversation))) sessions.set(conversationKey(row.conversation), row);
    }
    if (response.CompleteFlag === 1) break;
    const next = {
      TimeStamp: response.TimeStamp,
      StartIndex: response.StartIndex,
      TopTimeStamp: response.TopTimeStamp,
      TopStartIndex: response.TopStartIndex,
    };
    if (
      next.TimeStamp === cursor.TimeStamp &&
      next.StartIndex === cursor.StartIndex &&
      next.TopTimeStamp === cursor.TopTimeStamp &&
      next.TopStartIndex === cursor.TopStartIndex
    ) {
      throw new ChatInvalidResponseError(command, 'the cursors did not move but the list is not complete');
    }
    if (page >= maxPages) throw new ChatInvalidResponseError(command, `more than ${maxPages} pages`);
    cursor = next;
  }
  return [...sessions.values()];
}

// ---------------------------------------------------------------------------------------------
// Accounts, profiles, groups

export type AccountCheckResult = {
  userId: string;
  /** Imported into Chat (AccountStatus "Imported" with ResultCode 0). */
  imported: boolean;
  resultCode: number;
  resultInfo: string;
};

/** Whether each user is imported into Chat, in request order (batches of ≤100). */
export async function accountCheck(
  client: ChatCaller,
  userIds: readonly string[],
  options: { concurrency?: number } = {},
): Promise<AccountCheckResult[]> {
  const command = 'im_open_login_svc/account_check';
  const batches = await mapInOrder(chunk(userIds, ACCOUNT_CHECK_MAX_ITEMS), options.concurrency ?? DEFAULT_READ_CONCURRENCY, async (batch) => {
    const response = await client.call(command, { CheckItem: batch.map((userId) => ({ UserID: userId })) });
    const byId = new Map(response.ResultItem.map((item) => [item.UserID, item]));
    return batch.map((userId): AccountCheckResult => {
      const item = byId.get(userId);
      if (!item) throw new ChatInvalidResponseError(command, 'a requested UserID is missing from ResultItem');
      return {
        userId,
        imported: item.ResultCode === 0 && item.AccountStatus === 'Imported',
        resultCode: item.ResultCode,
        resultInfo: item.ResultInfo ?? '',
      };
    });
  });
  return batches.flat();
}

export const NICKNAME_TAG = 'Tag_Profile_IM_Nick';

/** Nicknames of the given users (batches of ≤100); users without one, or unknown to Chat, are absent. */
export async function portraitNicknames(
  client: ChatCaller,
  userIds: readonly string[],
  options: { concurrency?: number } = {},
): Promise<Map<string, string>> {
  const nicknames = new Map<string, string>();
  await mapInOrder(chunk(unique(userIds), PORTRAIT_GET_MAX_ITEMS), options.concurrency ?? DEFAULT_READ_CONCURRENCY, async (batch) => {
    const response = await client.call('profile/portrait_get', { To_Account: batch, TagList: [NICKNAME_TAG] });
    for (const profile of response.UserProfileItem) {
      if (profile.ResultCode !== 0) continue;
      const nick = profile.ProfileItem.find((item) => item.Tag === NICKNAME_TAG)?.Value;
      if (typeof nick === 'string' && nick !== '') nicknames.set(profile.To_Account, nick);
    }
  });
  return nicknames;
}

export type GroupInfoResult = {
  groupId: string;
  /** 0, or per group 10010 (dismissed) / 10015 (not found). */
  errorCode: number;
  name: string | undefined;
  type: string | undefined;
};

/** Name and type of each group (batches of ≤50), keyed by group ID. */
export async function groupInfos(
  client: ChatCaller,
  groupIds: readonly string[],
  options: { concurrency?: number } = {},
): Promise<Map<string, GroupInfoResult>> {
  const infos = new Map<string, GroupInfoResult>();
  await mapInOrder(chunk(unique(groupIds), GET_GROUP_INFO_MAX_ITEMS), options.concurrency ?? DEFAULT_READ_CONCURRENCY, async (batch) => {
    const response = await client.call('group_open_http_svc/get_group_info', {
      GroupIdList: batch,
      ResponseFilter: { GroupBaseInfoFilter: ['Name', 'Type'] },
    });
    for (const info of response.GroupInfo) {
      infos.set(info.GroupId, { groupId: info.GroupId, errorCode: info.ErrorCode, name: info.Name, type: info.Type });
    }
  });
  return infos;
}
