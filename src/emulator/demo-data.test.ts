// The demo data is deterministic and has the facts that tests and docs rely on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8ByteLength } from '../shared/marks/utf8';
import {
  DEMO_CJK_CUSTOM_MARKS,
  DEMO_DISMISSED_GROUP,
  DEMO_DISMISSED_GROUP_MARKS,
  DEMO_GROUPS,
  DEMO_HEAVY_USER,
  DEMO_HEAVY_USER_MARKED_COUNT,
  DEMO_HEAVY_USER_RECENT_COUNT,
  DEMO_MARKED_NOT_RECENT,
  DEMO_SHOWCASE_MARKS,
  DEMO_USERS,
  demoCustomerId,
  type DemoConversation,
} from './demo/demo-data';
import type { RunningEmulator } from './server';
import { EmulatorStore } from './store';
import { chatCaller, expectOk, startTestEmulator, type ChatCaller } from './test-support';

type Contact = { Type: number; To_Account?: string; ToGroupId?: string; StandardMark?: string; CustomMark?: string };
type Session = { Type: number; To_Account?: string; GroupId?: string; MsgTime: number; TopFlag?: number };

function contactItem(conversation: DemoConversation) {
  return conversation.type === 'c2c' ? { Type: 1, To_Account: conversation.id } : { Type: 2, ToGroupId: conversation.id };
}

function bitsOf(standardMark: string | undefined): number[] {
  if (!standardMark) return [];
  const mask = BigInt(`0b${standardMark}`);
  return Array.from({ length: 64 }, (_, bit) => bit).filter((bit) => (mask >> BigInt(bit)) & 1n);
}

describe('determinism', () => {
  const directory = mkdtempSync(join(tmpdir(), 'markdesk-demo-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('two fresh starts produce identical state', async () => {
    const dumps = [];
    for (const name of ['a.sqlite', 'b.sqlite']) {
      const dbFile = join(directory, name);
      // Different credentials and clocks must not matter.
      await (await startTestEmulator({ dbFile, demoData: true, clock: { nowMs: () => Date.now() + dumps.length * 3_600_000 } })).close();
      const store = new EmulatorStore(dbFile);
      dumps.push(store.dump());
      store.close();
    }
    expect(dumps[0]).toEqual(dumps[1]);
    expect(dumps[0]?.account?.length).toBeGreaterThan(1500);
  });
});

