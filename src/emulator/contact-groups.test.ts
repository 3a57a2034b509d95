// Conversation groups: create_contact_group, update_contact_group, del_contact_group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import { chatCaller, expectOk, importAccounts, manualClock, startTestEmulator, type ChatCaller } from './test-support';

const clock = manualClock(Date.UTC(2026, 3, 1, 8, 0, 0));
const nowSeconds = () => Math.floor(clock.nowMs() / 1000);

let emulator: RunningEmulator;
let call: ChatCaller;

const peer = (id: string) => ({ Type: 1, To_Account: id });

beforeAll(async () => {
  emulator = await startTestEmulator({ clock });
  call = chatCaller(emulator, { signedAt: nowSeconds() });
  await importAccounts(call, ['owner', 'many', 'names', 'dropper', 'p1', 'p2', 'p3']);
});

afterAll(() => emulator.close());

function create(owner: string, name: string, contacts: unknown[] = [peer('p1')]) {
  return call('recentcontact/create_contact_group', { From_Account: owner, GroupContactItem: [{ GroupName: name, ContactItem: contacts }] });
}

function rename(owner: string, oldName: string, newName: string) {
  return call('recentcontact/update_contact_group', {
    From_Account: owner,
    UpdateType: 1,
    UpdateGroup: { UpdateGroupType: 1, OldGroupName: oldName, NewGroupName: newName },
  });
}

function changeContacts(owner: string, name: string, changes: { ContactOptType: number; ContactItem: unknown }[]) {
  return call('recentcontact/update_contact_group', {
    From_Account: owner,
    UpdateType: 1,
    UpdateGroup: { UpdateGroupType: 2, OldGroupName: name, ContactUpdateItem: changes },
  });
}

async function listed(owner: string) {
  const response = expectOk(await call('recentcontact/get_contact_group', { From_Account: owner, StartIndex: 0 }));
  return { contacts: response.ContactItem as Record<string, unknown>[], groups: response.GroupItem };
}

describe('creating', () => {
  it('numbers groups per user from 1 and never reuses a number', async () => {
    const first = expectOk(await create('owner', 'Alpha'));
    expect(first.GroupResultItem).toEqual([
      { GroupItem: { GroupName: 'Alpha', GroupId: 1 }, ResultItem: [{ ContactItem: peer('p1'), ResultCode: 0, ResultInfo: '' }] },
    ]);
    expectOk(await create('owner', 'Beta'));
    expectOk(await call('recentcontact/del_contact_group', { From_Account: 'owner', GroupName: ['Beta'] }));
    const third = expectOk(await create('owner', 'Gamma'));
    expect((third.GroupResultItem as { GroupItem: { GroupId: number } }[])[0]?.GroupItem.GroupId).toBe(3);
  });

  it('lists the group in GroupItem and in the conversation ContactGroupId', async () => {
    const { contacts, groups } = await listed('owner');
    expect(groups).toEqual([
      { GroupName: 'Alpha', GroupId: 1 },
      { GroupName: 'Gamma', GroupId: 3 },
    ]);
    expect(contacts).toEqual([{ Type: 1, To_Account: 'p1', ContactGroupId: [1, 3], Timestamp: nowSeconds() }]);
  });

  it('accepts a 32-byte name and refuses 33 bytes with 51011', async () => {
    expectOk(await create('names', '가'.repeat(10) + 'ab'));
    expect((await create('names', '가'.repeat(11))).ErrorCode).toBe(51011);
    expect((await rename('names', '가'.repeat(10) + 'ab', 'x'.repeat(33))).ErrorCode).toBe(51011);
  });

  it('renames to exactly 32 bytes, and says what 51011, 51010 and 51009 mean in ErrorInfo', async () => {
    expectOk(await rename('names', '가'.repeat(10) + 'ab', 'x'.repeat(32)));
    expect(await rename('names', 'x'.repeat(32), 'y'.repeat(33))).toMatchObject({ ErrorCode: 51011, ErrorInfo: expect.stringContaining('32 bytes') });
    expect(await rename('names', 'missing', 'z')).toMatchObject({ ErrorCode: 51009, ErrorInfo: expect.stringContaining('does not exist') });
  });

  it('refuses a 21st group with 51010 (the 20th is accepted)', async () => {
    for (let index = 1; index <= 20; index++) expectOk(await create('many', `group ${index}`));
    expect(await create('many', 'group 21')).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 51010 });
  });

  it('refuses a duplicate name, more than one group per call, and an empty name with 50002', async () => {
    expect((await create('owner', 'Alpha')).ErrorCode).toBe(50002);
    expect((await create('owner', '')).ErrorCode).toBe(50002);
    const two = await call('recentcontact/create_contact_group', {
      From_Account: 'owner',
      GroupContactItem: [
        { GroupName: 'One', ContactItem: [peer('p1')] },
        { GroupName: 'Two', ContactItem: [peer('p1')] },
      ],
    });
    expect(two.ErrorCode).toBe(50002);
  });

  it('reports per conversation: 50002 for a bad ContactItem, 51007 for an unknown group', async () => {
    const response = expectOk(
      await create('owner', 'Mixed', [peer('p2'), { Type: 3, To_Account: 'p3' }, { Type: 2, ToGroupId: '@TGS#1NOSUCHGRP' }]),
    );
    const [result] = response.GroupResultItem as { ResultItem: { ResultCode: number }[] }[];
    expect(result?.ResultItem.map((item) => item.ResultCode)).toEqual([0, 50002, 51007]);
  });

  it('50001 for an account that was never imported', async () => {
    expect((await create('stranger', 'X')).ErrorCode).toBe(50001);
  });
});

