// Undo request: every applied entry of one request undone through the guarded Undo, partial
// conflicts reported beside the undone ones; the undo reason keeps the original's ("Undo: …"); the
// search filters through HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk } from '../../emulator/test-support';
import type { AuditEntry, RequestUndoResponse } from '../../shared/api/audit';
import type { MarkResult } from '../../shared/api/marks';
import { startTestBff, type TestBff } from '../testing/bff-harness';

let bff: TestBff;
let editor: string;
let viewer: string;

const c2c = (id: string) => ({ type: 'c2c' as const, id });

async function mark(user: string, payload: object): Promise<{ requestId: string; results: MarkResult[] }> {
  const response = await bff.inject({ method: 'POST', url: `/api/chat-users/${user}/marks`, headers: { ...bff.writeHeaders, cookie: editor }, payload });
  expect(response.statusCode, response.body).toBe(200);
  return { requestId: String(response.headers['x-request-id']), results: (response.json() as { results: MarkResult[] }).results };
}

async function audit(query: string): Promise<AuditEntry[]> {
  const response = await bff.inject({ method: 'GET', url: `/api/audit?${query}`, headers: { cookie: viewer } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { entries: AuditEntry[] }).entries;
}

const undoRequest = (requestId: string, cookie = editor, body?: object) =>
  bff.inject({
    method: 'POST',
    url: `/api/audit/requests/${encodeURIComponent(requestId)}/revert`,
    headers: { ...bff.writeHeaders, cookie },
    ...(body ? { payload: body } : {}),
  });

beforeAll(async () => {
  bff = await startTestBff();
  [editor, viewer] = await Promise.all([bff.signIn('editor'), bff.signIn('viewer')]);
  await bff.importUsers('hana', 'tomo');
});
afterAll(() => bff.close());

describe('undo request', () => {
  it('undoes every applied entry of a request, reports the one that changed since, and leaves it alone', async () => {
    const { requestId, results } = await mark('hana', {
      items: [
        { conversation: c2c('q1'), setBits: [0] },
        { conversation: c2c('q2'), setBits: [1] },
        { conversation: c2c('q3'), setBits: [32], customMark: 'vip' },
      ],
      reason: 'Ticket #8801',
    });
    expect(results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
    // Someone changes q2 in Chat directly after the request.
    expectOk(
      await bff.tencent('recentcontact/mark_contact', {
        From_Account: 'hana',
        MarkItem: [{ OptType: 1, ContactItem: { Type: 1, To_Account: 'q2' }, SetMark: [33] }],
      }),
    );

    const response = await undoRequest(requestId);
    expect(response.statusCode, response.body).toBe(200);
    const answer = response.json() as RequestUndoResponse;
    expect(answer).toMatchObject({ undone: 2, problems: 1, requestId: response.headers['x-request-id'] });
    const byConversation = new Map(answer.items.map((item) => [item.conversation.id, item]));
    expect(byConversation.get('q1')).toMatchObject({ status: 'undone', undoEntryId: expect.any(String) });
    expect(byConversation.get('q3')).toMatchObject({ status: 'undone' });
    expect(byConversation.get('q2')).toMatchObject({ status: 'conflict', current: { bits: [1, 33], customMark: '' } });

    // The undos are one request of their own, each linked to what it undid, with the ticket kept.
    const undos = await audit(`requestId=${encodeURIComponent(answer.requestId)}`);
    expect(undos).toHaveLength(2);
    for (const undo of undos) {
      expect(undo.reason).toBe('Undo: Ticket #8801');
      expect(results.map((result) => result.auditId)).toContain(undo.revertOf);
    }
    const originals = await audit(`requestId=${encodeURIComponent(requestId)}`);
    expect(originals.filter((entry) => entry.revertedBy !== undefined).map((entry) => entry.conversation.id).sort()).toEqual(['q1', 'q3']);

    // A second Undo request undoes nothing more: the two are already undone, q2 still conflicts.
    const again = (await undoRequest(requestId)).json() as RequestUndoResponse;
    expect(again.items.map((item) => item.status).sort()).toEqual(['already-undone', 'already-undone', 'conflict']);
    expect(again.undone).toBe(0);
  });

  it('reports entries that changed nothing as not undoable, keeps a reason given, 404s an unknown request, and is for editors', async () => {
    await mark('tomo', { items: [{ conversation: c2c('w1'), setBits: [0] }] });
    const { requestId } = await mark('tomo', { items: [{ conversation: c2c('w1'), setBits: [0] }, { conversation: c2c('w2'), setBits: [2] }] });
    expect((await undoRequest(requestId, viewer)).statusCode).toBe(403);
    const answer = (await undoRequest(requestId, editor, { reason: 'customer changed mind' })).json() as RequestUndoResponse;
    expect(answer.items.map((item) => [item.conversation.id, item.status]).sort()).toEqual([
      ['w1', 'not-undoable'],
      ['w2', 'undone'],
    ]);
    const [undo] = await audit(`requestId=${encodeURIComponent(answer.requestId)}`);
    expect(undo?.reason).toBe('customer changed mind');
    const missing = await undoRequest('no-such-request');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: 'No audit entry carries this request ID.' } });
  });

  it('defaults a single Undo’s reason to the original after "Undo:", or names the entry when there was none', async () => {
    const { results } = await mark('tomo', { items: [{ conversation: c2c('u1'), setBits: [1] }], reason: 'ticket 77' });
    const undo = await bff.inject({ method: 'POST', url: `/api/audit/${results[0]!.auditId}/revert`, headers: { ...bff.writeHeaders, cookie: editor } });
    expect(undo.json()).toMatchObject({ reason: 'Undo: ticket 77' });
    const plain = await mark('tomo', { items: [{ conversation: c2c('u2'), setBits: [1] }] });
    const plainUndo = await bff.inject({ method: 'POST', url: `/api/audit/${plain.results[0]!.auditId}/revert`, headers: { ...bff.writeHeaders, cookie: editor } });
    expect(plainUndo.json()).toMatchObject({ reason: `Undo of ${plain.results[0]!.auditId}` });
  });
});

describe('search through HTTP', () => {
  it('takes match=contains, reason, jobId and requestId, and refuses a bad job id', async () => {
    await mark('hana', { items: [{ conversation: c2c('s1'), setBits: [0] }], reason: 'Ticket ZX-4242 refund' });
    expect((await audit('match=contains&chatUser=HAN&reason=zx-4242')).map((entry) => entry.conversation.id)).toEqual(['s1']);
    expect(await audit('chatUser=han&reason=zx-4242')).toEqual([]);
    expect(await audit('jobId=nojob')).toEqual([]);
    const bad = await bff.inject({ method: 'GET', url: '/api/audit?jobId=a%20b', headers: { cookie: viewer } });
    expect(bad.statusCode).toBe(400);
  });
});
