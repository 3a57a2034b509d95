// Every request format of docs/chat-upstream.md and the sample of Tencent's mark_contact page
// answers with the documented response shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import { chatCaller, expectOk, importAccounts, startTestEmulator, type ChatCaller } from './test-support';

let emulator: RunningEmulator;
let call: ChatCaller;
let groupId: string;

const envelopeOk = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ErrorDisplay: '' };

beforeAll(async () => {
  emulator = await startTestEmulator();
  call = chatCaller(emulator);
  await importAccounts(call, ['user0', 'user1', 'teacher4', 'u', 'x', 'id1', 'id2', 'yahaha', 'xixi']);
  const created = expectOk(
    await call('group_open_http_svc/create_group', {
      Owner_Account: 'id1',
      Type: 'Public',
      Name: 'TestGroup',
      MemberList: [{ Member_Account: 'user0' }],
    }),
  );
  groupId = created.GroupId as string;
});

afterAll(() => emulator.close());

describe('v4/recentcontact/mark_contact (Tencent\'s page sample and its documented format)', () => {
  it('answers the sample request with the sample response', async () => {
    const response = await call('recentcontact/mark_contact', {
      From_Account: 'user0',
      MarkItem: [{ OptType: 3, ContactItem: { Type: 1, To_Account: 'user1' }, SetMark: [1, 2, 3], CustomMark: 'abcd' }],
    });
    expect(response).toMatchObject(envelopeOk);
    expect(response.ResultItem).toEqual([
      { OptType: 3, ContactItem: { Type: 1, To_Account: 'user1' }, ResultCode: 0, ResultInfo: '' },
    ]);
    expect(response.RequestId).toMatch(/^Id-[0-9a-f]{32}-O-Seq-\d+$/);
  });
});

describe('v4/recentcontact/get_contact_group', () => {
  it('returns ContactItem, GroupItem, CompleteFlag and NextStartIndex shaped like the sample', async () => {
    // The sample's state: teacher4 with bits 0,3,4,5 in groups 1 and 2; a group conversation with a custom mark.
    expectOk(
      await call('recentcontact/create_contact_group', {
        From_Account: 'teacher4',
        GroupContactItem: [{ GroupName: 'test1x', ContactItem: [{ Type: 1, To_Account: 'user0' }] }],
      }),
    );
    expectOk(
      await call('recentcontact/create_contact_group', {
        From_Account: 'teacher4',
        GroupContactItem: [{ GroupName: 'test10', ContactItem: [{ Type: 1, To_Account: 'user0' }] }],
      }),
    );
    expectOk(
      await call('recentcontact/mark_contact', {
        From_Account: 'teacher4',
        MarkItem: [
          { OptType: 1, ContactItem: { Type: 1, To_Account: 'user0' }, SetMark: [0, 3, 4, 5] },
          { OptType: 3, ContactItem: { Type: 2, ToGroupId: groupId }, SetMark: [0, 3, 4, 5], CustomMark: 'abcd' },
        ],
      }),
    );

    const response = await call('recentcontact/get_contact_group', { From_Account: 'teacher4', StartIndex: 0 });
    expect(response).toMatchObject({ ...envelopeOk, CompleteFlag: 1, NextStartIndex: 0 });
    expect(response.ContactItem).toEqual([
      { Type: 1, To_Account: 'user0', StandardMark: '111001', ContactGroupId: [1, 2], Timestamp: expect.any(Number) },
      { Type: 2, ToGroupId: groupId, StandardMark: '111001', CustomMark: 'abcd', Timestamp: expect.any(Number) },
    ]);
    expect(response.GroupItem).toEqual([
      { GroupName: 'test1x', GroupId: 1 },
      { GroupName: 'test10', GroupId: 2 },
    ]);
  });
});

