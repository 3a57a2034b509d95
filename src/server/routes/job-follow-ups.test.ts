// The check against Chat (impact and its CSVs), refused lines, rollback and retry of failed rows,
// through the HTTP API against the emulator.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk } from '../../emulator/test-support';
import type { JobCheckedResponse, JobReport } from '../../shared/api/jobs';
import { toMarkItem } from '../../shared/marks/change';
import { jobLineRequestId } from '../jobs/ledger';
import { bulkJobReason } from '../../shared/api/job-reason';
import { LEASE_MS } from '../jobs/leases';
import { announceWriteInTransaction, finishRowsInTransaction, nextPendingChunk } from '../jobs/line-store';
import { transitionJob } from '../jobs/store';
import { checkedJob, controlJob, jobAuditEntries, jobCsv, upstreamStates, uploadJob, waitForJob } from '../jobs/testing';
import { storeCheckedJob } from '../jobs/upload-store';
import { recordEntry } from '../store/audit';
import { isUniqueViolation } from '../store/sql';
import { startTestBff, type TestBff } from '../testing/bff-harness';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff();
  await bff.importUsers('imp.alice', 'imp.full', 'imp.clear', 'rb.alice', 'rb.bob', 'rb.carol', 'rt.alice');
  expectOk(
    await bff.tencent('recentcontact/mark_contact', {
      From_Account: 'imp.alice',
      MarkItem: [
        { OptType: 2, ContactItem: { Type: 1, To_Account: 'over' }, CustomMark: 'old' },
        { OptType: 1, ContactItem: { Type: 1, To_Account: 'same' }, SetMark: [0] },
        { OptType: 2, ContactItem: { Type: 1, To_Account: 'taken' }, CustomMark: 'keep' },
      ],
    }),
  );
  // imp.full has 999 marked conversations: one more fits under Chat's cap of 1,000.
  for (let start = 0; start < 999; start += 100) {
    const items = Array.from({ length: Math.min(100, 999 - start) }, (_, n) => ({
      OptType: 1 as const,
      ContactItem: { Type: 1 as const, To_Account: `full.${start + n}` },
      SetMark: [1],
    }));
    expectOk(await bff.tencent('recentcontact/mark_contact', { From_Account: 'imp.full', MarkItem: items }));
  }
});
afterAll(() => bff.close());

async function get(url: string) {
  return bff.inject({ method: 'GET', url, headers: { cookie: await bff.signIn('viewer') } });
}
async function csvRecords(url: string): Promise<string[][]> {
  const response = await get(url);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toContain('text/csv');
  return parse(response.body, { bom: true }) as string[][];
}
async function post(url: string, role: 'editor' | 'viewer' = 'editor') {
  return bff.inject({ method: 'POST', url, headers: { ...bff.writeHeaders, cookie: await bff.signIn(role) } });
}

const HEADER = 'chat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark,clear_custom_mark,custom_mark_only_if_empty';
const file = (...lines: string[]) => [HEADER, ...lines].join('\r\n') + '\r\n';

