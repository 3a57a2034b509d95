// Who last changed a conversation: Markdesk (with its entry) or something else, told apart by the
// marks Chat shows and its Timestamp against the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk } from '../../emulator/test-support';
import type { ConversationEntry, ConversationsResponse } from '../../shared/api/chat-users';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import { LAST_CHANGE_TOLERANCE_MS, lastChangeOf } from './last-change';

describe('lastChangeOf', () => {
  const entry = (over: Partial<ConversationEntry> = {}): ConversationEntry => ({
    conversation: { type: 'c2c', id: 'p1' },
    name: null,
    pinned: false,
    lastMessageAt: null,
    inRecentList: true,
    bits: [0, 3],
    customMark: 'vip',
    groupIds: [],
    markUpdatedAt: '2026-12-01T10:00:00.000Z',
    ...over,
  });
  const applied = { id: 'e1', staff: 'sam', at: '2026-12-01T10:00:00.500Z', bits: [3, 0], customMark: 'vip' };

  it('credits Markdesk when its last entry left these very marks, at that time', () => {
    expect(lastChangeOf(entry(), applied)).toEqual({ source: 'markdesk', entryId: 'e1', at: applied.at, staff: 'sam' });
  });
  it('says elsewhere when the marks differ from what Markdesk wrote', () => {
    expect(lastChangeOf(entry({ bits: [0] }), applied)).toEqual({ source: 'elsewhere', afterEntryId: 'e1' });
    expect(lastChangeOf(entry({ customMark: 'VIP' }), applied)).toEqual({ source: 'elsewhere', afterEntryId: 'e1' });
  });
  it('says elsewhere when the same marks were written again later than the tolerance', () => {
    const later = new Date(Date.parse(applied.at) + LAST_CHANGE_TOLERANCE_MS + 1000).toISOString();
    expect(lastChangeOf(entry({ markUpdatedAt: later }), applied)).toEqual({ source: 'elsewhere', afterEntryId: 'e1' });
  });
  it('says elsewhere when Markdesk never changed it', () => {
    expect(lastChangeOf(entry(), undefined)).toEqual({ source: 'elsewhere' });
  });
  it('without a Timestamp (no marks left), says elsewhere only when Markdesk had left marks', () => {
    const cleared = entry({ markUpdatedAt: null, bits: [], customMark: '' });
    expect(lastChangeOf(cleared, applied)).toEqual({ source: 'elsewhere', afterEntryId: 'e1' });
    expect(lastChangeOf(cleared, { ...applied, bits: [], customMark: '' })).toBeUndefined();
    expect(lastChangeOf(cleared, undefined)).toBeUndefined();
  });
});

describe('GET conversations carries lastChange', () => {
  let bff: TestBff;
  let editor: string;

  const list = async (): Promise<Map<string, ConversationEntry>> => {
    const response = await bff.inject({ method: 'GET', url: '/api/chat-users/agent/conversations', headers: { cookie: editor } });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<ConversationsResponse>();
    return new Map(body.conversations.map((entry) => [entry.conversation.id, entry]));
  };

  beforeAll(async () => {
    bff = await startTestBff();
    editor = await bff.signIn('editor');
    await bff.importUsers('agent', 'p1', 'p2', 'p3');
    // Chat's clock and Markdesk's agree, as they do in production to within the tolerance.
    bff.skewClocks({ emulatorMs: bff.clock.now() - Date.now() });
    // p2 is in the recent list, so it stays listed when its marks are gone.
    expectOk(
      await bff.tencent('openim/sendmsg', {
        From_Account: 'agent',
        To_Account: 'p2',
        MsgRandom: 1,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }],
      }),
    );
    // p3 was marked in the app, never through Markdesk.
    expectOk(
      await bff.tencent('recentcontact/mark_contact', {
        From_Account: 'agent',
        MarkItem: [{ OptType: 1, ContactItem: { Type: 1, To_Account: 'p3' }, SetMark: [3] }],
      }),
    );
    const saved = await bff.inject({
      method: 'POST',
      url: '/api/chat-users/agent/marks',
      headers: { ...bff.writeHeaders, cookie: editor, 'content-type': 'application/json' },
      payload: JSON.stringify({
        reason: 'ticket 4711',
        items: [
          { conversation: { type: 'c2c', id: 'p1' }, setBits: [0] },
          { conversation: { type: 'c2c', id: 'p2' }, setBits: [3] },
        ],
      }),
    });
    expect(saved.statusCode, saved.body).toBe(200);
  });
  afterAll(() => bff.close());

  it('names the entry for a Markdesk change, and says elsewhere for the app’s', async () => {
    const before = await list();
    expect(before.get('p1')?.lastChange).toMatchObject({ source: 'markdesk', staff: 'editor' });
    expect(before.get('p2')?.lastChange).toMatchObject({ source: 'markdesk', staff: 'editor' });
    expect(before.get('p3')?.lastChange).toEqual({ source: 'elsewhere' });

    // The person un-hides p2 in the app.
    expectOk(
      await bff.tencent('recentcontact/mark_contact', {
        From_Account: 'agent',
        MarkItem: [{ OptType: 1, ContactItem: { Type: 1, To_Account: 'p2' }, ClearMark: [3] }],
      }),
    );
    const after = await list();
    const markdeskEntry = before.get('p2')?.lastChange;
    expect(after.get('p2')?.lastChange).toEqual({ source: 'elsewhere', afterEntryId: markdeskEntry?.source === 'markdesk' ? markdeskEntry.entryId : 'missing' });
    expect(after.get('p1')?.lastChange).toEqual(before.get('p1')?.lastChange);
  });

  it('credits Markdesk for a group change it made, over marks set elsewhere before', async () => {
    const created = await bff.inject({
      method: 'POST',
      url: '/api/chat-users/agent/groups',
      headers: { ...bff.writeHeaders, cookie: editor, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'VIP', conversations: [{ type: 'c2c', id: 'p3' }], reason: 'ticket 4712' }),
    });
    expect(created.statusCode, created.body).toBe(200);
    const after = await list();
    expect(after.get('p3')?.lastChange).toMatchObject({ source: 'markdesk', staff: 'editor' });
  });
});
