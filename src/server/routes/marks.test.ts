// POST /api/chat-users/:userId/marks through HTTP against the emulator: every validation rule, the result statuses
// (applied, unchanged, conflict, failed), concurrent deltas, per-item upstream errors, and
// upstream faults survived with exactly one effective write.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk } from '../../emulator/test-support';
import type { MarkResult } from '../../shared/api/marks';
import { startTestBff, type TestBff } from '../testing/bff-harness';

let bff: TestBff;
let editor: string;
let groupId: string;

type ErrorBody = { error: { code: string; message: string; requestId: string; details?: Record<string, string[]>; upstreamCode?: number } };

const c2c = (id: string) => ({ type: 'c2c' as const, id });
const group = (id: string) => ({ type: 'group' as const, id });

function markAs(cookie: string, user: string, payload: unknown): Promise<LightMyRequestResponse> {
  return bff.inject({
    method: 'POST',
    url: `/api/chat-users/${encodeURIComponent(user)}/marks`,
    headers: { ...bff.writeHeaders, cookie, 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });
}
const mark = (user: string, payload: unknown) => markAs(editor, user, payload);

async function resultsOf(response: LightMyRequestResponse): Promise<MarkResult[]> {
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { results: MarkResult[] }).results;
}

/** What Chat itself holds, read with Tencent's API (not through the BFF). */
async function upstreamMarks(user: string, conversation: { type: 'c2c' | 'group'; id: string }) {
  const contact = conversation.type === 'c2c' ? { Type: 1, To_Account: conversation.id } : { Type: 2, ToGroupId: conversation.id };
  const response = expectOk(await bff.tencent('recentcontact/search_contact_group', { From_Account: user, ContactItem: [contact] }));
  const [item] = response.ContactResultItem as { StandardMark?: string; CustomMark?: string }[];
  return { standardMark: item?.StandardMark ?? '', customMark: item?.CustomMark ?? '' };
}

async function markContactCalls(): Promise<{ calls: number; ok: number; errorCodes: Record<string, number> }> {
  const stats = await bff.emulatorStats();
  return stats.commands['recentcontact/mark_contact'] ?? { calls: 0, ok: 0, errorCodes: {} };
}

beforeAll(async () => {
  // A short UserSig lifetime, so the 70001 test can expire one.
  bff = await startTestBff({ userSigTtlSeconds: 60 });
  editor = await bff.signIn('editor');
  await bff.importUsers('alice', 'bulk.user', 'faulty');
  groupId = expectOk(await bff.tencent('group_open_http_svc/create_group', { Owner_Account: 'alice', Type: 'Public', Name: 'Support desk', MemberList: [] }))
    .GroupId as string;
});
afterAll(() => bff.close());