describe('the check against Chat', () => {
  it('counts each kind of impact, gives examples and lists each kind in its CSV, writing nothing', async () => {
    await bff.clearEmulatorStats();
    const response = await uploadJob(
      bff,
      file(
        'imp.alice,c2c,over,,,new,,', // replaces "old"
        'imp.alice,c2c,same,0,,,,', // already so
        'imp.alice,c2c,taken,,,mine,,true', // only if empty: will be conflict, overwrites nothing
        'imp.alice,c2c,fresh,,,mine,,true', // only if empty, and empty: written
        'imp.full,c2c,new.1,0,,,,', // the 1,000th marked conversation
        'imp.full,c2c,new.2,0,,,,', // the 1,001st
        'imp.full,c2c,full.3,0,,,,', // already marked: adds nothing
        'nobody.here,c2c,x,0,,,,',
        'imp.alice,c2c,bad,0,,,,maybe',
        'imp.clear,c2c,plain,,0,,,', // only clears (read with search_contact_group): already so
      ),
    );
    expect(response.statusCode, response.body).toBe(201);
    const checked = response.json<JobCheckedResponse>();
    expect(checked.impact).toEqual({
      overwritesCustomMark: 1,
      alreadyInState: 2,
      wouldExceedCap: 1,
      notImported: 1,
      examples: [{ line: 2, chatUser: 'imp.alice', conversation: { type: 'c2c', id: 'over' }, from: 'old', to: 'new' }],
    });
    expect(checked.invalid).toEqual([{ line: 10, error: 'custom_mark_only_if_empty: "maybe" must be true, false or empty.' }]);
    const stats = await bff.emulatorStats();
    expect(stats.commands['recentcontact/mark_contact']?.calls ?? 0).toBe(0);

    const url = (kind: string) => `/api/jobs/${checked.jobId}/impact/${kind}.csv`;
    const over = await csvRecords(url('overwritesCustomMark'));
    // The impact CSVs carry every input column, the optional group columns included, then their own.
    expect(over[0]).toEqual([...HEADER.split(','), 'groups_add', 'groups_remove', 'line', 'current_bits', 'current_custom_mark', 'note']);
    expect(over.slice(1).map((r) => [r[2], r[5], r[10], r[11], r[12]])).toEqual([['over', 'new', '2', '', 'old']]);
    expect((await csvRecords(url('alreadyInState'))).slice(1).map((r) => [r[2], r[11]])).toEqual([
      ['same', '0'],
      ['plain', ''],
    ]);
    expect(stats.commands['recentcontact/search_contact_group']?.calls).toBe(1);
    const cap = (await csvRecords(url('wouldExceedCap'))).slice(1);
    expect(cap.map((r) => r[2])).toEqual(['new.2']);
    expect(cap[0]![13]).toContain('999 marked conversations');
    expect((await csvRecords(url('notImported'))).slice(1).map((r) => [r[0], r[13]])).toEqual([['nobody.here', expect.stringContaining('not imported')]]);
    expect((await get(`/api/jobs/${checked.jobId}/impact/other.csv`)).statusCode).toBe(400);

    const invalid = await csvRecords(`/api/jobs/${checked.jobId}/invalid.csv`);
    expect(invalid).toEqual([
      [...HEADER.split(','), 'groups_add', 'groups_remove', 'line', 'reason'],
      ['imp.alice', 'c2c', 'bad', '0', '', '', '', 'maybe', '', '', '10', 'custom_mark_only_if_empty: "maybe" must be true, false or empty.'],
    ]);
    const report = (await get(`/api/jobs/${checked.jobId}/report`)).json<JobReport>();
    expect(report).toMatchObject({ invalidByReason: [{ count: 1 }], failedByReason: [], impact: { overwritesCustomMark: 1 } });

    // Run it: the only-if-empty row on a set custom mark ends conflict, the other is written.
    expect((await controlJob(bff, checked.jobId, 'start')).statusCode).toBe(200);
    await waitForJob(bff, checked.jobId, ['done']);
    const byId = new Map((await jobAuditEntries(bff.store.read, checked.jobId)).map((entry) => [entry.conversation.id, entry]));
    expect(byId.get('taken')).toMatchObject({ status: 'conflict', after: { customMark: 'keep' } });
    expect(byId.get('fresh')).toMatchObject({ status: 'applied', after: { customMark: 'mine' } });
  });

  it('groups refused lines by reason, leaving the line number out of the duplicate reason', async () => {
    const checked = await checkedJob(bff, jobCsv('imp.alice,c2c,d1,0,,,', 'imp.alice,c2c,d1,1,,,', 'imp.alice,c2c,d1,2,,,', 'imp.alice,c2c,q,7,,,'));
    const report = (await get(`/api/jobs/${checked.jobId}/report`)).json<JobReport>();
    expect(report.invalidByReason).toEqual([
      { reason: 'This conversation is already on an earlier line; put all its changes in one row.', count: 2 },
      { reason: 'Bit 7 is reserved for Chat and cannot be changed.', count: 1 },
    ]);
  });
});

