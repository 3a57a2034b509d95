// Accounts (im_open_login_svc), profiles, groups (group_open_http_svc) and one-to-one messages:
// how conversations and names come into existence, as at Tencent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import { chatCaller, expectOk, importAccounts, startTestEmulator, type ChatCaller } from './test-support';

let emulator: RunningEmulator;
let call: ChatCaller;

const TEXT = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }];

beforeAll(async () => {
  emulator = await startTestEmulator();
  call = chatCaller(emulator);
  await importAccounts(call, ['gina', 'hugo', 'iris', 'jon']);
});

afterAll(() => emulator.close());

async function sessions(owner: string) {
  const response = expectOk(
    await call('recentcontact/get_list', { From_Account: owner, TimeStamp: 0, StartIndex: 0, TopTimeStamp: 0, TopStartIndex: 0, AssistFlags: 15 }),
  );
  return response.SessionItem as Record<string, unknown>[];
}

describe('accounts', () => {
  it('imports with a nickname; a re-import keeps it unless a new one is given', async () => {
    expectOk(await call('im_open_login_svc/account_import', { UserID: 'kim', Nick: '김' }));
    expectOk(await call('im_open_login_svc/account_import', { UserID: 'kim' }));
    const nick = async () =>
      (expectOk(await call('profile/portrait_get', { To_Account: ['kim'], TagList: ['Tag_Profile_IM_Nick'] })).UserProfileItem as {
        ProfileItem: { Value: string }[];
      }[])[0]?.ProfileItem[0]?.Value;
    expect(await nick()).toBe('김');
    expectOk(await call('im_open_login_svc/account_import', { UserID: 'kim', Nick: 'Kim' }));
    expect(await nick()).toBe('Kim');
  });

  it.each([
    ['a missing UserID', {}],
    ['a UserID over 32 bytes', { UserID: '가'.repeat(11) }],
    ['a Nick that is not a string', { UserID: 'ok', Nick: 5 }],
  ])('70402 for %s', async (_name, body) => {
    expect((await call('im_open_login_svc/account_import', body)).ErrorCode).toBe(70402);
  });

  it('multiaccount_import lists the IDs it could not import', async () => {
    const response = expectOk(await call('im_open_login_svc/multiaccount_import', { Accounts: ['lee', 'x'.repeat(33), 'moe'] }));
    expect(response.FailAccounts).toEqual(['x'.repeat(33)]);
    const tooMany = Array.from({ length: 101 }, (_, index) => `bulk${index}`);
    expect((await call('im_open_login_svc/multiaccount_import', { Accounts: tooMany })).ErrorCode).toBe(70402);
  });

  it('account_check answers per item and takes 1 to 100 items', async () => {
    const response = expectOk(await call('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'lee' }, { UserID: 42 }] }));
    expect(response.ResultItem).toEqual([
      { UserID: 'lee', ResultCode: 0, ResultInfo: '', AccountStatus: 'Imported' },
      { UserID: 42, ResultCode: 70402, ResultInfo: expect.any(String) },
    ]);
    expect((await call('im_open_login_svc/account_check', { CheckItem: [] })).ErrorCode).toBe(70402);
    const tooMany = Array.from({ length: 101 }, (_, index) => ({ UserID: `u${index}` }));
    expect((await call('im_open_login_svc/account_check', { CheckItem: tooMany })).ErrorCode).toBe(70402);
  });
});

describe('profiles', () => {
  it('answers 40003 per account that was never imported, and the avatar tag', async () => {
    expectOk(await call('im_open_login_svc/account_import', { UserID: 'pic', Nick: 'Pic', FaceUrl: 'https://example.com/p.png' }));
    const response = expectOk(
      await call('profile/portrait_get', { To_Account: ['pic', 'ghost'], TagList: ['Tag_Profile_IM_Nick', 'Tag_Profile_IM_Image'] }),
    );
    expect(response.UserProfileItem).toEqual([
      {
        To_Account: 'pic',
        ProfileItem: [
          { Tag: 'Tag_Profile_IM_Nick', Value: 'Pic' },
          { Tag: 'Tag_Profile_IM_Image', Value: 'https://example.com/p.png' },
        ],
        ResultCode: 0,
        ResultInfo: '',
      },
      { To_Account: 'ghost', ResultCode: 40003, ResultInfo: expect.any(String) },
    ]);
    expect(response.FailAccount).toEqual(['ghost']);
  });

  it('40001 for more than 100 accounts or no TagList', async () => {
    const many = Array.from({ length: 101 }, (_, index) => `p${index}`);
    expect((await call('profile/portrait_get', { To_Account: many, TagList: ['Tag_Profile_IM_Nick'] })).ErrorCode).toBe(40001);
    expect((await call('profile/portrait_get', { To_Account: ['pic'] })).ErrorCode).toBe(40001);
  });
});

describe('groups', () => {
  let groupId: string;

  it('creates a group with a Tencent-style ID, its owner and members', async () => {
    const created = expectOk(
      await call('group_open_http_svc/create_group', {
        Owner_Account: 'gina',
        Type: 'Public',
        Name: '모임',
        MemberList: [{ Member_Account: 'hugo' }],
      }),
    );
    groupId = created.GroupId as string;
    expect(groupId).toMatch(/^@TGS#2[A-Z0-9]{8}$/);
    const info = expectOk(await call('group_open_http_svc/get_group_info', { GroupIdList: [groupId] }));
    const [group] = info.GroupInfo as Record<string, unknown>[];
    expect(group).toMatchObject({ GroupId: groupId, ErrorCode: 0, Type: 'Public', Name: '모임', Owner_Account: 'gina', MemberNum: 2 });
    expect(group?.MemberList).toEqual([
      expect.objectContaining({ Member_Account: 'gina', Role: 'Owner' }),
      expect.objectContaining({ Member_Account: 'hugo', Role: 'Member' }),
    ]);
  });

  it('takes a custom GroupId once (10021 the second time) and refuses one with the @TGS# prefix', async () => {
    expect(expectOk(await call('group_open_http_svc/create_group', { Type: 'Work', Name: 'Mine', GroupId: 'team-42' })).GroupId).toBe('team-42');
    expect((await call('group_open_http_svc/create_group', { Type: 'Work', Name: 'Again', GroupId: 'team-42' })).ErrorCode).toBe(10021);
    expect((await call('group_open_http_svc/create_group', { Type: 'Work', Name: 'Fake', GroupId: '@TGS#1FAKE' })).ErrorCode).toBe(10004);
  });

  it('10004 for an unknown Type, 10019 for a member who was never imported', async () => {
    expect((await call('group_open_http_svc/create_group', { Type: 'Club', Name: 'x' })).ErrorCode).toBe(10004);
    const ghost = await call('group_open_http_svc/create_group', { Type: 'Work', Name: 'x', MemberList: [{ Member_Account: 'ghost' }] });
    expect(ghost.ErrorCode).toBe(10019);
  });

  it('adds members: 1 added, 2 already a member, 0 failed', async () => {
    const response = expectOk(
      await call('group_open_http_svc/add_group_member', {
        GroupId: groupId,
        MemberList: [{ Member_Account: 'iris' }, { Member_Account: 'hugo' }, { Member_Account: 'ghost' }],
      }),
    );
    expect(response.MemberList).toEqual([
      { Member_Account: 'iris', Result: 1 },
      { Member_Account: 'hugo', Result: 2 },
      { Member_Account: 'ghost', Result: 0 },
    ]);
  });

  it('a group message puts the conversation in every member list', async () => {
    const sent = expectOk(await call('group_open_http_svc/send_group_msg', { GroupId: groupId, From_Account: 'hugo', Random: 5, MsgBody: TEXT }));
    expect(sent).toMatchObject({ MsgSeq: 1, MsgTime: expect.any(Number) });
    for (const member of ['gina', 'hugo', 'iris']) {
      expect(await sessions(member)).toContainEqual({ Type: 2, GroupId: groupId, MsgTime: sent.MsgTime, TopFlag: 0 });
    }
    expect(await sessions('jon')).toEqual([]);
    const second = expectOk(await call('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: 6, MsgBody: TEXT }));
    expect(second.MsgSeq).toBe(2);
  });

  it('refuses a sender who is not a member (10007) and a message without Random or MsgBody (10004)', async () => {
    expect((await call('group_open_http_svc/send_group_msg', { GroupId: groupId, From_Account: 'jon', Random: 1, MsgBody: TEXT })).ErrorCode).toBe(
      10007,
    );
    expect((await call('group_open_http_svc/send_group_msg', { GroupId: groupId, MsgBody: TEXT })).ErrorCode).toBe(10004);
    expect((await call('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: 1, MsgBody: [] })).ErrorCode).toBe(10004);
  });

  it('lists joined groups with Limit, Offset and TotalCount', async () => {
    const other = expectOk(await call('group_open_http_svc/create_group', { Owner_Account: 'iris', Type: 'Work', Name: 'Second' })).GroupId;
    const page = expectOk(
      await call('group_open_http_svc/get_joined_group_list', { Member_Account: 'iris', Limit: 1, Offset: 1, ResponseFilter: { GroupBaseInfoFilter: ['Name'] } }),
    );
    expect(page).toMatchObject({ TotalCount: 2, GroupIdList: [{ GroupId: other, Name: 'Second' }] });
    const plain = expectOk(await call('group_open_http_svc/get_joined_group_list', { Member_Account: 'iris' }));
    expect(plain.GroupIdList).toEqual([{ GroupId: groupId }, { GroupId: other }]);
    expect((await call('group_open_http_svc/get_joined_group_list', { Member_Account: 'ghost' })).ErrorCode).toBe(10019);
  });

  it('dismisses: 10010 afterwards, 10015 for a group that never existed — per group in get_group_info', async () => {
    expectOk(await call('group_open_http_svc/destroy_group', { GroupId: groupId }));
    const info = expectOk(await call('group_open_http_svc/get_group_info', { GroupIdList: [groupId, '@TGS#1NEVERWAS', 'team-42'] }));
    expect((info.GroupInfo as { ErrorCode: number }[]).map((group) => group.ErrorCode)).toEqual([10010, 10015, 0]);
    expect((await call('group_open_http_svc/destroy_group', { GroupId: groupId })).ErrorCode).toBe(10010);
    expect((await call('group_open_http_svc/destroy_group', { GroupId: '@TGS#1NEVERWAS' })).ErrorCode).toBe(10015);
    expect((await call('group_open_http_svc/send_group_msg', { GroupId: groupId, Random: 1, MsgBody: TEXT })).ErrorCode).toBe(10010);
    expect((await call('group_open_http_svc/add_group_member', { GroupId: groupId, MemberList: [{ Member_Account: 'jon' }] })).ErrorCode).toBe(10010);
    // The conversation stays in the members' lists; get_joined_group_list no longer shows the group.
    expect(await sessions('gina')).toContainEqual(expect.objectContaining({ GroupId: groupId }));
    const joined = expectOk(await call('group_open_http_svc/get_joined_group_list', { Member_Account: 'gina' }));
    expect(joined.TotalCount).toBe(0);
  });

  it('get_group_info takes 1 to 50 groups and honours ResponseFilter', async () => {
    const many = Array.from({ length: 51 }, (_, index) => `g${index}`);
    expect((await call('group_open_http_svc/get_group_info', { GroupIdList: many })).ErrorCode).toBe(10004);
    const filtered = expectOk(
      await call('group_open_http_svc/get_group_info', { GroupIdList: ['team-42'], ResponseFilter: { GroupBaseInfoFilter: ['Name'] } }),
    );
    expect(filtered.GroupInfo).toEqual([{ GroupId: 'team-42', ErrorCode: 0, ErrorInfo: '', Name: 'Mine' }]);
  });
});

describe('one-to-one messages', () => {
  it('create the conversation on both sides, or only the recipient’s with SyncOtherMachine 2', async () => {
    const sent = expectOk(await call('openim/sendmsg', { From_Account: 'jon', To_Account: 'gina', MsgRandom: 9, MsgBody: TEXT }));
    expect(sent.MsgKey).toMatch(/^\d+_9_\d+$/);
    expect(await sessions('jon')).toContainEqual({ Type: 1, To_Account: 'gina', MsgTime: sent.MsgTime, TopFlag: 0 });
    expect(await sessions('gina')).toContainEqual({ Type: 1, To_Account: 'jon', MsgTime: sent.MsgTime, TopFlag: 0 });

    expectOk(await call('openim/sendmsg', { SyncOtherMachine: 2, From_Account: 'iris', To_Account: 'jon', MsgRandom: 1, MsgBody: TEXT }));
    expect(await sessions('jon')).toContainEqual(expect.objectContaining({ To_Account: 'iris' }));
    expect(await sessions('iris')).not.toContainEqual(expect.objectContaining({ To_Account: 'jon' }));
  });

  it('sent by the admin when From_Account is absent', async () => {
    expectOk(await call('openim/sendmsg', { To_Account: 'hugo', MsgRandom: 3, MsgBody: TEXT }));
    expect(await sessions('hugo')).toContainEqual(expect.objectContaining({ Type: 1, To_Account: emulator.adminIdentifier }));
  });

  it('refuses an unknown recipient (20003), a missing MsgRandom (90005) and a bad MsgBody (90002)', async () => {
    expect((await call('openim/sendmsg', { To_Account: 'ghost', MsgRandom: 1, MsgBody: TEXT })).ErrorCode).toBe(20003);
    expect((await call('openim/sendmsg', { To_Account: 'hugo', MsgBody: TEXT })).ErrorCode).toBe(90005);
    expect((await call('openim/sendmsg', { To_Account: 'hugo', MsgRandom: 1, MsgBody: [{ MsgType: 'TIMTextElem' }] })).ErrorCode).toBe(90002);
  });

  it('recentcontact/delete removes the conversation but not its marks', async () => {
    expectOk(
      await call('recentcontact/mark_contact', {
        From_Account: 'jon',
        MarkItem: [{ OptType: 1, ContactItem: { Type: 1, To_Account: 'gina' }, SetMark: [0] }],
      }),
    );
    expectOk(await call('recentcontact/delete', { From_Account: 'jon', Type: 1, To_Account: 'gina' }));
    expect(await sessions('jon')).not.toContainEqual(expect.objectContaining({ To_Account: 'gina' }));
    const marks = expectOk(await call('recentcontact/get_contact_group', { From_Account: 'jon', StartIndex: 0 }));
    expect(marks.ContactItem).toEqual([expect.objectContaining({ To_Account: 'gina', StandardMark: '1' })]);
  });

  it('recentcontact/delete needs ToGroupid (lower-case d) for groups: ToGroupId is 50002', async () => {
    const response = await call('recentcontact/delete', { From_Account: 'jon', Type: 2, ToGroupId: 'team-42' });
    expect(response).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 50002 });
    expect(response.ErrorInfo).toContain('ToGroupid');
  });
});
