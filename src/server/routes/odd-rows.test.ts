// GET /api/chat-users/:userId/conversations when Chat sends rows that do not fit its own
// documentation: the list still loads; odd rows are listed with warnings or left out and counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk } from '../../emulator/test-support';
import type { ConversationsResponse } from '../../shared/api/chat-users';
import { startTestBff, type TestBff } from '../testing/bff-harness';

const SECONDS = 1_764_320_000;
const LONG_USER = 'u'.repeat(40);
const LONG_GROUP = `@TGS#${'g'.repeat(50)}`;

let bff: TestBff;
let body: ConversationsResponse;
let statusCode: number;

beforeAll(async () => {
  bff = await startTestBff();
  expectOk(await bff.tencent('im_open_login_svc/account_import', { UserID: 'agent' }));
  expectOk(await bff.tencent('im_open_login_svc/account_import', { UserID: 'p1', Nick: 'Normal Peer' }));
  expectOk(await bff.tencent('openim/sendmsg', { From_Account: 'agent', To_Account: 'p1', MsgRandom: 1, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }] }));

  // Chat's answers, as they reach the BFF, with odd rows added to each list.
  const call = bff.chat.call.bind(bff.chat) as (command: string, request: unknown) => Promise<Record<string, unknown[]>>;
  (bff.chat as { call: unknown }).call = async (command: string, request: unknown) => {
    const response = await call(command, request);
    if (command === 'recentcontact/get_list') {
      response.SessionItem!.push(
        { Type: 1, To_Account: 'ms.peer', MsgTime: SECONDS * 1000, TopFlag: 0 },
        { Type: 1, To_Account: LONG_USER, MsgTime: SECONDS - 60, TopFlag: 0 },
        { Type: 7, To_Account: 'who' },
        { Type: 1 },
      );
    }
    if (command === 'recentcontact/get_contact_group') {
      response.ContactItem!.push(
        { Type: 2, ToGroupId: LONG_GROUP, StandardMark: '1', CustomMark: 'old', Timestamp: SECONDS },
        { Type: 1, To_Account: 'broken.mark', StandardMark: 'not binary' },
      );
    }
    return response;
  };
  const response = await bff.inject({ method: 'GET', url: '/api/chat-users/agent/conversations', headers: { cookie: await bff.signIn('viewer') } });
  statusCode = response.statusCode;
  body = response.json() as ConversationsResponse;
});
afterAll(() => bff.close());

const entry = (id: string) => body.conversations.find((conversation) => conversation.conversation.id === id);

describe('odd rows from Chat', () => {
  it('do not fail the list: the documented rows are all there', () => {
    expect(statusCode, JSON.stringify(body)).toBe(200);
    expect(entry('p1')).toMatchObject({ name: 'Normal Peer', inRecentList: true });
    expect(entry('p1')!.warnings ?? []).toEqual([]);
  });

  it('converts a message time sent in milliseconds, and says so', () => {
    expect(entry('ms.peer')).toMatchObject({ lastMessageAt: new Date(SECONDS * 1000).toISOString().replace('.000Z', 'Z'), warnings: ['time-in-milliseconds'] });
  });

  it('lists a conversation whose ID is over Chat’s limit, read-only, without looking up its name', () => {
    expect(entry(LONG_USER)).toMatchObject({ conversation: { type: 'c2c', id: LONG_USER }, name: null, warnings: ['id-too-long'] });
    expect(entry(LONG_GROUP)).toMatchObject({ bits: [0], customMark: 'old', inRecentList: false, warnings: ['id-too-long'] });
  });

  it('leaves out the rows that cannot be read, and counts them', () => {
    expect(body.skipped).toBe(3);
    expect(entry('who')).toBeUndefined();
    expect(entry('broken.mark')).toBeUndefined();
  });

  it('logs one warning for the request, with conversation IDs and reasons only', () => {
    const lines = bff.logs.filter((line) => line.includes('"event":"upstream_odd_rows"'));
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(logged).toMatchObject({ level: 40, chatUser: 'agent', skipped: 3, skippedReasons: { 'unknown-type': 1, 'unusable-id': 1, 'unreadable-marks': 1 }, doubtfulCount: 3 });
    expect(lines[0]).not.toContain('"old"');
    expect(lines[0]).not.toContain('Normal Peer');
  });
});