describe('v4/recentcontact/search_contact_group', () => {
  it('returns ContactResultItem and GroupItem', async () => {
    expectOk(
      await call('recentcontact/mark_contact', {
        From_Account: 'yahaha',
        MarkItem: [{ OptType: 3, ContactItem: { Type: 1, To_Account: 'xixi' }, SetMark: [1, 2, 3, 4, 5, 6, 7], CustomMark: 'xxyyyzzz' }],
      }),
    );
    const response = await call('recentcontact/search_contact_group', {
      From_Account: 'yahaha',
      ContactItem: [{ Type: 1, To_Account: 'xixi' }],
    });
    expect(response).toMatchObject(envelopeOk);
    expect(response.ContactResultItem).toEqual([
      { Type: 1, To_Account: 'xixi', StandardMark: '11111110', CustomMark: 'xxyyyzzz', Timestamp: expect.any(Number) },
    ]);
    expect(response.GroupItem).toEqual([]);
  });

  it('answers a search_contact_group request for a conversation without marks with only its Type and ID', async () => {
    const response = await call('recentcontact/search_contact_group', { From_Account: 'u', ContactItem: [{ Type: 1, To_Account: 'x' }] });
    expect(response).toMatchObject(envelopeOk);
    expect(response.ContactResultItem).toEqual([{ Type: 1, To_Account: 'x' }]);
  });
});

describe('conversation groups', () => {
  it('create_contact_group → GroupResultItem[{GroupItem, ResultItem}]', async () => {
    const response = await call('recentcontact/create_contact_group', {
      From_Account: 'user0',
      GroupContactItem: [{ GroupName: 'Customers', ContactItem: [{ Type: 1, To_Account: 'user1' }] }],
    });
    expect(response).toMatchObject(envelopeOk);
    expect(response.GroupResultItem).toEqual([
      {
        GroupItem: { GroupName: 'Customers', GroupId: 1 },
        ResultItem: [{ ContactItem: { Type: 1, To_Account: 'user1' }, ResultCode: 0, ResultInfo: '' }],
      },
    ]);
  });

  it('update_contact_group type 1 renames, type 2 adds and removes conversations', async () => {
    const renamed = await call('recentcontact/update_contact_group', {
      From_Account: 'user0',
      UpdateType: 1,
      UpdateGroup: { UpdateGroupType: 1, OldGroupName: 'Customers', NewGroupName: 'Clients' },
    });
    expect(renamed).toMatchObject({
      ...envelopeOk,
      UpdateType: 1,
      UpdateGroupResult: { UpdateGroupType: 1, GroupName: 'Clients', GroupId: 1, OldGroupName: 'Customers' },
    });

    const changed = await call('recentcontact/update_contact_group', {
      From_Account: 'user0',
      UpdateType: 1,
      UpdateGroup: {
        UpdateGroupType: 2,
        OldGroupName: 'Clients',
        ContactUpdateItem: [
          { ContactOptType: 1, ContactItem: { Type: 2, ToGroupId: groupId } },
          { ContactOptType: 2, ContactItem: { Type: 1, To_Account: 'user1' } },
        ],
      },
    });
    expect(changed).toMatchObject({ ...envelopeOk, UpdateType: 1 });
    expect(changed.UpdateGroupResult).toEqual({
      UpdateGroupType: 2,
      GroupName: 'Clients',
      GroupId: 1,
      ContactResultItem: [
        { ContactOptType: 1, ContactItem: { Type: 2, ToGroupId: groupId }, ResultCode: 0, ResultInfo: '' },
        { ContactOptType: 2, ContactItem: { Type: 1, To_Account: 'user1' }, ResultCode: 0, ResultInfo: '' },
      ],
    });
  });

  it('del_contact_group → GroupItem[]', async () => {
    const response = await call('recentcontact/del_contact_group', { From_Account: 'user0', GroupName: ['Clients'] });
    expect(response).toMatchObject(envelopeOk);
    expect(response.GroupItem).toEqual([{ GroupName: 'Clients', GroupId: 1 }]);
  });
});

