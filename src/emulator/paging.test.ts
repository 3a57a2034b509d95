// Paging: 1,000 marked conversations through get_contact_group, the 1,000-conversation cap, and
// the four cursors of get_list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import { chatCaller, expectOk, importAccounts, manualClock, startTestEmulator, type ChatCaller } from './test-support';

const CONTACT_PAGE = 37;
const RECENT_PAGE = 7;
const clock = manualClock(Date.UTC(2026, 4, 1, 0, 0, 0));
const nowSeconds = () => Math.floor(clock.nowMs() / 1000);

let emulator: RunningEmulator;
let call: ChatCaller;

const peer = (id: string) => ({ Type: 1, To_Account: id });

beforeAll(async () => {
  emulator = await startTestEmulator({ clock, pageSize: { contactGroup: CONTACT_PAGE, recentList: RECENT_PAGE } });
  call = chatCaller(emulator, { signedAt: nowSeconds() });
  await importAccounts(call, ['collector', 'talker']);
});

afterAll(() => emulator.close());

async function markMany(owner: string, ids: string[], bits: number[]) {
  const codes: number[] = [];
  for (let start = 0; start < ids.length; start += 100) {
    const items = ids.slice(start, start + 100).map((id) => ({ OptType: 1, ContactItem: peer(id), SetMark: bits }));
    const response = expectOk(await call('recentcontact/mark_contact', { From_Account: owner, MarkItem: items }));
    codes.push(...(response.ResultItem as { ResultCode: number }[]).map((item) => item.ResultCode));
  }
  return codes;
}

describe('get_contact_group over 1,000 marked conversations', () => {
  const ids = Array.from({ length: 1000 }, (_, index) => `peer${String(index).padStart(4, '0')}`);

  it('walks every page with NextStartIndex until CompleteFlag is 1', async () => {
    expect(await markMany('collector', ids, [0, 40])).toEqual(Array(1000).fill(0));
    const seen: string[] = [];
    let startIndex = 0;
    let pages = 0;
    for (;;) {
      const page = expectOk(await call('recentcontact/get_contact_group', { From_Account: 'collector', StartIndex: startIndex }));
      pages++;
      const items = page.ContactItem as { To_Account: string; StandardMark: string }[];
      expect(items.length).toBeLessThanOrEqual(CONTACT_PAGE);
      for (const item of items) {
        expect(item.StandardMark).toBe(`1${'0'.repeat(39)}1`);
        seen.push(item.To_Account);
      }
      if (page.CompleteFlag === 1) {
        expect(page.NextStartIndex).toBe(0);
        break;
      }
      expect(page.CompleteFlag).toBe(0);
      expect(page.NextStartIndex).toBe(startIndex + CONTACT_PAGE);
      startIndex = page.NextStartIndex as number;
    }
    expect(pages).toBe(Math.ceil(1000 / CONTACT_PAGE));
    expect(new Set(seen).size).toBe(1000);
    expect([...seen].sort()).toEqual(ids);
  });

  it('refuses a 1,001st conversation with 51008 per item, while known ones stay writable', async () => {
    const codes = await markMany('collector', ['newcomer', 'peer0000'], [1]);
    expect(codes).toEqual([51008, 0]);
    const created = expectOk(
      await call('recentcontact/create_contact_group', {
        From_Account: 'collector',
        GroupContactItem: [{ GroupName: 'Overflow', ContactItem: [peer('newcomer'), peer('peer0001')] }],
      }),
    );
    const [group] = created.GroupResultItem as { ResultItem: { ResultCode: number }[] }[];
    expect(group?.ResultItem.map((item) => item.ResultCode)).toEqual([51008, 0]);
    // Adding to an existing group counts the same: 51008 for the newcomer, per item.
    const added = expectOk(
      await call('recentcontact/update_contact_group', {
        From_Account: 'collector',
        UpdateType: 1,
        UpdateGroup: {
          UpdateGroupType: 2,
          OldGroupName: 'Overflow',
          ContactUpdateItem: [
            { ContactOptType: 1, ContactItem: peer('newcomer') },
            { ContactOptType: 1, ContactItem: peer('peer0002') },
          ],
        },
      }),
    );
    const result = added.UpdateGroupResult as { ContactResultItem: { ResultCode: number }[] };
    expect(result.ContactResultItem.map((item) => item.ResultCode)).toEqual([51008, 0]);
  });

  it('frees a slot when a conversation is emptied', async () => {
    const cleared = expectOk(
      await call('recentcontact/mark_contact', {
        From_Account: 'collector',
        MarkItem: [{ OptType: 1, ContactItem: peer('peer0999'), ClearMark: [0, 40] }],
      }),
    );
    expect((cleared.ResultItem as { ResultCode: number }[])[0]?.ResultCode).toBe(0);
    expect(await markMany('collector', ['newcomer', 'second-newcomer'], [2])).toEqual([0, 51008]);
  });

  it('answers an empty last page for a StartIndex past the end', async () => {
    const page = expectOk(await call('recentcontact/get_contact_group', { From_Account: 'collector', StartIndex: 5000 }));
    expect(page).toMatchObject({ ContactItem: [], CompleteFlag: 1, NextStartIndex: 0 });
  });

  it('50002 without a StartIndex, or with a negative one', async () => {
    expect((await call('recentcontact/get_contact_group', { From_Account: 'collector' })).ErrorCode).toBe(50002);
    expect((await call('recentcontact/get_contact_group', { From_Account: 'collector', StartIndex: -1 })).ErrorCode).toBe(50002);
  });
});

