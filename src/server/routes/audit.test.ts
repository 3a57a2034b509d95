// The audit API: one entry per item with before/after, filters and cursor paging, the CSV export,
// revert (201, conflict, only applied entries) and the hash chain check, tampering included.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk } from '../../emulator/test-support';
import type { AuditEntry } from '../../shared/api/audit';
import type { MarkResult } from '../../shared/api/marks';
import { unguardAudit } from '../testing/raw-sql';
import { startTestBff, type TestBff } from '../testing/bff-harness';

let bff: TestBff;
let editor: string;
let viewer: string;
let admin: string;
let dismissedGroup: string;

const c2c = (id: string) => ({ type: 'c2c' as const, id });
// Less than the 30-minute idle timeout, so the signed-in cookies stay valid.
const STEP = 20 * 60_000;

async function mark(user: string, payload: unknown, cookie = editor): Promise<{ response: LightMyRequestResponse; results: MarkResult[] }> {
  const response = await bff.inject({ method: 'POST', url: `/api/chat-users/${user}/marks`, headers: { ...bff.writeHeaders, cookie }, payload: payload as object });
  expect(response.statusCode, response.body).toBe(200);
  return { response, results: (response.json() as { results: MarkResult[] }).results };
}

async function audit(query: string, cookie = viewer): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
  const response = await bff.inject({ method: 'GET', url: `/api/audit?${query}`, headers: { cookie } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { entries: AuditEntry[]; nextCursor: string | null };
}

const revert = (id: string, body?: unknown) =>
  bff.inject({ method: 'POST', url: `/api/audit/${id}/revert`, headers: { ...bff.writeHeaders, cookie: editor }, ...(body === undefined ? {} : { payload: body as object }) });

async function upstreamState(user: string, peer: string) {
  const response = expectOk(await bff.tencent('recentcontact/search_contact_group', { From_Account: user, ContactItem: [{ Type: 1, To_Account: peer }] }));
  const [item] = response.ContactResultItem as { StandardMark?: string; CustomMark?: string }[];
  return { standardMark: item?.StandardMark ?? '', customMark: item?.CustomMark ?? '' };
}

beforeAll(async () => {
  bff = await startTestBff();
  [editor, viewer, admin] = await Promise.all([bff.signIn('editor'), bff.signIn('viewer'), bff.signIn('admin')]);
  await bff.importUsers('mina', 'jun', 'sora');
  dismissedGroup = expectOk(await bff.tencent('group_open_http_svc/create_group', { Owner_Account: 'mina', Type: 'Work', Name: 'Gone', MemberList: [] })).GroupId as string;
  expectOk(await bff.tencent('group_open_http_svc/destroy_group', { GroupId: dismissedGroup }));
});
afterAll(() => bff.close());

describe('entries', () => {
  it('records every item of a request — applied, unchanged, conflict, failed — with before, after and the request id', async () => {
    await mark('mina', { items: [{ conversation: c2c('p2'), setBits: [1] }] });
    bff.clock.advance(STEP);
    const { response, results } = await mark('mina', {
      items: [
        { conversation: c2c('p1'), setBits: [0, 32], customMark: 'VIP, "gold" · line two' },
        { conversation: c2c('p2'), setBits: [1] },
        { conversation: c2c('p3'), customMark: 'x', expectedCustomMark: 'stale' },
        { conversation: { type: 'group', id: dismissedGroup }, setBits: [0] },
      ],
      reason: 'ticket 4711',
    });
    expect(results.map((result) => result.status)).toEqual(['applied', 'unchanged', 'conflict', 'failed']);

    const { entries } = await audit('chatUser=mina&limit=4');
    // Newest first; the four items of this request, each its own entry, named by the ids the results gave.
    expect(entries.map((entry) => entry.id).sort()).toEqual(results.map((result) => result.auditId).sort());
    const byId = new Map(entries.map((entry) => [entry.id, entry]));
    const requestId = response.headers['x-request-id'];
    const [applied, unchanged, conflict, failed] = results.map((result) => byId.get(result.auditId)!);
    expect(applied).toMatchObject({
      staff: 'editor',
      chatUser: 'mina',
      conversation: c2c('p1'),
      requested: { setBits: [0, 32], clearBits: [], customMark: 'VIP, "gold" · line two' },
      before: { bits: [], customMark: '' },
      after: { bits: [0, 32], customMark: 'VIP, "gold" · line two' },
      status: 'applied',
      reason: 'ticket 4711',
      requestId,
    });
    expect(unchanged).toMatchObject({ status: 'unchanged', before: { bits: [1], customMark: '' }, after: { bits: [1], customMark: '' }, requestId });
    expect(conflict).toMatchObject({ status: 'conflict', before: { bits: [], customMark: '' }, requestId });
    expect(failed).toMatchObject({ status: 'failed', upstreamCode: 51007, before: { bits: [], customMark: '' }, requestId });
    expect(new Date(applied!.at).toISOString()).toBe(applied!.at);
  });

  it('records a request for a user that is not imported, as failed entries', async () => {
    const response = await bff.inject({ method: 'POST', url: '/api/chat-users/nobody/marks', headers: { ...bff.writeHeaders, cookie: editor }, payload: { items: [{ conversation: c2c('p1'), setBits: [0] }] } });
    expect(response.statusCode).toBe(404);
    const { entries } = await audit('chatUser=nobody');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ status: 'failed', upstreamCode: 50001, requestId: response.headers['x-request-id'] });
  });
});