describe('v4/recentcontact/get_list and delete', () => {
  it('get_list returns SessionItem with To_Account / GroupId, MsgTime, TopFlag and the four cursors', async () => {
    expectOk(await call('group_open_http_svc/add_group_member', { GroupId: groupId, MemberList: [{ Member_Account: 'id1' }] }));
    expectOk(
      await call('openim/sendmsg', {
        From_Account: 'id2',
        To_Account: 'id1',
        MsgRandom: 1,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }],
      }),
    );
    expectOk(
      await call('group_open_http_svc/send_group_msg', {
        GroupId: groupId,
        Random: 2,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi all' } }],
      }),
    );
    const response = await call('recentcontact/get_list', {
      From_Account: 'id1',
      TimeStamp: 0,
      StartIndex: 0,
      TopTimeStamp: 0,
      TopStartIndex: 0,
      AssistFlags: 15,
    });
    expect(response).toMatchObject({ ...envelopeOk, CompleteFlag: 1, StartIndex: 0, TopStartIndex: 0 });
    expect(response.TimeStamp).toEqual(expect.any(Number));
    expect(response.TopTimeStamp).toEqual(expect.any(Number));
    const items = response.SessionItem as Record<string, unknown>[];
    expect(items).toHaveLength(2);
    expect(items).toEqual(
      expect.arrayContaining([
        { Type: 1, To_Account: 'id2', MsgTime: expect.any(Number), TopFlag: 0 },
        { Type: 2, GroupId: groupId, MsgTime: expect.any(Number), TopFlag: 0 },
      ]),
    );
  });

  it('delete takes Type 1 + To_Account and Type 2 + ToGroupid (lower-case d)', async () => {
    expect(await call('recentcontact/delete', { From_Account: 'id1', Type: 1, To_Account: 'id2', ClearRamble: 1 })).toMatchObject(envelopeOk);
    expect(await call('recentcontact/delete', { From_Account: 'id1', Type: 2, ToGroupid: groupId, ClearRamble: 1 })).toMatchObject(
      envelopeOk,
    );
    const list = await call('recentcontact/get_list', {
      From_Account: 'id1',
      TimeStamp: 0,
      StartIndex: 0,
      TopTimeStamp: 0,
      TopStartIndex: 0,
      AssistFlags: 15,
    });
    expect(list.SessionItem).toEqual([]);
  });
});

describe('accounts, profiles and groups', () => {
  it('account_import and account_check (Imported / NotImported)', async () => {
    expect(await call('im_open_login_svc/account_import', { UserID: 'newbie', Nick: 'New Bie', FaceUrl: 'https://example.com/a.png' })).toMatchObject(
      envelopeOk,
    );
    const checked = await call('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'newbie' }, { UserID: 'ghost' }] });
    expect(checked).toMatchObject(envelopeOk);
    expect(checked.ResultItem).toEqual([
      { UserID: 'newbie', ResultCode: 0, ResultInfo: '', AccountStatus: 'Imported' },
      { UserID: 'ghost', ResultCode: 0, ResultInfo: '', AccountStatus: 'NotImported' },
    ]);
  });

  it('get_joined_group_list → TotalCount and GroupIdList with the filtered base fields', async () => {
    const response = await call('group_open_http_svc/get_joined_group_list', {
      Member_Account: 'user0',
      Limit: 10,
      Offset: 0,
      ResponseFilter: { GroupBaseInfoFilter: ['Type', 'Name'] },
    });
    expect(response).toMatchObject({ ...envelopeOk, TotalCount: 1 });
    expect(response.GroupIdList).toEqual([{ GroupId: groupId, Type: 'Public', Name: 'TestGroup' }]);
  });

  it('get_group_info → GroupInfo with per-group ErrorCode', async () => {
    const response = await call('group_open_http_svc/get_group_info', { GroupIdList: [groupId] });
    expect(response).toMatchObject(envelopeOk);
    expect(response.GroupInfo).toEqual([
      expect.objectContaining({ GroupId: groupId, Name: 'TestGroup', Type: 'Public', ErrorCode: 0, Owner_Account: 'id1' }),
    ]);
  });

  it('portrait_get → UserProfileItem with Tag_Profile_IM_Nick', async () => {
    const response = await call('profile/portrait_get', { To_Account: ['newbie'], TagList: ['Tag_Profile_IM_Nick'] });
    expect(response).toMatchObject(envelopeOk);
    expect(response.UserProfileItem).toEqual([
      { To_Account: 'newbie', ProfileItem: [{ Tag: 'Tag_Profile_IM_Nick', Value: 'New Bie' }], ResultCode: 0, ResultInfo: '' },
    ]);
  });
});
