import { afterEach, describe, expect, it } from 'vitest';
import type { TencentMarkItem } from '../../shared/marks/change';
import type { ContactItem } from '../../shared/marks/conversation';
import { type ChatClient, createChatClient } from './client';
import { ChatInvalidResponseError } from './errors';
import {
  accountCheck,
  chunk,
  getAllContactGroups,
  getFullRecentList,
  groupInfos,
  markContact,
  portraitNicknames,
  searchContactGroup,
} from './helpers';
import {
  fail,
  type FakeChatServer,
  type FakeHandler,
  ok,
  type RecordedRequest,
  startFakeChatServer,
} from './testing/fake-chat-server';
import { createFakeClock } from '../testing/fake-clock';

let server: FakeChatServer | undefined;
let client: ChatClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function setup(handler: FakeHandler) {
  server = await startFakeChatServer(handler);
  client = createChatClient({
    baseUrl: server.url,
    sdkAppId: 1400000001,
    adminIdentifier: 'administrator',
    secretKey: 'helpers-secret',
    clock: createFakeClock(Date.UTC(2025, 0, 1), { stepOnSleep: true }),
    random: () => 0,
  });
  return { server, client };
}

type Body = Record<string, unknown>;
const bodyOf = (request: RecordedRequest) => request.body as Body;

function c2c(id: string): ContactItem {
  return { Type: 1, To_Account: id };
}

function markItem(index: number): TencentMarkItem {
  return index % 10 === 9
    ? { OptType: 1, ContactItem: { Type: 2, ToGroupId: `@TGS#g${index}` }, SetMark: [0] }
    : { OptType: 3, ContactItem: c2c(`user${index}`), SetMark: [32], CustomMark: `n${index}` };
}

function markResults(request: RecordedRequest, code = (item: TencentMarkItem) => ('ToGroupId' in item.ContactItem ? 51007 : 0)) {
  const items = bodyOf(request).MarkItem as TencentMarkItem[];
  return ok({
    ResultItem: items.map((item) => ({
      OptType: item.OptType,
      ContactItem: item.ContactItem,
      ResultCode: code(item),
      ResultInfo: code(item) ? 'group dismissed' : '',
    })),
  });
}