describe('rollback', () => {
  it('restores every row still as the job left it, reports rows that moved on as conflict, and points to the original entries', async () => {
    const checked = await checkedJob(
      bff,
      jobCsv('rb.alice,c2c,r1,0 32,,one,', 'rb.alice,c2c,r2,1,,,', 'rb.alice,c2c,r3,,,three,', 'rb.alice,c2c,r4,2,,,'),
    );
    await controlJob(bff, checked.jobId, 'start');
    await waitForJob(bff, checked.jobId, ['done']);
    // Someone changes r4 after the job.
    expectOk(
      await bff.tencent('recentcontact/mark_contact', {
        From_Account: 'rb.alice',
        MarkItem: [{ OptType: 1, ContactItem: { Type: 1, To_Account: 'r4' }, SetMark: [3] }],
      }),
    );
    const viewer = await post(`/api/jobs/${checked.jobId}/rollback`, 'viewer');
    expect(viewer.statusCode).toBe(403);
    const response = await post(`/api/jobs/${checked.jobId}/rollback`);
    expect(response.statusCode, response.body).toBe(201);
    const { jobId } = response.json<{ jobId: string }>();
    const status = await waitForJob(bff, jobId, ['done']);
    expect(status).toMatchObject({ applied: 3, conflicts: 1, kind: 'rollback', sourceJobId: checked.jobId });

    const rows = ['r1', 'r2', 'r3', 'r4'].map((id) => ({ chatUser: 'rb.alice', conversation: { type: 'c2c' as const, id }, setBits: [] }));
    const states = await upstreamStates(bff.chat, rows);
    expect(states.get('rb.alice/r1')).toEqual({ bits: [], customMark: '' });
    expect(states.get('rb.alice/r2')).toEqual({ bits: [], customMark: '' });
    expect(states.get('rb.alice/r3')).toEqual({ bits: [], customMark: '' });
    expect(states.get('rb.alice/r4')).toEqual({ bits: [2, 3], customMark: '' });

    const original = new Map((await jobAuditEntries(bff.store.read, checked.jobId)).map((entry) => [entry.requestId, entry.id]));
    const entries = await jobAuditEntries(bff.store.read, jobId);
    for (const entry of entries) {
      const line = Number(entry.requestId.split(':').pop());
      expect(entry.revertOf).toBe(original.get(jobLineRequestId(checked.jobId, line)));
    }
    expect(entries.find((entry) => entry.conversation.id === 'r4')).toMatchObject({ status: 'conflict', before: { bits: [2, 3] } });
  });

  it('starts one rollback when two are asked for at once, here or on another instance', async () => {
    const checked = await checkedJob(bff, jobCsv('rb.alice,c2c,twice1,0,,,', 'rb.alice,c2c,twice2,1,,,'));
    await controlJob(bff, checked.jobId, 'start');
    await waitForJob(bff, checked.jobId, ['done']);
    // Another instance stores its rollback between this one's check and its own insert: the
    // database refuses the second one under way, whichever instance asks.
    const rows = async function* () {};
    const first = await storeCheckedJob(bff.store, { createdBy: 'editor', clock: bff.clock, kind: 'rollback', sourceJobId: checked.jobId }, rows());
    const second = await storeCheckedJob(bff.store, { createdBy: 'editor', clock: bff.clock, kind: 'rollback', sourceJobId: checked.jobId }, rows()).catch((error: unknown) => error);
    expect(isUniqueViolation(second)).toBe(true);
    await bff.store.write((tx) => tx.deleteFrom('jobs').where('id', '=', first.jobId).execute());

    // Two clicks at once on this instance: one rollback, one 409 that says why.
    const answers = await Promise.all([post(`/api/jobs/${checked.jobId}/rollback`), post(`/api/jobs/${checked.jobId}/rollback`)]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409]);
    expect(answers.find((answer) => answer.statusCode === 409)!.json().error.message).toBe('A rollback of this job is already under way.');
    const { jobId } = answers.find((answer) => answer.statusCode === 201)!.json<{ jobId: string }>();
    await waitForJob(bff, jobId, ['done']);
  });

  it('answers 409 while the job is running, and for a job that changed nothing', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const reached = new Promise<void>((resolve) => (held = resolve));
    bff.chatHooks.beforeCall = async (command) => {
      if (command !== 'recentcontact/mark_contact') return;
      held();
      await gate;
    };
    try {
      const checked = await checkedJob(bff, jobCsv('rb.alice,c2c,run1,0,,,'));
      await controlJob(bff, checked.jobId, 'start');
      await reached;
      const running = await post(`/api/jobs/${checked.jobId}/rollback`);
      expect(running.statusCode).toBe(409);
      expect(running.json().error.message).toBe('The job is running; only a done, cancelled or failed job can be rolled back.');
      expect((await post(`/api/jobs/${checked.jobId}/retry-failed`)).statusCode).toBe(409);
      release();
      await waitForJob(bff, checked.jobId, ['done']);
    } finally {
      release();
      bff.chatHooks.beforeCall = undefined;
    }
    const nothing = await checkedJob(bff, jobCsv('rb.alice,c2c,run1,0,,,'));
    await controlJob(bff, nothing.jobId, 'start');
    await waitForJob(bff, nothing.jobId, ['done']);
    const none = await post(`/api/jobs/${nothing.jobId}/rollback`);
    expect(none.statusCode).toBe(409);
    expect((await post('/api/jobs/no-such-job/rollback')).statusCode).toBe(404);
  });
});