describe('the demo facts', () => {
  let emulator: RunningEmulator;
  let call: ChatCaller;

  beforeAll(async () => {
    emulator = await startTestEmulator({ demoData: true });
    call = chatCaller(emulator);
  });

  afterAll(() => emulator.close());

  async function allMarks(owner: string): Promise<Contact[]> {
    const items: Contact[] = [];
    let startIndex = 0;
    for (;;) {
      const page = expectOk(await call('recentcontact/get_contact_group', { From_Account: owner, StartIndex: startIndex }));
      items.push(...(page.ContactItem as Contact[]));
      if (page.CompleteFlag === 1) return items;
      startIndex = page.NextStartIndex as number;
    }
  }

  async function recentList(owner: string): Promise<Session[]> {
    const request = { From_Account: owner, TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, AssistFlags: 15 };
    const items: Session[] = [];
    for (;;) {
      const page = expectOk(await call('recentcontact/get_list', request));
      items.push(...(page.SessionItem as Session[]));
      if (page.CompleteFlag === 1) return items;
      Object.assign(request, {
        TimeStamp: page.TimeStamp,
        StartIndex: page.StartIndex,
        TopTimeStamp: page.TopTimeStamp,
        TopStartIndex: page.TopStartIndex,
      });
    }
  }

  async function searchOne(owner: string, conversation: DemoConversation): Promise<Contact> {
    const response = expectOk(await call('recentcontact/search_contact_group', { From_Account: owner, ContactItem: [contactItem(conversation)] }));
    return (response.ContactResultItem as Contact[])[0] as Contact;
  }

  it('has about 50 people with English, Korean and Chinese nicknames, all imported', async () => {
    expect(DEMO_USERS.length).toBeGreaterThanOrEqual(45);
    expect(new Set(DEMO_USERS.map((user) => user.id)).size).toBe(DEMO_USERS.length);
    for (const id of ['minji.kim', 'wei.zhang', 'olivia.brown']) expect(DEMO_USERS.map((user) => user.id)).toContain(id);
    const ids = [...DEMO_USERS.map((user) => user.id), DEMO_HEAVY_USER];
    for (let start = 0; start < ids.length; start += 100) {
      const response = expectOk(
        await call('profile/portrait_get', { To_Account: ids.slice(start, start + 100), TagList: ['Tag_Profile_IM_Nick'] }),
      );
      for (const item of response.UserProfileItem as { ResultCode: number; ProfileItem: { Value: string }[] }[]) {
        expect(item.ResultCode).toBe(0);
        expect(item.ProfileItem[0]?.Value).not.toBe('');
      }
    }
    const nicks = DEMO_USERS.map((user) => user.nick).join('');
    expect(nicks).toMatch(/[A-Za-z]/);
    expect(nicks).toMatch(/[\uac00-\ud7a3]/);
    expect(nicks).toMatch(/[\u4e00-\u9fff]/);
  });

  it(`gives ${DEMO_HEAVY_USER} ${DEMO_HEAVY_USER_MARKED_COUNT} marked conversations and ${DEMO_HEAVY_USER_RECENT_COUNT} recent ones, pinned first`, async () => {
    const marks = await allMarks(DEMO_HEAVY_USER);
    expect(marks).toHaveLength(DEMO_HEAVY_USER_MARKED_COUNT);
    const sessions = await recentList(DEMO_HEAVY_USER);
    expect(sessions).toHaveLength(DEMO_HEAVY_USER_RECENT_COUNT);
    const keys = sessions.map((session) => `${session.Type}:${session.To_Account ?? session.GroupId}`);
    expect(new Set(keys).size).toBe(DEMO_HEAVY_USER_RECENT_COUNT);
    const pinnedCount = sessions.filter((session) => session.TopFlag === 1).length;
    expect(pinnedCount).toBeGreaterThan(0);
    expect(sessions.slice(0, pinnedCount).every((session) => session.TopFlag === 1)).toBe(true);
    const regularTimes = sessions.slice(pinnedCount).map((session) => session.MsgTime);
    expect([...regularTimes].sort((a, b) => b - a)).toEqual(regularTimes);
    expect(keys).toContain(`1:${demoCustomerId(1490)}`);
  });

  it('keeps a dismissed group that still has marks, and answers 10010 and 51007 for it', async () => {
    const info = expectOk(await call('group_open_http_svc/get_group_info', { GroupIdList: [DEMO_DISMISSED_GROUP] }));
    expect(info.GroupInfo).toEqual([expect.objectContaining({ GroupId: DEMO_DISMISSED_GROUP, ErrorCode: 10010 })]);
    for (const fact of DEMO_DISMISSED_GROUP_MARKS) {
      const entry = await searchOne(fact.owner, fact.conversation);
      expect(bitsOf(entry.StandardMark)).toEqual(fact.bits);
    }
    const write = expectOk(
      await call('recentcontact/mark_contact', {
        From_Account: 'olivia.brown',
        MarkItem: [{ OptType: 1, ContactItem: { Type: 2, ToGroupId: DEMO_DISMISSED_GROUP }, ClearMark: [0] }],
      }),
    );
    expect((write.ResultItem as { ResultCode: number }[])[0]?.ResultCode).toBe(51007);
    const joined = expectOk(await call('group_open_http_svc/get_joined_group_list', { Member_Account: 'olivia.brown' }));
    expect((joined.GroupIdList as { GroupId: string }[]).map((group) => group.GroupId)).not.toContain(DEMO_DISMISSED_GROUP);
  });

  it('has CJK custom marks at 255 and 256 UTF-8 bytes', async () => {
    const sizes = [];
    for (const fact of DEMO_CJK_CUSTOM_MARKS) {
      const entry = await searchOne(fact.owner, fact.conversation);
      expect(entry.CustomMark).toBe(fact.customMark);
      sizes.push(utf8ByteLength(entry.CustomMark ?? ''));
    }
    expect(sizes).toEqual([255, 256]);
    expect([...(DEMO_CJK_CUSTOM_MARKS[0]?.customMark ?? '')]).toHaveLength(85);
  });

  it('uses every standard bit (0–3) and custom bits 32–40 and 63', async () => {
    const used = new Set<number>();
    for (const owner of [...DEMO_USERS.map((user) => user.id), DEMO_HEAVY_USER]) {
      for (const mark of await allMarks(owner)) for (const bit of bitsOf(mark.StandardMark)) used.add(bit);
    }
    for (const bit of [0, 1, 2, 3, 32, 33, 34, 35, 36, 37, 38, 39, 40, 63]) expect(used).toContain(bit);
    for (const fact of DEMO_SHOWCASE_MARKS) {
      expect(bitsOf((await searchOne(fact.owner, fact.conversation)).StandardMark)).toEqual(fact.bits);
    }
  });

  it('has a marked conversation that is no longer in the recent list', async () => {
    const { owner, conversation } = DEMO_MARKED_NOT_RECENT;
    expect((await allMarks(owner)).map((mark) => mark.To_Account)).toContain(conversation.id);
    expect((await recentList(owner)).map((session) => session.To_Account)).not.toContain(conversation.id);
  });

  it('lists the heavy user in ten live groups, with names', async () => {
    const joined = expectOk(
      await call('group_open_http_svc/get_joined_group_list', {
        Member_Account: DEMO_HEAVY_USER,
        ResponseFilter: { GroupBaseInfoFilter: ['Name'] },
      }),
    );
    expect(joined.TotalCount).toBe(10);
    const names = new Map(DEMO_GROUPS.map((group) => [group.id, group.name]));
    for (const group of joined.GroupIdList as { GroupId: string; Name: string }[]) expect(group.Name).toBe(names.get(group.GroupId));
  });

  it('leaves room for exactly ten more marked conversations before 51008', async () => {
    const items = Array.from({ length: 11 }, (_, index) => ({
      OptType: 1,
      ContactItem: { Type: 1, To_Account: `not-yet-marked-${index}` },
      SetMark: [0],
    }));
    const response = expectOk(await call('recentcontact/mark_contact', { From_Account: DEMO_HEAVY_USER, MarkItem: items }));
    const codes = (response.ResultItem as { ResultCode: number }[]).map((item) => item.ResultCode);
    expect(codes).toEqual([...Array(10).fill(0), 51008]);
  });
});
