// v4/recentcontact/mark_contact and how its writes read back through get/search_contact_group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import { chatCaller, expectOk, importAccounts, manualClock, startTestEmulator, type ChatCaller } from './test-support';

const clock = manualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
const nowSeconds = () => Math.floor(clock.nowMs() / 1000);

let emulator: RunningEmulator;
let call: ChatCaller;
let liveGroup: string;
let dismissedGroup: string;

const peer = (id: string) => ({ Type: 1, To_Account: id });

beforeAll(async () => {
  emulator = await startTestEmulator({ clock });
  // Signed once, valid for a day of manual-clock time.
  call = chatCaller(emulator, { signedAt: nowSeconds() });
  await importAccounts(call, ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']);
  liveGroup = expectOk(await call('group_open_http_svc/create_group', { Type: 'Work', Name: 'Live', Owner_Account: 'alice' }))
    .GroupId as string;
  dismissedGroup = expectOk(await call('group_open_http_svc/create_group', { Type: 'Work', Name: 'Gone', Owner_Account: 'alice' }))
    .GroupId as string;
  expectOk(await call('group_open_http_svc/destroy_group', { GroupId: dismissedGroup }));
});

afterAll(() => emulator.close());

async function mark(owner: string, items: unknown[]) {
  return call('recentcontact/mark_contact', { From_Account: owner, MarkItem: items });
}

async function search(owner: string, items: unknown[]) {
  const response = expectOk(await call('recentcontact/search_contact_group', { From_Account: owner, ContactItem: items }));
  return response.ContactResultItem as Record<string, unknown>[];
}

async function resultCodes(owner: string, items: unknown[]): Promise<number[]> {
  const response = expectOk(await mark(owner, items));
  return (response.ResultItem as { ResultCode: number }[]).map((item) => item.ResultCode);
}

describe('per-item validation (50002) leaves the other items of the call alone', () => {
  it.each([
    ['a bit above 63', { OptType: 1, ContactItem: peer('bob'), SetMark: [64] }],
    ['a negative bit', { OptType: 1, ContactItem: peer('bob'), ClearMark: [-1] }],
    ['a fractional bit', { OptType: 1, ContactItem: peer('bob'), SetMark: [1.5] }],
    ['a bit written as a string', { OptType: 1, ContactItem: peer('bob'), SetMark: ['1'] }],
    ['SetMark that is not an array', { OptType: 1, ContactItem: peer('bob'), SetMark: 1 }],
    ['the same bit set and cleared', { OptType: 3, ContactItem: peer('bob'), SetMark: [0, 5], ClearMark: [5] }],
    ['a custom mark of 257 bytes', { OptType: 2, ContactItem: peer('bob'), CustomMark: `${'가'.repeat(85)}ab` }],
    ['a custom mark that is not a string', { OptType: 3, ContactItem: peer('bob'), CustomMark: 12 }],
    ['OptType 4', { OptType: 4, ContactItem: peer('bob'), SetMark: [0] }],
    ['OptType as a string', { OptType: '1', ContactItem: peer('bob'), SetMark: [0] }],
    ['Type as a string', { OptType: 1, ContactItem: { Type: '1', To_Account: 'bob' }, SetMark: [0] }],
    ['Type 1 without To_Account', { OptType: 1, ContactItem: { Type: 1, ToGroupId: 'bob' }, SetMark: [0] }],
    ['Type 2 with To_Account instead of ToGroupId', { OptType: 1, ContactItem: { Type: 2, To_Account: '@TGS#1ANYGROUP' }, SetMark: [0] }],
    ['ToGroupid in the wrong case', { OptType: 1, ContactItem: { Type: 2, ToGroupid: '@TGS#1ANYGROUP' }, SetMark: [0] }],
    ['a ContactItem that is not an object', { OptType: 1, ContactItem: 'bob', SetMark: [0] }],
  ])('%s', async (_name, badItem) => {
    const response = expectOk(await mark('alice', [badItem, { OptType: 1, ContactItem: peer('carol'), SetMark: [2] }]));
    const [bad, good] = response.ResultItem as { ResultCode: number; ResultInfo: string }[];
    expect(bad?.ResultCode).toBe(50002);
    expect(bad?.ResultInfo).not.toBe('');
    expect(good?.ResultCode).toBe(0);
    expect(await search('alice', [peer('bob')])).toEqual([peer('bob')]);
  });
});

describe('custom marks are limited to 256 UTF-8 bytes', () => {
  it.each([
    ['256 ASCII characters', 'a'.repeat(256)],
    ['85 Korean characters (255 bytes)', '가'.repeat(85)],
    ['85 Chinese characters and one ASCII character (256 bytes)', `${'中'.repeat(85)}!`],
    ['64 emoji (4 bytes each)', '😀'.repeat(64)],
  ])('accepts %s', async (_name, customMark) => {
    expect(await resultCodes('dave', [{ OptType: 2, ContactItem: peer('erin'), CustomMark: customMark }])).toEqual([0]);
    expect(await search('dave', [peer('erin')])).toEqual([expect.objectContaining({ CustomMark: customMark })]);
  });

  it.each([
    ['257 ASCII characters', 'a'.repeat(257)],
    ['86 Korean characters (258 bytes)', '가'.repeat(86)],
    ['65 emoji (260 bytes)', '😀'.repeat(65)],
  ])('refuses %s', async (_name, customMark) => {
    expect(await resultCodes('dave', [{ OptType: 2, ContactItem: peer('frank'), CustomMark: customMark }])).toEqual([50002]);
  });
});

describe('writes are deltas of bit indexes', () => {
  it('sets and clears only the named bits, and a repeat changes nothing', async () => {
    const item = peer('carol');
    expect(await resultCodes('bob', [{ OptType: 1, ContactItem: item, SetMark: [0, 3, 32] }])).toEqual([0]);
    expect(await resultCodes('bob', [{ OptType: 1, ContactItem: item, SetMark: [1], ClearMark: [3] }])).toEqual([0]);
    expect(await resultCodes('bob', [{ OptType: 1, ContactItem: item, SetMark: [1], ClearMark: [3] }])).toEqual([0]);
    const [entry] = await search('bob', [item]);
    expect(entry?.StandardMark).toBe(`1${'0'.repeat(30)}11`);
  });

  it('round-trips bit 63 without losing precision', async () => {
    expect(await resultCodes('bob', [{ OptType: 1, ContactItem: peer('dave'), SetMark: [63, 0] }])).toEqual([0]);
    const [entry] = await search('bob', [peer('dave')]);
    expect(entry?.StandardMark).toBe(`1${'0'.repeat(62)}1`);
    expect(BigInt(`0b${entry?.StandardMark as string}`)).toBe((1n << 63n) | 1n);
  });

  it('ignores the fields its OptType does not cover', async () => {
    const item = peer('erin');
    expect(await resultCodes('carol', [{ OptType: 3, ContactItem: item, SetMark: [2], CustomMark: 'keep me' }])).toEqual([0]);
    // OptType 1 ignores even an invalid CustomMark; OptType 2 ignores even an invalid SetMark.
    expect(await resultCodes('carol', [{ OptType: 1, ContactItem: item, SetMark: [1], CustomMark: 42 }])).toEqual([0]);
    expect(await resultCodes('carol', [{ OptType: 2, ContactItem: item, SetMark: [99], CustomMark: 'changed' }])).toEqual([0]);
    expect(await search('carol', [item])).toEqual([
      { Type: 1, To_Account: 'erin', StandardMark: '110', CustomMark: 'changed', Timestamp: nowSeconds() },
    ]);
  });

  it('clears the custom mark with an empty string, and with OptType 2 and no CustomMark', async () => {
    const item = peer('frank');
    await resultCodes('carol', [{ OptType: 3, ContactItem: item, SetMark: [0], CustomMark: 'note' }]);
    await resultCodes('carol', [{ OptType: 2, ContactItem: item, CustomMark: '' }]);
    expect(await search('carol', [item])).toEqual([{ Type: 1, To_Account: 'frank', StandardMark: '1', Timestamp: nowSeconds() }]);
    await resultCodes('carol', [{ OptType: 2, ContactItem: item, CustomMark: 'again' }]);
    await resultCodes('carol', [{ OptType: 2, ContactItem: item }]);
    expect((await search('carol', [item]))[0]).not.toHaveProperty('CustomMark');
  });

  it('forgets a conversation whose marks and groups are all empty: not listed, searched as Type and ID only', async () => {
    const item = peer('alice');
    await resultCodes('erin', [{ OptType: 3, ContactItem: item, SetMark: [3], CustomMark: 'x' }]);
    await resultCodes('erin', [{ OptType: 3, ContactItem: item, ClearMark: [3], CustomMark: '' }]);
    const listed = expectOk(await call('recentcontact/get_contact_group', { From_Account: 'erin', StartIndex: 0 }));
    expect(listed.ContactItem).toEqual([]);
    expect(await search('erin', [item])).toEqual([{ Type: 1, To_Account: 'alice' }]);
  });

  it('updates Timestamp (Unix seconds) on every change', async () => {
    const item = peer('bob');
    await resultCodes('frank', [{ OptType: 1, ContactItem: item, SetMark: [0] }]);
    const first = (await search('frank', [item]))[0]?.Timestamp;
    expect(first).toBe(nowSeconds());
    clock.advance(90_000);
    await resultCodes('frank', [{ OptType: 2, ContactItem: item, CustomMark: 'later' }]);
    expect((await search('frank', [item]))[0]?.Timestamp).toBe((first as number) + 90);
  });
});

describe('whole-request failures', () => {
  it.each([
    ['no MarkItem at all', undefined],
    ['an empty MarkItem', []],
    ['101 items', Array.from({ length: 101 }, (_, index) => ({ OptType: 1, ContactItem: peer(`p${index}`), SetMark: [0] }))],
  ])('51006 for %s', async (_name, items) => {
    const response = await call('recentcontact/mark_contact', { From_Account: 'alice', ...(items ? { MarkItem: items } : {}) });
    expect(response).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 51006 });
    expect(response).not.toHaveProperty('ResultItem');
  });

  it('accepts exactly 100 items', async () => {
    const items = Array.from({ length: 100 }, (_, index) => ({ OptType: 1, ContactItem: peer(`hundred${index}`), SetMark: [0] }));
    expect(await resultCodes('dave', items)).toEqual(Array(100).fill(0));
  });

  it('50001 for a From_Account that was never imported', async () => {
    expect(await mark('nobody', [{ OptType: 1, ContactItem: peer('bob'), SetMark: [0] }])).toMatchObject({ ErrorCode: 50001 });
  });

  it('50002 for a missing or non-string From_Account', async () => {
    const items = [{ OptType: 1, ContactItem: peer('bob'), SetMark: [0] }];
    expect(await call('recentcontact/mark_contact', { MarkItem: items })).toMatchObject({ ErrorCode: 50002 });
    expect(await call('recentcontact/mark_contact', { From_Account: 7, MarkItem: items })).toMatchObject({ ErrorCode: 50002 });
  });
});

