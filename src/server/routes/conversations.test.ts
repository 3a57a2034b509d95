// GET /api/chat-users/:userId/conversations: a user's conversations are the recent list (every page) ∪ every marked or grouped
// conversation (every page), with names, pin, times, marks and conversation groups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_HEAVY_USER, DEMO_HEAVY_USER_MARKED_COUNT, DEMO_HEAVY_USER_RECENT_COUNT } from '../../emulator/demo/demo-data';
import { expectOk } from '../../emulator/test-support';
import type { ConversationEntry, ConversationsResponse } from '../../shared/api/chat-users';
import { startTestBff, type TestBff } from '../testing/bff-harness';

const HOUR = 3_600_000;

describe('a small user, walked page by page (two per page)', () => {
  let bff: TestBff;
  let supportGroup: string;
  let goneGroup: string;
  let vipGroupId: number;
  let body: ConversationsResponse;

  const text = [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }];

  beforeAll(async () => {
    bff = await startTestBff({ emulator: { pageSize: { contactGroup: 2, recentList: 2 } } });
    expectOk(await bff.tencent('im_open_login_svc/account_import', { UserID: 'agent', Nick: 'Agent' }));
    expectOk(await bff.tencent('im_open_login_svc/account_import', { UserID: 'p1', Nick: '김민지' }));
    expectOk(await bff.tencent('im_open_login_svc/account_import', { UserID: 'p2', Nick: 'Wei Zhang 张伟' }));
    await bff.importUsers('p3');
    supportGroup = expectOk(await bff.tencent('group_open_http_svc/create_group', { Owner_Account: 'agent', Type: 'Public', Name: 'Support desk', MemberList: [] }))
      .GroupId as string;
    goneGroup = expectOk(await bff.tencent('group_open_http_svc/create_group', { Owner_Account: 'agent', Type: 'Work', Name: 'Gone soon', MemberList: [] }))
      .GroupId as string;

    // Messages at distinct times (the emulator stamps them with its own clock).
    const at = async (hoursAgo: number, send: () => Promise<unknown>) => {
      bff.skewClocks({ emulatorMs: -hoursAgo * HOUR });
      await send();
    };
    await at(3, async () => expectOk(await bff.tencent('openim/sendmsg', { From_Account: 'agent', To_Account: 'p1', MsgRandom: 1, MsgBody: text })));
    await at(2, async () => expectOk(await bff.tencent('openim/sendmsg', { From_Account: 'p2', To_Account: 'agent', MsgRandom: 2, MsgBody: text })));
    await at(1, async () => expectOk(await bff.tencent('group_open_http_svc/send_group_msg', { GroupId: supportGroup, Random: 3, MsgBody: text })));
    await at(0, async () => expectOk(await bff.tencent('openim/sendmsg', { From_Account: 'agent', To_Account: 'p3', MsgRandom: 4, MsgBody: text })));
    bff.skewClocks({ emulatorMs: 0 });

    // Marks: one recent conversation, one that never had a message, one group that is then dismissed.
    expectOk(
      await bff.tencent('recentcontact/mark_contact', {
        From_Account: 'agent',
        MarkItem: [
          { OptType: 1, ContactItem: { Type: 1, To_Account: 'p1' }, SetMark: [0, 63] },
          { OptType: 2, ContactItem: { Type: 1, To_Account: 'old.friend' }, CustomMark: '지난 분기 VIP' },
          { OptType: 1, ContactItem: { Type: 2, ToGroupId: goneGroup }, SetMark: [3] },
        ],
      }),
    );
    expectOk(await bff.tencent('group_open_http_svc/destroy_group', { GroupId: goneGroup }));
    const created = expectOk(
      await bff.tencent('recentcontact/create_contact_group', {
        From_Account: 'agent',
        GroupContactItem: [{ GroupName: 'VIPs', ContactItem: [{ Type: 1, To_Account: 'p1' }] }],
      }),
    );
    vipGroupId = (created.GroupResultItem as { GroupItem: { GroupId: number } }[])[0]!.GroupItem.GroupId;

    await bff.clearEmulatorStats();
    const response = await bff.inject({ method: 'GET', url: '/api/chat-users/agent/conversations', headers: { cookie: await bff.signIn('viewer') } });
    expect(response.statusCode, response.body).toBe(200);
    body = response.json() as ConversationsResponse;
  });
  afterAll(() => bff.close());

  const entry = (id: string) => body.conversations.find((conversation) => conversation.conversation.id === id);

  it('walks every page of both lists', async () => {
    const stats = await bff.emulatorStats();
    expect(stats.commands['recentcontact/get_list']?.calls).toBe(2);
    expect(stats.commands['recentcontact/get_contact_group']?.calls).toBe(2);
  });

  it('is the union: recent conversations, plus marked ones that are not (or no longer) in the recent list', () => {
    expect(body.userId).toBe('agent');
    expect(body.conversations.map((conversation) => conversation.conversation)).toEqual([
      { type: 'c2c', id: 'p3' },
      { type: 'group', id: supportGroup },
      { type: 'c2c', id: 'p2' },
      { type: 'c2c', id: 'p1' },
      // No message time: last.
      { type: 'c2c', id: 'old.friend' },
      { type: 'group', id: goneGroup },
    ]);
  });

  it('gives each its name (nickname or group name, else null), times in ISO-8601 UTC, marks and groups', () => {
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
    expect(entry('p1')).toEqual<ConversationEntry>({
      conversation: { type: 'c2c', id: 'p1' },
      name: '김민지',
      pinned: false,
      lastMessageAt: expect.stringMatching(iso),
      inRecentList: true,
      bits: [0, 63],
      customMark: '',
      groupIds: [vipGroupId],
      groupNames: ['VIPs'],
      markUpdatedAt: expect.stringMatching(iso),
      // Marked straight through Chat's API above, not through Markdesk.
      lastChange: { source: 'elsewhere' },
    });
    expect(entry('p2')).toMatchObject({ name: 'Wei Zhang 张伟', bits: [], customMark: '', groupIds: [], groupNames: [], markUpdatedAt: null, inRecentList: true });
    expect(entry('p3')).toMatchObject({ name: null });
    expect(entry(supportGroup)).toMatchObject({ name: 'Support desk', inRecentList: true });
    expect(entry('old.friend')).toMatchObject({ name: null, inRecentList: false, lastMessageAt: null, customMark: '지난 분기 VIP', markUpdatedAt: expect.stringMatching(iso) });
    expect(entry(goneGroup)).toMatchObject({ name: null, inRecentList: false, bits: [3] });
    const hours = ['p1', 'p2', supportGroup, 'p3'].map((id) => Date.parse(entry(id)!.lastMessageAt!) / HOUR);
    expect(hours.map((hour) => Math.round(hour - hours[3]!))).toEqual([-3, -2, -1, 0]);
  });

  it('lists the user’s conversation groups', () => {
    expect(body.groups).toEqual([{ id: vipGroupId, name: 'VIPs' }]);
  });
});