describe('before a job’s lines are settled', () => {
  it('answers 409 for a cancelled job whose end another instance is still recording, and goes ahead once it is recorded', async () => {
    const checked = await checkedJob(bff, jobCsv('rb.carol,c2c,c1,0,,,', 'rb.carol,c2c,c2,1,,,'));
    await controlJob(bff, checked.jobId, 'start');
    await waitForJob(bff, checked.jobId, ['done']);
    // As a job cancelled on another instance looks while that instance's run still settles its
    // lines: cancelled, its end not recorded, its lease held by a live instance elsewhere.
    const setEnd = (finishedAt: string | null) =>
      bff.store.write((tx) =>
        tx
          .updateTable('jobs')
          .set({ state: 'cancelled', finished_at: finishedAt, lease_owner: 'other-host:4242:beef', lease_expires_at: bff.clock.now() + 10 * LEASE_MS })
          .where('id', '=', checked.jobId)
          .execute(),
      );
    await setEnd(null);
    const rollback = await post(`/api/jobs/${checked.jobId}/rollback`);
    expect(rollback.statusCode, rollback.body).toBe(409);
    expect(rollback.json().error.message).toBe('The job is still being cancelled: the rows it had in flight are being recorded. Try again in a few seconds.');
    const retry = await post(`/api/jobs/${checked.jobId}/retry-failed`);
    expect(retry.statusCode).toBe(409);
    expect(retry.json().error.message).toBe('The job is still being cancelled: the rows it had in flight are being recorded. Try again in a few seconds.');

    await setEnd(new Date(bff.clock.now()).toISOString());
    const later = await post(`/api/jobs/${checked.jobId}/rollback`);
    expect(later.statusCode, later.body).toBe(201);
    await waitForJob(bff, later.json<{ jobId: string }>().jobId, ['done']);
  });

  it('answers 409 for a failed job with calls whose outcome is not recorded; once they are settled the rollback covers them', async () => {
    const checked = await checkedJob(bff, jobCsv('rb.bob,c2c,b1,0,,,', 'rb.bob,c2c,b2,1,,,'));
    const jobId = checked.jobId;
    const startedAt = new Date(bff.clock.now()).toISOString();
    // What a run that stopped (failed) mid-way can leave: line 2 (b1) applied and on record; line 3
    // (b2) announced, its call landed in Chat, its answer never seen — still pending.
    // (Staged straight in the failed state: a running job nobody holds would be taken over by this
    // BFF's own runner at its next lease step.)
    await transitionJob(bff.store, jobId, ['checked'], 'failed', { startedBy: 'editor', startedAt, finishedAt: startedAt, message: 'Chat refused to write marks.' });
    const [applied, unseen] = (await nextPendingChunk(bff.store.read, jobId, null, 10))!.rows;
    const empty = { bits: [], customMark: '' };
    await bff.store.write((tx) => announceWriteInTransaction(tx, jobId, 'rb.bob', [{ line: unseen!.line, before: empty }]));
    for (const row of [applied!, unseen!]) {
      expectOk(await bff.tencent('recentcontact/mark_contact', { From_Account: 'rb.bob', MarkItem: [toMarkItem(row.conversation, row.change)] }));
    }
    await recordEntry(
      bff.store,
      { staff: 'editor', chatUser: 'rb.bob', conversation: applied!.conversation, requested: applied!.change, before: empty, after: { bits: [0], customMark: '' }, status: 'applied', requestId: jobLineRequestId(jobId, applied!.line), reason: bulkJobReason(jobId) },
      bff.clock,
    );
    await bff.store.write((tx) => finishRowsInTransaction(tx, jobId, [{ line: applied!.line, status: 'applied' }]));

    const message = 'The job stopped with calls to Chat whose outcome is not recorded yet. Resume or cancel the job so that Markdesk records them, then try again.';
    const rollback = await post(`/api/jobs/${jobId}/rollback`);
    expect(rollback.statusCode, rollback.body).toBe(409);
    expect(rollback.json().error.message).toBe(message);
    const retry = await post(`/api/jobs/${jobId}/retry-failed`);
    expect(retry.statusCode).toBe(409);
    expect(retry.json().error.message).toBe(message);

    // Cancelling settles the unseen call from Chat's state (it landed: applied) and records the end.
    expect((await controlJob(bff, jobId, 'cancel')).statusCode).toBe(200);
    const cancelled = await waitForJob(bff, jobId, ['cancelled']);
    expect(cancelled).toMatchObject({ applied: 2, finishedAt: expect.any(String) });
    const response = await post(`/api/jobs/${jobId}/rollback`);
    expect(response.statusCode, response.body).toBe(201);
    const status = await waitForJob(bff, response.json<{ jobId: string }>().jobId, ['done']);
    expect(status).toMatchObject({ applied: 2, conflicts: 0 });
    const rows = ['b1', 'b2'].map((id) => ({ chatUser: 'rb.bob', conversation: { type: 'c2c' as const, id }, setBits: [] }));
    const states = await upstreamStates(bff.chat, rows);
    expect(states.get('rb.bob/b1')).toEqual({ bits: [], customMark: '' });
    expect(states.get('rb.bob/b2')).toEqual({ bits: [], customMark: '' });
  });
});