describe('filters and paging', () => {
  beforeAll(async () => {
    bff.clock.advance(STEP);
    await bff.addStaff('second.editor', 'editor');
    const second = await bff.sessionCookie('second.editor');
    for (let i = 0; i < 7; i++) {
      await mark('jun', { items: [{ conversation: c2c(`q${i}`), setBits: [33] }] }, i % 2 === 0 ? editor : second);
      bff.clock.advance(60_000);
    }
  });

  it('filters by chat user, staff, conversation, status and time', async () => {
    expect((await audit('chatUser=jun')).entries).toHaveLength(7);
    expect((await audit('chatUser=jun&staff=second.editor')).entries).toHaveLength(3);
    expect((await audit('conversationType=c2c&conversationId=q3')).entries.map((entry) => entry.conversation)).toEqual([c2c('q3')]);
    expect((await audit('conversationType=group&conversationId=q3')).entries).toEqual([]);
    expect((await audit('status=conflict')).entries.map((entry) => entry.conversation.id)).toEqual(['p3']);
    const all = (await audit('chatUser=jun')).entries;
    const from = all[4]!.at;
    const to = all[1]!.at;
    const window = (await audit(`chatUser=jun&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)).entries;
    // from inclusive, to exclusive.
    expect(window.map((entry) => entry.id)).toEqual(all.slice(2, 5).map((entry) => entry.id));
    // Empty filters mean "any" (the SPA sends its whole form).
    expect((await audit('chatUser=jun&staff=&status=&from=&to=')).entries).toHaveLength(7);
  });

  it('pages newest first with an opaque cursor, without repeats or gaps, also while entries are added', async () => {
    const all = (await audit('chatUser=jun&limit=50')).entries;
    expect(all.map((entry) => entry.at)).toEqual([...all.map((entry) => entry.at)].sort().reverse());
    const seen: string[] = [];
    let page = await audit('chatUser=jun&limit=3');
    seen.push(...page.entries.map((entry) => entry.id));
    // A new entry arrives between pages: it must not shift what the next pages show.
    await mark('jun', { items: [{ conversation: c2c('late'), setBits: [0] }] });
    while (page.nextCursor) {
      page = await audit(`chatUser=jun&limit=3&cursor=${page.nextCursor}`);
      seen.push(...page.entries.map((entry) => entry.id));
    }
    expect(seen).toEqual(all.map((entry) => entry.id));
  });

  it('refuses a bad cursor, limit or time range, and unknown parameters, with 400', async () => {
    for (const query of ['cursor=not-a-cursor', 'limit=0', 'limit=201', 'limit=ten', 'from=2026-11-28T10:00:00Z&to=2026-11-28T09:00:00Z', 'from=yesterday', 'colour=red', 'status=lost']) {
      const response = await bff.inject({ method: 'GET', url: `/api/audit?${query}`, headers: { cookie: viewer } });
      expect(response.statusCode, query).toBe(400);
      expect(response.json(), query).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
  });
});

describe('CSV export', () => {
  it('is UTF-8 with a BOM, a header row, RFC 4180 quoting, the same filter, and a download name', async () => {
    const response = await bff.inject({ method: 'GET', url: '/api/audit/export.csv?chatUser=mina', headers: { cookie: viewer } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="markdesk-audit-[\d-]+\.csv"$/);
    expect(response.headers['cache-control']).toBe('no-store');
    const raw = response.rawPayload;
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = raw.subarray(3).toString('utf8');
    const [header] = text.split('\r\n');
    expect(header).toBe(
      'id,at,staff,chat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark_requested,before_bits,before_custom_mark,after_bits,after_custom_mark,status,upstream_code,message,reason,request_id,revert_of',
    );
    // The custom mark with a comma and quotes is one quoted field. (A request cannot carry a line
    // break; one Chat already holds is exported quoted too, see the store's tests.)
    expect(text).toContain('"VIP, ""gold"" · line two"');
    // Only mina's entries: 1 + 4 from the first tests.
    const records = text.split('\r\n').filter((line) => /^[0-9a-f-]{36},/.test(line));
    expect(records).toHaveLength(5);
    expect(records.every((line) => line.includes(',mina,'))).toBe(true);
  });

  it('cannot carry a spreadsheet formula', async () => {
    await mark('sora', { items: [{ conversation: c2c('formula'), customMark: '=HYPERLINK("http://evil.example","click")' }] });
    const response = await bff.inject({ method: 'GET', url: '/api/audit/export.csv?chatUser=sora', headers: { cookie: viewer } });
    expect(response.body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(response.body).not.toMatch(/,=HYPERLINK|,"=HYPERLINK/);
  });
});

describe('revert', () => {
  it('writes the inverse delta and answers 201 with the new entry; Chat is back where it was', async () => {
    await mark('sora', { items: [{ conversation: c2c('r1'), setBits: [2], customMark: 'before' }] });
    const { results } = await mark('sora', { items: [{ conversation: c2c('r1'), setBits: [0, 40], clearBits: [2], customMark: 'after' }] });
    const original = results[0]!;
    expect(await upstreamState('sora', 'r1')).toEqual({ standardMark: `1${'0'.repeat(39)}1`, customMark: 'after' });

    const response = await revert(original.auditId);
    expect(response.statusCode, response.body).toBe(201);
    const entry = response.json() as AuditEntry;
    expect(entry).toMatchObject({
      revertOf: original.auditId,
      status: 'applied',
      staff: 'editor',
      chatUser: 'sora',
      conversation: c2c('r1'),
      requested: { setBits: [2], clearBits: [0, 40], customMark: 'before' },
      before: { bits: [0, 40], customMark: 'after' },
      after: { bits: [2], customMark: 'before' },
      requestId: response.headers['x-request-id'],
    });
    expect(await upstreamState('sora', 'r1')).toEqual({ standardMark: '100', customMark: 'before' });
    // The undone entry now says so (the SPA hides its Undo), and a second undo is refused.
    const undone = (await audit('chatUser=sora&conversationId=r1')).entries.find((e) => e.id === original.auditId);
    expect(undone?.revertedBy).toBe(entry.id);
    const again = await revert(original.auditId);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'CONFLICT', message: 'This change has already been undone.', details: { revertedBy: entry.id } } });
  });

  it('answers 409 CONFLICT with the current state when the conversation changed since, writing nothing', async () => {
    const { results } = await mark('sora', { items: [{ conversation: c2c('r2'), setBits: [0] }] });
    // Someone changes it in Chat directly.
    expectOk(
      await bff.tencent('recentcontact/mark_contact', {
        From_Account: 'sora',
        MarkItem: [{ OptType: 3, ContactItem: { Type: 1, To_Account: 'r2' }, SetMark: [33], CustomMark: 'theirs' }],
      }),
    );
    await bff.clearEmulatorStats();
    const response = await revert(results[0]!.auditId);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      error: { code: 'CONFLICT', message: expect.any(String), details: { current: { bits: [0, 33], customMark: 'theirs' } } },
    });
    expect((await bff.emulatorStats()).commands['recentcontact/mark_contact']).toBeUndefined();
  });

  it('refuses to revert an entry that was not applied (unchanged, conflict, failed) and answers 404 for no entry', async () => {
    for (const status of ['unchanged', 'conflict', 'failed']) {
      const [entry] = (await audit(`chatUser=mina&status=${status}&limit=1`)).entries;
      const response = await revert(entry!.id);
      expect(response.statusCode, status).toBe(409);
      expect(response.json(), status).toMatchObject({ error: { code: 'CONFLICT', message: expect.stringContaining(`"${status}"`), details: { status } } });
    }
    expect((await revert('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('keeps a reason given with the revert', async () => {
    const { results } = await mark('sora', { items: [{ conversation: c2c('r3'), setBits: [1] }] });
    const response = await revert(results[0]!.auditId, { reason: 'customer asked' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ reason: 'customer asked' });
  });
});

describe('the hash chain', () => {
  it('verifies intact, refuses edits, and points at the first row changed behind the database’s back', async () => {
    // The clock has moved on by more than the idle timeout since beforeAll.
    admin = await bff.sessionCookie('admin');
    const intact = await bff.inject({ method: 'GET', url: '/api/audit/verify', headers: { cookie: admin } });
    expect(intact.statusCode).toBe(200);
    const verdict = intact.json() as { ok: boolean; checked: number; brokenAt?: string };
    expect(verdict.ok).toBe(true);
    expect(verdict.checked).toBeGreaterThan(20);
    expect(verdict.brokenAt).toBeUndefined();

    const [victim] = (await audit('chatUser=jun&limit=1&conversationId=q3')).entries;
    const edit = () => bff.store.write((tx) => tx.updateTable('audit').set({ reason: 'edited' }).where('id', '=', victim!.id).execute());
    await expect(edit()).rejects.toThrow();
    await expect(bff.store.write((tx) => tx.deleteFrom('audit').where('id', '=', victim!.id).execute())).rejects.toThrow();

    await unguardAudit(bff.store);
    await edit();
    const broken = await bff.inject({ method: 'GET', url: '/api/audit/verify', headers: { cookie: admin } });
    expect(broken.statusCode).toBe(200);
    // The check goes on past the break: every row is counted, the edited one is the one break.
    expect(broken.json()).toMatchObject({ ok: false, brokenAt: victim!.id, breaks: [{ at: victim!.id, problem: 'changed' }], breakCount: 1 });
    expect((broken.json() as { checked: number }).checked).toBeGreaterThan(verdict.checked);
  });
});

it('never sends or logs a secret', () => {
  expect(bff.leaks()).toEqual([]);
});