describe('validation (400 VALIDATION_FAILED, details name each field)', () => {
  const refused = async (payload: unknown): Promise<ErrorBody['error']> => {
    const response = await mark('alice', payload);
    expect(response.statusCode, response.body).toBe(400);
    const body = response.json() as ErrorBody;
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String), requestId: response.headers['x-request-id'] });
    expect(body.error.details).toBeDefined();
    return body.error;
  };
  const item = (fields: Record<string, unknown>) => ({ items: [{ conversation: c2c('bob'), ...fields }] });

  it('accepts a custom mark of exactly 256 UTF-8 bytes and refuses 257', async () => {
    const exactly256 = `${'가'.repeat(85)}a`;
    const [result] = await resultsOf(await mark('alice', item({ customMark: exactly256 })));
    expect(result).toMatchObject({ status: 'applied', after: { customMark: exactly256 } });
    expect((await upstreamMarks('alice', c2c('bob'))).customMark).toBe(exactly256);

    const error = await refused(item({ customMark: `${'가'.repeat(85)}ab` }));
    expect(error.details).toEqual({ 'body.items.0.customMark': [expect.stringContaining('257 bytes')] });
    expect(error.message).toContain('257 bytes');
  });

  it('refuses reserved bits 4–31 and bits outside 0–63, naming the list entry', async () => {
    expect((await refused(item({ setBits: [0, 4] }))).details).toEqual({ 'body.items.0.setBits.1': [expect.stringMatching(/Bit 4 is reserved/)] });
    expect((await refused(item({ clearBits: [31] }))).details).toEqual({ 'body.items.0.clearBits.0': [expect.stringMatching(/Bit 31 is reserved/)] });
    expect(Object.keys((await refused(item({ setBits: [64] }))).details!)).toEqual(['body.items.0.setBits.0']);
    expect(Object.keys((await refused(item({ setBits: [-1] }))).details!)).toEqual(['body.items.0.setBits.0']);
    expect(Object.keys((await refused(item({ setBits: [1.5] }))).details!)).toEqual(['body.items.0.setBits.0']);
    expect(Object.keys((await refused(item({ setBits: ['3'] }))).details!)).toEqual(['body.items.0.setBits.0']);
  });

  it('refuses a bit that is both set and cleared', async () => {
    const error = await refused(item({ setBits: [0, 33], clearBits: [33] }));
    expect(error.details).toEqual({ 'body.items.0.clearBits.0': [expect.stringMatching(/Bit 33 cannot be both set and cleared/)] });
  });

  it('refuses unknown keys at every level, naming them', async () => {
    expect(Object.keys((await refused({ ...item({ setBits: [0] }), dryRun: true })).details!)).toEqual(['body.dryRun']);
    expect(Object.keys((await refused(item({ setBits: [0], colour: 'red' }))).details!)).toEqual(['body.items.0.colour']);
    const nested = await refused({ items: [{ conversation: { ...c2c('bob'), nick: 'Bob' }, setBits: [0] }] });
    expect(Object.keys(nested.details!)).toEqual(['body.items.0.conversation.nick']);
  });

  it('refuses 0 items and 1,001 items (not with 413: a full request fits the body limit)', async () => {
    expect(Object.keys((await refused({ items: [] })).details!)).toEqual(['body.items']);
    const items = Array.from({ length: 1001 }, (_, i) => ({ conversation: c2c(`customer-${String(i).padStart(6, '0')}`), setBits: [0, 32], customMark: 'VIP 고객' }));
    const error = await refused({ items });
    expect(error.details).toEqual({ 'body.items': [expect.stringContaining('at most 1,000 items')] });
  });

  it('refuses an item that changes nothing', async () => {
    const error = await refused(item({ setBits: [], clearBits: [] }));
    expect(error.details).toEqual({ 'body.items.0': [expect.stringMatching(/nothing to save/)] });
  });

  it('refuses one conversation twice in a request', async () => {
    const error = await refused({ items: [{ conversation: c2c('bob'), setBits: [0] }, { conversation: c2c('bob'), setBits: [1] }] });
    expect(error.details).toEqual({ 'body.items.1.conversation': [expect.stringContaining('already item 1')] });
  });

  it('refuses over-long ids, an unknown conversation type, a 501-character reason, an over-long user id', async () => {
    expect(Object.keys((await refused({ items: [{ conversation: c2c('x'.repeat(33)), setBits: [0] }] })).details!)).toEqual(['body.items.0.conversation.id']);
    expect(Object.keys((await refused({ items: [{ conversation: group(`@TGS#${'x'.repeat(44)}`), setBits: [0] }] })).details!)).toEqual([
      'body.items.0.conversation.id',
    ]);
    expect(Object.keys((await refused({ items: [{ conversation: { type: 'channel', id: 'x' }, setBits: [0] }] })).details!)).toEqual([
      'body.items.0.conversation.type',
    ]);
    expect(Object.keys((await refused({ ...item({ setBits: [0] }), reason: 'r'.repeat(501) })).details!)).toEqual(['body.reason']);
    const response = await mark('u'.repeat(33), item({ setBits: [0] }));
    expect(response.statusCode).toBe(400);
    expect(Object.keys((response.json() as ErrorBody).error.details!)).toEqual(['params.userId']);
  });

  it('sends nothing upstream for a refused request and logs input_validation_fail', async () => {
    await bff.clearEmulatorStats();
    await refused(item({ setBits: [7] }));
    expect((await bff.emulatorStats()).requests).toBe(0);
    expect(bff.logs.some((line) => line.includes('"event":"input_validation_fail"'))).toBe(true);
  });
});