describe('updating', () => {
  it('renames, and refuses a name another group has', async () => {
    expectOk(await rename('owner', 'Gamma', 'Delta'));
    expect((await rename('owner', 'Delta', 'Alpha')).ErrorCode).toBe(50002);
    expect((await listed('owner')).groups).toContainEqual({ GroupName: 'Delta', GroupId: 3 });
  });

  it('51009 for an OldGroupName that does not exist', async () => {
    expect((await rename('owner', 'Nope', 'Other')).ErrorCode).toBe(51009);
    expect((await changeContacts('owner', 'Nope', [{ ContactOptType: 1, ContactItem: peer('p1') }])).ErrorCode).toBe(51009);
  });

  it('adds and removes conversations and refreshes their Timestamp', async () => {
    clock.advance(60_000);
    const response = expectOk(
      await changeContacts('owner', 'Delta', [
        { ContactOptType: 1, ContactItem: peer('p3') },
        { ContactOptType: 2, ContactItem: peer('p1') },
        { ContactOptType: 9, ContactItem: peer('p2') },
      ]),
    );
    const result = response.UpdateGroupResult as { ContactResultItem: { ResultCode: number }[] };
    expect(result.ContactResultItem.map((item) => item.ResultCode)).toEqual([0, 0, 50002]);
    const { contacts } = await listed('owner');
    expect(contacts).toContainEqual({ Type: 1, To_Account: 'p1', ContactGroupId: [1], Timestamp: nowSeconds() });
    expect(contacts).toContainEqual({ Type: 1, To_Account: 'p3', ContactGroupId: [3], Timestamp: nowSeconds() });
  });

  it('50002 for an UpdateType or UpdateGroupType it does not know', async () => {
    const badType = await call('recentcontact/update_contact_group', {
      From_Account: 'owner',
      UpdateType: 2,
      UpdateGroup: { UpdateGroupType: 1, OldGroupName: 'Delta', NewGroupName: 'Epsilon' },
    });
    expect(badType.ErrorCode).toBe(50002);
    const badGroupType = await call('recentcontact/update_contact_group', {
      From_Account: 'owner',
      UpdateType: 1,
      UpdateGroup: { UpdateGroupType: 3, OldGroupName: 'Delta' },
    });
    expect(badGroupType.ErrorCode).toBe(50002);
  });
});

describe('deleting', () => {
  it('answers the deleted group and forgets conversations that were only grouped', async () => {
    expectOk(await create('dropper', 'Temp', [peer('p1'), peer('p2')]));
    expectOk(
      await call('recentcontact/mark_contact', {
        From_Account: 'dropper',
        MarkItem: [{ OptType: 1, ContactItem: peer('p2'), SetMark: [0] }],
      }),
    );
    const response = expectOk(await call('recentcontact/del_contact_group', { From_Account: 'dropper', GroupName: ['Temp'] }));
    expect(response.GroupItem).toEqual([{ GroupName: 'Temp', GroupId: 1 }]);
    const { contacts, groups } = await listed('dropper');
    expect(groups).toEqual([]);
    expect(contacts).toEqual([{ Type: 1, To_Account: 'p2', StandardMark: '1', Timestamp: nowSeconds() }]);
  });

  it('51009 for a name that does not exist; 50002 for more than one name', async () => {
    expect(await call('recentcontact/del_contact_group', { From_Account: 'dropper', GroupName: ['Temp'] })).toMatchObject({
      ActionStatus: 'FAIL',
      ErrorCode: 51009,
    });
    expect((await call('recentcontact/del_contact_group', { From_Account: 'owner', GroupName: ['Alpha', 'Delta'] })).ErrorCode).toBe(
      50002,
    );
  });
});