describe('the heavy demo user', () => {
  let bff: TestBff;
  beforeAll(async () => {
    bff = await startTestBff({ emulator: { demoData: true } });
  });
  afterAll(() => bff.close());

  it('shows every recent and every marked conversation once, pinned ones first, then newest first', async () => {
    const response = await bff.inject({ method: 'GET', url: `/api/chat-users/${DEMO_HEAVY_USER}/conversations`, headers: { cookie: await bff.signIn('viewer') } });
    expect(response.statusCode).toBe(200);
    const { conversations } = response.json() as ConversationsResponse;
    const keys = conversations.map((conversation) => `${conversation.conversation.type}:${conversation.conversation.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(conversations.filter((conversation) => conversation.inRecentList)).toHaveLength(DEMO_HEAVY_USER_RECENT_COUNT);
    const marked = conversations.filter((conversation) => conversation.markUpdatedAt !== null);
    expect(marked).toHaveLength(DEMO_HEAVY_USER_MARKED_COUNT);

    const pinned = conversations.filter((conversation) => conversation.pinned);
    expect(pinned.length).toBeGreaterThan(0);
    expect(conversations.slice(0, pinned.length).every((conversation) => conversation.pinned)).toBe(true);
    const rest = conversations.slice(pinned.length).map((conversation) => conversation.lastMessageAt ?? '');
    expect(rest).toEqual([...rest].sort().reverse());
  });
});