describe('writing', () => {
  it('round-trips bit 63 (and 0) exactly, through the conversation list and Chat itself', async () => {
    const [result] = await resultsOf(await mark('alice', { items: [{ conversation: c2c('carol'), setBits: [63, 0] }] }));
    expect(result).toMatchObject({ status: 'applied', before: { bits: [], customMark: '' }, after: { bits: [0, 63], customMark: '' } });
    expect((await upstreamMarks('alice', c2c('carol'))).standardMark).toBe(`1${'0'.repeat(62)}1`);
    const list = await bff.inject({ method: 'GET', url: '/api/chat-users/alice/conversations', headers: { cookie: editor } });
    const entry = (list.json() as { conversations: { conversation: { id: string }; bits: number[]; inRecentList: boolean }[] }).conversations.find(
      (conversation) => conversation.conversation.id === 'carol',
    );
    expect(entry).toMatchObject({ bits: [0, 63], inRecentList: false });
  });

  it('reads `before` from Chat, including what was set there directly', async () => {
    expectOk(
      await bff.tencent('recentcontact/mark_contact', {
        From_Account: 'alice',
        MarkItem: [{ OptType: 3, ContactItem: { Type: 2, ToGroupId: groupId }, SetMark: [3, 40], CustomMark: 'set elsewhere' }],
      }),
    );
    const [result] = await resultsOf(
      await mark('alice', { items: [{ conversation: group(groupId), setBits: [0, 32], clearBits: [3], customMark: '에스컬레이션' }], reason: 'ticket 4711' }),
    );
    expect(result).toMatchObject({
      conversation: group(groupId),
      status: 'applied',
      before: { bits: [3, 40], customMark: 'set elsewhere' },
      after: { bits: [0, 32, 40], customMark: '에스컬레이션' },
      auditId: expect.any(String),
    });
  });

  it('answers `unchanged` without calling mark_contact when Chat already has that state', async () => {
    await resultsOf(await mark('alice', { items: [{ conversation: c2c('dave'), setBits: [1], customMark: 'same' }] }));
    await bff.clearEmulatorStats();
    const [result] = await resultsOf(await mark('alice', { items: [{ conversation: c2c('dave'), setBits: [1], clearBits: [2], customMark: 'same' }] }));
    expect(result).toMatchObject({ status: 'unchanged', before: { bits: [1], customMark: 'same' }, after: { bits: [1], customMark: 'same' } });
    expect((await markContactCalls()).calls).toBe(0);
  });

  it('answers `conflict` with the current state, writing nothing, when expectedCustomMark is stale', async () => {
    await resultsOf(await mark('alice', { items: [{ conversation: c2c('erin'), customMark: 'changed by a colleague' }] }));
    await bff.clearEmulatorStats();
    const [conflict] = await resultsOf(
      await mark('alice', { items: [{ conversation: c2c('erin'), setBits: [0], customMark: 'mine', expectedCustomMark: 'what I loaded' }] }),
    );
    expect(conflict).toMatchObject({
      status: 'conflict',
      before: { bits: [], customMark: 'changed by a colleague' },
      after: { bits: [], customMark: 'changed by a colleague' },
      message: expect.any(String),
    });
    expect((await markContactCalls()).calls).toBe(0);
    expect(await upstreamMarks('alice', c2c('erin'))).toEqual({ standardMark: '', customMark: 'changed by a colleague' });

    const [applied] = await resultsOf(
      await mark('alice', { items: [{ conversation: c2c('erin'), customMark: 'mine', expectedCustomMark: 'changed by a colleague' }] }),
    );
    expect(applied).toMatchObject({ status: 'applied', after: { customMark: 'mine' } });
  });

  it('answers `unchanged` to the same guarded save sent again (a Retry after a lost answer), writing once', async () => {
    await resultsOf(await mark('alice', { items: [{ conversation: c2c('grace'), customMark: 'before' }] }));
    await bff.clearEmulatorStats();
    const request = { items: [{ conversation: c2c('grace'), setBits: [1], customMark: 'after', expectedCustomMark: 'before' }], reason: 'ticket 7' };
    const [first] = await resultsOf(await mark('alice', request));
    expect(first).toMatchObject({ status: 'applied', after: { bits: [1], customMark: 'after' } });
    const [again] = await resultsOf(await mark('alice', request));
    expect(again).toMatchObject({ status: 'unchanged', before: { bits: [1], customMark: 'after' }, after: { bits: [1], customMark: 'after' } });
    expect((await markContactCalls()).calls).toBe(1);
  });

  it('lets two editors change different bits of one conversation at the same time: both bits end up set', async () => {
    await bff.addStaff('editor.two', 'editor');
    const secondEditor = await bff.sessionCookie('editor.two');
    const [first, second] = await Promise.all([
      markAs(editor, 'alice', { items: [{ conversation: c2c('frank'), setBits: [0] }] }),
      markAs(secondEditor, 'alice', { items: [{ conversation: c2c('frank'), setBits: [33] }] }),
    ]);
    expect((await resultsOf(first))[0]?.status).toBe('applied');
    expect((await resultsOf(second))[0]?.status).toBe('applied');
    expect((await upstreamMarks('alice', c2c('frank'))).standardMark).toBe(`1${'0'.repeat(32)}1`);
    const list = await bff.inject({ method: 'GET', url: '/api/chat-users/alice/conversations', headers: { cookie: editor } });
    const frank = (list.json() as { conversations: { conversation: { id: string }; bits: number[] }[] }).conversations.find((c) => c.conversation.id === 'frank');
    expect(frank?.bits).toEqual([0, 33]);
  });

  it('takes 1,000 items in one request, in ≤100-item upstream calls, answering in request order', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ conversation: c2c(`customer-${String(i).padStart(6, '0')}`), setBits: [0, 32], customMark: 'VIP 고객' }));
    await bff.clearEmulatorStats();
    const results = await resultsOf(await mark('bulk.user', { items }));
    expect(results).toHaveLength(1000);
    expect(results.every((result, i) => result.status === 'applied' && result.conversation.id === items[i]!.conversation.id)).toBe(true);
    const stats = await bff.emulatorStats();
    expect(stats.commands['recentcontact/mark_contact']).toMatchObject({ calls: 10, ok: 10 });
    // `before`, ≤300 per read; confirmed writes need no read-back.
    expect(stats.commands['recentcontact/search_contact_group']?.calls).toBe(4);
  });

  it('logs sensitive_update for a mark change, with counts and without the custom mark', () => {
    const updates = bff.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === 'sensitive_update');
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.at(-1)).toMatchObject({ staff: 'editor', chatUser: 'bulk.user', items: 1000, applied: 1000 });
  });
});