describe('retry failed rows', () => {
  it('makes a checked job of the failed rows with the same changes', async () => {
    const checked = await checkedJob(bff, jobCsv('rt.alice,c2c,ok1,0,,,', 'rt.ghost,c2c,f1,1,,,', 'rt.ghost,c2c,f2,,,x,'));
    await controlJob(bff, checked.jobId, 'start');
    const done = await waitForJob(bff, checked.jobId, ['done', 'failed']);
    expect(done.failed).toBe(2);
    const response = await post(`/api/jobs/${checked.jobId}/retry-failed`);
    expect(response.statusCode, response.body).toBe(201);
    const retry = response.json<{ jobId: string; state: string }>();
    expect(retry.state).toBe('checked');
    const status = await waitForJob(bff, retry.jobId, ['checked']);
    expect(status).toMatchObject({ total: 2, kind: 'retry', sourceJobId: checked.jobId });
    const results = parse((await get(`/api/jobs/${retry.jobId}/results.csv`)).body, { bom: true }) as string[][];
    expect(results.slice(1).map((r) => [r[1 - 1], r[2], r[3], r[5], r[7]])).toEqual([
      ['rt.ghost', 'f1', '1', '', 'pending'],
      ['rt.ghost', 'f2', '', 'x', 'pending'],
    ]);
    const report = (await get(`/api/jobs/${checked.jobId}/report`)).json<JobReport>();
    expect(report.failedByReason).toEqual([{ reason: expect.any(String), count: 2 }]);
    expect(report.impact?.notImported).toBe(2);
  });
});