describe('search_contact_group limits', () => {
  it('takes up to 300 conversations and refuses 301 or none with 50002', async () => {
    const items = Array.from({ length: 300 }, (_, index) => peer(`peer${String(index).padStart(4, '0')}`));
    const response = expectOk(await call('recentcontact/search_contact_group', { From_Account: 'collector', ContactItem: items }));
    expect(response.ContactResultItem).toHaveLength(300);
    const tooMany = await call('recentcontact/search_contact_group', { From_Account: 'collector', ContactItem: [...items, peer('x')] });
    expect(tooMany.ErrorCode).toBe(50002);
    expect((await call('recentcontact/search_contact_group', { From_Account: 'collector', ContactItem: [] })).ErrorCode).toBe(50002);
  });
});

describe('get_list', () => {
  const contacts = Array.from({ length: 20 }, (_, index) => `friend${String(index).padStart(2, '0')}`);

  beforeAll(async () => {
    await importAccounts(call, contacts);
    for (const contact of contacts) {
      clock.advance(1000);
      expectOk(
        await call('openim/sendmsg', {
          From_Account: contact,
          To_Account: 'talker',
          MsgRandom: 7,
          MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `hi from ${contact}` } }],
        }),
      );
    }
  });

  async function walk(assistFlags: number) {
    const request = { From_Account: 'talker', TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, AssistFlags: assistFlags };
    const items: Record<string, unknown>[] = [];
    const snapshots = new Set<unknown>();
    for (let guard = 0; guard < 100; guard++) {
      const page = expectOk(await call('recentcontact/get_list', request));
      items.push(...(page.SessionItem as Record<string, unknown>[]));
      snapshots.add(page.TimeStamp);
      if (page.CompleteFlag === 1) return { items, snapshots };
      Object.assign(request, {
        TimeStamp: page.TimeStamp,
        StartIndex: page.StartIndex,
        TopTimeStamp: page.TopTimeStamp,
        TopStartIndex: page.TopStartIndex,
      });
    }
    throw new Error('get_list never completed');
  }

  it('pages newest first with the cursors echoed back, and keeps the first snapshot time', async () => {
    const { items, snapshots } = await walk(15);
    expect(items.map((item) => item.To_Account)).toEqual([...contacts].reverse());
    expect(items.every((item) => item.TopFlag === 0 && item.Type === 1)).toBe(true);
    const times = items.map((item) => item.MsgTime as number);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(snapshots.size).toBe(1);
  });

  it('leaves TopFlag out when AssistFlags does not ask for pinning', async () => {
    const { items } = await walk(0);
    expect(items).toHaveLength(20);
    expect(items[0]).not.toHaveProperty('TopFlag');
  });

  it('brings a conversation to the top when a new message arrives, on both sides', async () => {
    clock.advance(1000);
    expectOk(
      await call('openim/sendmsg', {
        From_Account: 'talker',
        To_Account: 'friend00',
        MsgRandom: 8,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'back to you' } }],
      }),
    );
    const { items } = await walk(15);
    expect(items[0]).toEqual({ Type: 1, To_Account: 'friend00', MsgTime: nowSeconds(), TopFlag: 0 });
    const theirs = expectOk(
      await call('recentcontact/get_list', {
        From_Account: 'friend00',
        TimeStamp: 0,
        StartIndex: 0,
        TopTimeStamp: 0,
        TopStartIndex: 0,
        AssistFlags: 15,
      }),
    );
    expect(theirs.SessionItem).toEqual([{ Type: 1, To_Account: 'talker', MsgTime: nowSeconds(), TopFlag: 0 }]);
  });

  it('50002 when a cursor is missing', async () => {
    const response = await call('recentcontact/get_list', { From_Account: 'talker', TimeStamp: 0, StartIndex: 0, AssistFlags: 15 });
    expect(response.ErrorCode).toBe(50002);
  });
});