describe('per-item upstream errors', () => {
  it('maps 51007 (dismissed group) to a failed item and still applies the rest of the request', async () => {
    const doomed = expectOk(await bff.tencent('group_open_http_svc/create_group', { Owner_Account: 'alice', Type: 'Work', Name: 'Short-lived', MemberList: [] }))
      .GroupId as string;
    expectOk(await bff.tencent('group_open_http_svc/destroy_group', { GroupId: doomed }));
    const [failed, applied] = await resultsOf(
      await mark('alice', { items: [{ conversation: group(doomed), setBits: [0] }, { conversation: c2c('grace'), setBits: [0] }] }),
    );
    expect(failed).toEqual({
      conversation: group(doomed),
      status: 'failed',
      code: 'GROUP_NOT_FOUND',
      upstreamCode: 51007,
      message: 'The group was dismissed or does not exist',
      before: { bits: [], customMark: '' },
      after: { bits: [], customMark: '' },
      auditId: expect.any(String),
    });
    expect(applied?.status).toBe('applied');
  });

  it('maps 51008 (1,000 marked conversations) for the 1,001st, while changes to marked ones still work', async () => {
    // bulk.user has exactly 1,000 marked conversations from the request above.
    const [failed, applied] = await resultsOf(
      await mark('bulk.user', { items: [{ conversation: c2c('one-too-many'), setBits: [0] }, { conversation: c2c('customer-000000'), setBits: [1] }] }),
    );
    expect(failed).toMatchObject({ status: 'failed', code: 'MARK_LIMIT_REACHED', upstreamCode: 51008, message: 'This user already has 1,000 marked conversations' });
    expect(applied?.status).toBe('applied');
  });

  it('answers 404 CHAT_USER_NOT_FOUND for a Chat user that was never imported (conversations and marks)', async () => {
    const conversations = await bff.inject({ method: 'GET', url: '/api/chat-users/ghost/conversations', headers: { cookie: editor } });
    expect(conversations.statusCode).toBe(404);
    expect((conversations.json() as ErrorBody).error).toMatchObject({ code: 'CHAT_USER_NOT_FOUND', message: expect.stringContaining('ghost') });

    const marks = await mark('ghost', { items: [{ conversation: c2c('bob'), setBits: [0] }] });
    expect(marks.statusCode).toBe(404);
    expect((marks.json() as ErrorBody).error).toMatchObject({ code: 'CHAT_USER_NOT_FOUND', message: expect.stringContaining('ghost') });

    // The account lookup itself answers with the boolean the API promises.
    const lookup = await bff.inject({ method: 'GET', url: '/api/chat-users/ghost', headers: { cookie: editor } });
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json()).toEqual({ userId: 'ghost', imported: false });
    const known = await bff.inject({ method: 'GET', url: '/api/chat-users/alice', headers: { cookie: editor } });
    expect(known.json()).toEqual({ userId: 'alice', imported: true });
  });
});