describe('group conversations', () => {
  it('marks a live group with ToGroupId', async () => {
    expect(await resultCodes('alice', [{ OptType: 1, ContactItem: { Type: 2, ToGroupId: liveGroup }, SetMark: [0] }])).toEqual([0]);
  });

  it('51007 per item for a dismissed group and for a group that never existed', async () => {
    const codes = await resultCodes('alice', [
      { OptType: 1, ContactItem: { Type: 2, ToGroupId: dismissedGroup }, SetMark: [0] },
      { OptType: 2, ContactItem: { Type: 2, ToGroupId: '@TGS#1NOSUCHGRP' }, CustomMark: 'x' },
      { OptType: 1, ContactItem: peer('bob'), SetMark: [1] },
    ]);
    expect(codes).toEqual([51007, 51007, 0]);
  });
});

describe('the basic edition', () => {
  let basic: RunningEmulator;
  let callBasic: ChatCaller;

  beforeAll(async () => {
    basic = await startTestEmulator({ edition: 'basic' });
    callBasic = chatCaller(basic);
    await importAccounts(callBasic, ['ann', 'ben']);
  });

  afterAll(() => basic.close());

  it.each([1, 3])('refuses OptType %i (standard marks) with 51013 for the whole request', async (optType) => {
    const response = await callBasic('recentcontact/mark_contact', {
      From_Account: 'ann',
      MarkItem: [
        { OptType: 2, ContactItem: peer('ben'), CustomMark: 'fine' },
        { OptType: optType, ContactItem: peer('ben'), SetMark: [0], CustomMark: 'x' },
      ],
    });
    expect(response).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 51013 });
  });

  it('still writes custom marks (OptType 2) and reads everything back', async () => {
    const response = expectOk(
      await callBasic('recentcontact/mark_contact', { From_Account: 'ann', MarkItem: [{ OptType: 2, ContactItem: peer('ben'), CustomMark: '메모' }] }),
    );
    expect(response.ResultItem).toEqual([{ OptType: 2, ContactItem: peer('ben'), ResultCode: 0, ResultInfo: '' }]);
    const listed = expectOk(await callBasic('recentcontact/get_contact_group', { From_Account: 'ann', StartIndex: 0 }));
    expect(listed.ContactItem).toEqual([{ Type: 1, To_Account: 'ben', CustomMark: '메모', Timestamp: expect.any(Number) }]);
  });

  it('refuses conversation groups with 51013', async () => {
    const created = await callBasic('recentcontact/create_contact_group', {
      From_Account: 'ann',
      GroupContactItem: [{ GroupName: 'VIP', ContactItem: [peer('ben')] }],
    });
    expect(created.ErrorCode).toBe(51013);
    const updated = await callBasic('recentcontact/update_contact_group', {
      From_Account: 'ann',
      UpdateType: 1,
      UpdateGroup: { UpdateGroupType: 1, OldGroupName: 'VIP', NewGroupName: 'VVIP' },
    });
    expect(updated.ErrorCode).toBe(51013);
    expect((await callBasic('recentcontact/del_contact_group', { From_Account: 'ann', GroupName: ['VIP'] })).ErrorCode).toBe(51013);
  });
});