describe('chunk', () => {
  it('splits into pieces of at most the size, in order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

describe('markContact', () => {
  it('sends 250 marks as 100/100/50 and returns each item’s result in request order', async () => {
    const { server, client } = await setup((request) => markResults(request));
    const items = Array.from({ length: 250 }, (_, index) => markItem(index));
    const results = await markContact(client, 'user0', items);

    expect(server.requests.map((request) => (bodyOf(request).MarkItem as unknown[]).length)).toEqual([100, 100, 50]);
    expect(server.requests.every((request) => bodyOf(request).From_Account === 'user0')).toBe(true);
    expect(server.requests.flatMap((request) => bodyOf(request).MarkItem as unknown[])).toEqual(items);
    expect(results.map((result) => result.item)).toEqual(items);
    results.forEach((result, index) => {
      expect(result.resultCode).toBe(index % 10 === 9 ? 51007 : 0);
      expect(result.sent).toBe(true);
    });
    expect(results[9]!.resultInfo).toBe('group dismissed');
  });

  it('maps a whole-batch failure about the request to each item of that batch and goes on', async () => {
    const { server, client } = await setup((request, index) => (index === 1 ? fail(50002, 'bad parameter') : markResults(request, () => 0)));
    const items = Array.from({ length: 250 }, (_, index) => markItem(index));
    const results = await markContact(client, 'user0', items);
    expect(server.requests).toHaveLength(3);
    expect(results.slice(0, 100).every((result) => result.resultCode === 0)).toBe(true);
    expect(results.slice(100, 200).every((result) => result.resultCode === 50002 && result.resultInfo === 'bad parameter')).toBe(true);
    expect(results.slice(200).every((result) => result.resultCode === 0)).toBe(true);
  });

  it('stops after a configuration failure instead of repeating it for every batch', async () => {
    const { server, client } = await setup(() => fail(70009, 'sig check failed'));
    const results = await markContact(client, 'user0', Array.from({ length: 250 }, (_, index) => markItem(index)));
    expect(server.requests).toHaveLength(1);
    expect(results).toHaveLength(250);
    expect(results.every((result) => result.resultCode === 70009)).toBe(true);
    expect(results.slice(0, 100).every((result) => result.sent)).toBe(true);
    expect(results.slice(100).every((result) => !result.sent)).toBe(true);
  });

  it('reports a result count that does not match as an invalid response for that batch', async () => {
    const { client } = await setup(() => ok({ ResultItem: [] }));
    const results = await markContact(client, 'user0', [markItem(0)]);
    expect(results[0]).toMatchObject({ resultCode: -2, sent: true });
  });

  it('sends nothing for no items', async () => {
    const { server, client } = await setup(() => ok());
    expect(await markContact(client, 'user0', [])).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});

describe('searchContactGroup', () => {
  it('asks in batches of ≤300 and returns one BigInt-decoded result per requested conversation, in order', async () => {
    const { server, client } = await setup((request) => {
      const contacts = bodyOf(request).ContactItem as { Type: number; To_Account: string }[];
      return ok({
        // Answer in reverse order, and say nothing about every third conversation.
        ContactResultItem: contacts
          .filter((_, index) => index % 3 !== 2)
          .reverse()
          .map((contact) => ({
            ...contact,
            StandardMark: contact.To_Account === 'user0' ? `1${'0'.repeat(59)}1001` : '0101',
            CustomMark: `cm-${contact.To_Account}`,
            ContactGroupId: [1],
            Timestamp: 1_700_000_000,
          })),
        GroupItem: [{ GroupName: 'vip', GroupId: 1 }],
      });
    });
    const contacts = Array.from({ length: 650 }, (_, index) => c2c(`user${index}`));
    const { items, groups } = await searchContactGroup(client, 'owner', contacts);

    expect(server.requests.map((request) => (bodyOf(request).ContactItem as unknown[]).length).sort()).toEqual([300, 300, 50].sort());
    expect(items.map((item) => item.contact)).toEqual(contacts);
    expect(items[0]!.mask).toBe((1n << 63n) | 0b1001n);
    expect(items[0]).toMatchObject({ conversation: { type: 'c2c', id: 'user0' }, customMark: 'cm-user0', groupIds: [1], timestamp: 1_700_000_000 });
    expect(items[1]!.mask).toBe(0b0101n);
    expect(items[2]).toMatchObject({ mask: 0n, customMark: '', groupIds: [], timestamp: undefined });
    expect(groups).toEqual([{ GroupName: 'vip', GroupId: 1 }]);
  });

  it('treats a StandardMark that is not binary digits as an invalid response', async () => {
    const { client } = await setup(() => ok({ ContactResultItem: [{ Type: 1, To_Account: 'a', StandardMark: '12' }] }));
    await expect(searchContactGroup(client, 'owner', [c2c('a')])).rejects.toBeInstanceOf(ChatInvalidResponseError);
  });
});

describe('getAllContactGroups', () => {
  it('walks every page with StartIndex = the previous NextStartIndex', async () => {
    const all = Array.from({ length: 7 }, (_, index) =>
      index === 3
        ? { Type: 2, ToGroupId: '@TGS#1N3RSUYG2', StandardMark: '111001', CustomMark: 'abcd', Timestamp: 1672998266 }
        : { Type: 1, To_Account: `peer${index}`, StandardMark: '1', ContactGroupId: [index % 2 + 1], Timestamp: 1670843110 + index },
    );
    const pageSize = 3;
    const { server, client } = await setup((request) => {
      const start = bodyOf(request).StartIndex as number;
      const end = start + pageSize;
      return ok({
        ContactItem: all.slice(start, end),
        GroupItem: [
          { GroupName: 'test1x', GroupId: 1 },
          { GroupName: 'test10', GroupId: 2 },
        ],
        CompleteFlag: end >= all.length ? 1 : 0,
        NextStartIndex: end >= all.length ? 0 : end,
      });
    });
    const { items, groups } = await getAllContactGroups(client, 'user0');
    expect(server.requests.map((request) => bodyOf(request).StartIndex)).toEqual([0, 3, 6]);
    expect(items).toHaveLength(7);
    expect(items[3]).toMatchObject({ conversation: { type: 'group', id: '@TGS#1N3RSUYG2' }, mask: 0b111001n, customMark: 'abcd' });
    expect(groups).toEqual([
      { GroupName: 'test1x', GroupId: 1 },
      { GroupName: 'test10', GroupId: 2 },
    ]);
  });

  it('stops with an error when the next index does not advance', async () => {
    const { client } = await setup(() => ok({ ContactItem: [], CompleteFlag: 0, NextStartIndex: 0 }));
    await expect(getAllContactGroups(client, 'user0')).rejects.toBeInstanceOf(ChatInvalidResponseError);
  });
});

describe('getFullRecentList', () => {
  it('echoes all four cursors of each page and reads GroupId items as groups', async () => {
    const pages = [
      {
        SessionItem: [
          { Type: 1, To_Account: 'id2', MsgTime: 1630997627, TopFlag: 1 },
          { Type: 2, GroupId: 'id3', MsgTime: 1630997628, TopFlag: 0 },
        ],
        CompleteFlag: 0,
        TimeStamp: 1631012800,
        StartIndex: 2,
        TopTimeStamp: 1631012801,
        TopStartIndex: 1,
      },
      {
        SessionItem: [{ Type: 1, To_Account: 'id4', MsgTime: 1630990000, TopFlag: 0 }],
        CompleteFlag: 1,
        TimeStamp: 1631012900,
        StartIndex: 0,
        TopTimeStamp: 1631012901,
        TopStartIndex: 0,
      },
    ];
    const { server, client } = await setup((_request, index) => ok(pages[index]!));
    const sessions = await getFullRecentList(client, 'id1');
    expect(server.requests.map(bodyOf)).toEqual([
      { From_Account: 'id1', TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, AssistFlags: 15 },
      { From_Account: 'id1', TimeStamp: 1631012800, StartIndex: 2, TopTimeStamp: 1631012801, TopStartIndex: 1, AssistFlags: 15 },
    ]);
    expect(sessions).toEqual([
      { conversation: { type: 'c2c', id: 'id2' }, contact: c2c('id2'), msgTime: 1630997627, pinned: true },
      { conversation: { type: 'group', id: 'id3' }, contact: { Type: 2, ToGroupId: 'id3' }, msgTime: 1630997628, pinned: false },
      { conversation: { type: 'c2c', id: 'id4' }, contact: c2c('id4'), msgTime: 1630990000, pinned: false },
    ]);
  });

  it('stops with an error when the cursors do not move', async () => {
    const { client } = await setup(() => ok({ SessionItem: [], CompleteFlag: 0, TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0 }));
    await expect(getFullRecentList(client, 'id1')).rejects.toBeInstanceOf(ChatInvalidResponseError);
  });
});

describe('accounts, profiles and groups', () => {
  it('checks accounts in batches of ≤100, in request order', async () => {
    const { server, client } = await setup((request) => {
      const items = bodyOf(request).CheckItem as { UserID: string }[];
      return ok({
        ResultItem: [...items].reverse().map(({ UserID }) => ({
          UserID,
          ResultCode: 0,
          ResultInfo: '',
          AccountStatus: UserID.endsWith('7') ? 'NotImported' : 'Imported',
        })),
      });
    });
    const ids = Array.from({ length: 150 }, (_, index) => `u${index}`);
    const results = await accountCheck(client, ids);
    expect(server.requests.map((request) => (bodyOf(request).CheckItem as unknown[]).length).sort()).toEqual([100, 50].sort());
    expect(results.map((result) => result.userId)).toEqual(ids);
    expect(results[7]!.imported).toBe(false);
    expect(results[8]!.imported).toBe(true);
  });

  it('reads nicknames in batches of ≤100, skipping unknown users and empty names', async () => {
    const { server, client } = await setup((request) => {
      const ids = bodyOf(request).To_Account as string[];
      expect(bodyOf(request).TagList).toEqual(['Tag_Profile_IM_Nick']);
      return ok({
        UserProfileItem: ids.map((id) =>
          id === 'u5'
            ? { To_Account: id, ProfileItem: [], ResultCode: 40003, ResultInfo: 'not found' }
            : { To_Account: id, ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: id === 'u6' ? '' : `닉네임 ${id}` }], ResultCode: 0 },
        ),
      });
    });
    const ids = [...Array.from({ length: 120 }, (_, index) => `u${index}`), 'u1', 'u2'];
    const nicknames = await portraitNicknames(client, ids);
    expect(server.requests.map((request) => (bodyOf(request).To_Account as unknown[]).length).sort()).toEqual([100, 20].sort());
    expect(nicknames.get('u1')).toBe('닉네임 u1');
    expect(nicknames.has('u5')).toBe(false);
    expect(nicknames.has('u6')).toBe(false);
    expect(nicknames.size).toBe(118);
  });

  it('reads group infos in batches of ≤50 with per-group error codes', async () => {
    const { server, client } = await setup((request) => {
      const ids = bodyOf(request).GroupIdList as string[];
      return ok({
        GroupInfo: ids.map((id) =>
          id === 'g3' ? { GroupId: id, ErrorCode: 10010, ErrorInfo: 'dismissed' } : { GroupId: id, ErrorCode: 0, Name: `Group ${id}`, Type: 'Public' },
        ),
      });
    });
    const ids = Array.from({ length: 60 }, (_, index) => `g${index}`);
    const infos = await groupInfos(client, ids);
    expect(server.requests.map((request) => (bodyOf(request).GroupIdList as unknown[]).length).sort()).toEqual([50, 10].sort());
    expect(infos.size).toBe(60);
    expect(infos.get('g3')).toEqual({ groupId: 'g3', errorCode: 10010, name: undefined, type: undefined });
    expect(infos.get('g4')).toEqual({ groupId: 'g4', errorCode: 0, name: 'Group g4', type: 'Public' });
  });
});