describe('upstream faults survived with exactly one effective write', () => {
  // 300 items: a read before, three mark_contact calls of 100, a read after. The first attempt of
  // every mark_contact call is made to fail; the client's retry must then write exactly once.
  const items = (bit: number) => Array.from({ length: 300 }, (_, i) => ({ conversation: c2c(`peer-${i}`), setBits: [bit] }));

  async function writeThrough(bit: number): Promise<MarkResult[]> {
    await bff.clearEmulatorStats();
    try {
      return await resultsOf(await mark('faulty', { items: items(bit) }));
    } finally {
      Object.assign(bff.chatHooks, { beforeCall: undefined, afterAttempt: undefined, beforeWait: undefined });
      await bff.setFaults({});
      bff.skewClocks({ chatMs: 0, emulatorMs: 0 });
    }
  }

  async function expectWrittenOnce(results: MarkResult[], bit: number, code: number) {
    expect(results.filter((result) => result.status !== 'applied')).toEqual([]);
    expect(results.every((result) => result.after?.bits.includes(bit))).toBe(true);
    const calls = await markContactCalls();
    expect(calls.errorCodes[String(code)] ?? 0).toBeGreaterThanOrEqual(1);
    // Each of the three batches took effect exactly once; every other call was refused unprocessed.
    expect(calls.ok).toBe(3);
    expect(calls.calls).toBe(3 + (calls.errorCodes[String(code)] ?? 0));
  }

  it.each([
    [60007, 34, 'call frequency over the limit: back off'],
    [50004, 35, 'internal error: retry'],
  ])('%i (%s)', async (code, bit) => {
    let failedOnce = false;
    bff.chatHooks.beforeCall = async (command) => {
      if (command === 'recentcontact/mark_contact') await bff.setFaults({ errorRate: { [code]: 1 } });
    };
    bff.chatHooks.afterAttempt = (event) => {
      if (event.command === 'recentcontact/mark_contact' && event.errorCode === code) failedOnce = true;
    };
    bff.chatHooks.beforeWait = async () => {
      // The client waits before it retries: Chat has recovered by then.
      if (failedOnce) await bff.setFaults({});
      failedOnce = false;
    };
    const results = await writeThrough(bit);
    await expectWrittenOnce(results, bit, code);
    expect((await markContactCalls()).errorCodes[String(code)]).toBeGreaterThanOrEqual(3);
  });

  it('70001 (the UserSig expired just before the write: sign anew, send again)', async () => {
    // The client renews its UserSig (TTL 60 s here) at half-life. Our clock jumps 30 s so the next
    // call signs a fresh one, at a known time T; right before the first write our clock says T+15 s
    // (too young to renew) while Chat's says T+70 s (expired). A sig signed anew then is valid.
    bff.skewClocks({ chatMs: 30_000 });
    await bff.inject({ method: 'GET', url: '/api/chat-users/faulty', headers: { cookie: editor } });
    let skewed = false;
    bff.chatHooks.beforeCall = (command) => {
      if (command !== 'recentcontact/mark_contact' || skewed) return;
      skewed = true;
      bff.skewClocks({ chatMs: 45_000, emulatorMs: 100_000 });
    };
    const results = await writeThrough(36);
    await expectWrittenOnce(results, 36, 70001);
  });
});

describe('on the basic edition', () => {
  let basic: TestBff;
  beforeAll(async () => {
    basic = await startTestBff({ emulator: { edition: 'basic' } });
    await basic.importUsers('henry');
  });
  afterAll(() => basic.close());

  it('fails standard bits with 51013 and still applies a custom-mark-only item of the same request', async () => {
    const response = await basic.inject({
      method: 'POST',
      url: '/api/chat-users/henry/marks',
      headers: { ...basic.writeHeaders, cookie: await basic.signIn('editor') },
      payload: {
        items: [
          { conversation: c2c('ivy'), setBits: [0] },
          { conversation: c2c('jack'), customMark: 'VIP' },
          { conversation: c2c('kim'), setBits: [32], customMark: 'both' },
        ],
      },
    });
    const [bits, custom, both] = await resultsOf(response);
    const edition = { status: 'failed', code: 'EDITION_NOT_SUPPORTED', upstreamCode: 51013, message: 'Your Chat edition does not allow standard marks; custom marks still work' };
    expect(bits).toMatchObject(edition);
    expect(both).toMatchObject(edition);
    expect(custom).toMatchObject({ status: 'applied', before: { bits: [], customMark: '' }, after: { bits: [], customMark: 'VIP' } });
    expect(basic.leaks()).toEqual([]);
  });
});

it('never sends or logs a secret', () => {
  expect(bff.leaks()).toEqual([]);
});
