// The two hosts of a job's commits record the same thing: on the caller's connection, and on a
// worker thread with its own connection to the database file.
import { bulkJobReason } from '../../shared/api/job-reason';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../store/audit-verify';
import { DATABASE_FILE_NAME, openDatabase, type Store } from '../store/database';
import { selectRow, selectRows } from '../store/sql';
import { bitNamesFrom, readJobCsv } from './csv';
import { jobLineRequestId, ledgerDurability, workerLedger, type JobLedger } from './ledger';
import { announcedWrites, nextPendingChunk } from './line-store';
import { getJob } from './store';
import { storeCheckedJob } from './upload-store';
import { csvOf, jobAuditEntries, plannedRows } from './testing';
import { systemClock } from '../clock';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fileStore(): Promise<{ store: Store; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'markdesk-ledger-'));
  const file = join(dir, DATABASE_FILE_NAME);
  const store = await openDatabase({ file });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => store.close());
  return { store, file };
}

const hosts: [string, (store: Store, file: string) => JobLedger][] = [['on a worker thread', (_store, file) => workerLedger({ dialect: 'sqlite', file })]];

describe.each(hosts)('a job ledger %s', (_name, open) => {
  it('records settled lines (entry + final state), announces calls and forgets them, in one commit each', async () => {
    const { store, file } = await fileStore();
    const ledger = open(store, file);
    cleanups.push(() => ledger.close());
    const rows = plannedRows(['ledger.a'], 3, [0, 40], '장부');
    const checked = await storeCheckedJob(store, { createdBy: 'editor', clock: systemClock }, readJobCsv(Readable.from([csvOf(rows)]), { names: bitNamesFrom({}) }));
    const [first, second, third] = (await nextPendingChunk(store.read, checked.jobId, null, 10))!.rows;
    const empty = { bits: [], customMark: '' };
    const after = { bits: [0, 40], customMark: '장부' };

    const [announced] = await ledger.commit({
      jobId: checked.jobId,
      staff: 'editor',
      at: '2026-11-28T05:00:00.000Z',
      settled: [{ line: first!.line, chatUser: 'ledger.a', conversation: first!.conversation, change: first!.change, before: after, after, status: 'unchanged' }],
      announce: [{ chatUser: 'ledger.a', lines: [second!, third!].map(({ line }) => ({ line, before: empty })) }],
      forget: [],
    });
    expect(await announcedWrites(store.read, checked.jobId)).toEqual([{ id: announced, chatUser: 'ledger.a', lines: [second!, third!].map(({ line }) => ({ line, before: empty })) }]);

    await ledger.commit({
      jobId: checked.jobId,
      staff: 'editor',
      at: '2026-11-28T05:00:01.000Z',
      settled: [
        { line: second!.line, chatUser: 'ledger.a', conversation: second!.conversation, change: second!.change, before: empty, after, status: 'applied' },
        { line: third!.line, chatUser: 'ledger.a', conversation: third!.conversation, change: third!.change, before: empty, after: empty, status: 'failed', upstreamCode: 51008, message: 'This user already has 1,000 marked conversations' },
      ],
      announce: [],
      forget: [announced!],
    });
    expect(await announcedWrites(store.read, checked.jobId)).toEqual([]);
    expect(await getJob(store.read, checked.jobId)).toMatchObject({ unchanged: 1, applied: 1, failed: 1 });
    const entries = await jobAuditEntries(store.read, checked.jobId);
    expect(entries.map((entry) => [entry.requestId, entry.status, entry.staff, entry.reason])).toEqual(
      [third, second, first].map((row, index) => [jobLineRequestId(checked.jobId, row!.line), ['failed', 'applied', 'unchanged'][index], 'editor', bulkJobReason(checked.jobId)]),
    );
    expect(entries[0]).toMatchObject({ upstreamCode: 51008, before: empty, after: empty, at: '2026-11-28T05:00:01.000Z' });
    expect((await verifyAuditChain(store)).ok).toBe(true);
  });

  it('refuses a commit that breaks a rule and goes on committing', async () => {
    const { store, file } = await fileStore();
    const ledger = open(store, file);
    cleanups.push(() => ledger.close());
    const announceFor = (jobId: string) => ({ jobId, staff: 'editor', at: new Date().toISOString(), settled: [], announce: [{ chatUser: 'x', lines: [] }], forget: [] });
    await expect(ledger.commit(announceFor('no-such-job'))).rejects.toThrow(/FOREIGN KEY/);
    const checked = await storeCheckedJob(store, { createdBy: 'editor', clock: systemClock }, readJobCsv(Readable.from([csvOf(plannedRows(['ledger.b'], 1, [1]))]), { names: bitNamesFrom({}) }));
    expect(await ledger.commit(announceFor(checked.jobId))).toHaveLength(1);
  });
});

describe('a job ledger on a worker thread', () => {
  it('fails the commits of a worker that died, and starts a new worker for the next one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'markdesk-ledger-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // A directory where the database file should be: the worker cannot open it and stops.
    const file = join(dir, DATABASE_FILE_NAME);
    mkdirSync(file);
    const ledger = workerLedger({ dialect: 'sqlite', file });
    cleanups.push(() => ledger.close());
    const commit = { jobId: 'j', staff: 'editor', at: new Date().toISOString(), settled: [], announce: [], forget: [] };
    await expect(ledger.commit(commit)).rejects.toThrow();
    await expect(ledger.commit(commit)).rejects.toThrow();
    // Once the cause is gone, the next commit goes through on a new worker.
    rmSync(file, { recursive: true });
    expect(await ledger.commit(commit)).toEqual([]);
  });
});

describe('how a commit is synced', () => {
  it('syncs a commit that announces calls in full, one that only settles lines without an fsync of its own', () => {
    const base = { jobId: 'j', staff: 'editor', at: new Date().toISOString(), settled: [], forget: [3] };
    expect(ledgerDurability({ ...base, announce: [{ chatUser: 'u', lines: [{ line: 2, before: { bits: [], customMark: '' } }] }] })).toBe('synced');
    expect(ledgerDurability({ ...base, announce: [] })).toBe('relaxed');
  });
});

describe('final line states', () => {
  it('touch exactly the settled lines, whether they run on or sit between others still pending', async () => {
    const { store, file } = await fileStore();
    // Lines 2–9 alternate between two users; line 10 is invalid (reserved bit 5).
    const rows = plannedRows(['runs.a', 'runs.b'], 4, [1]).sort((a, b) => a.conversation.id.localeCompare(b.conversation.id));
    const csv = `${csvOf(rows)}runs.a,c2c,bad,5,,,\r\n`;
    const checked = await storeCheckedJob(store, { createdBy: 'editor', clock: systemClock }, readJobCsv(Readable.from([csv]), { names: bitNamesFrom({}) }));
    const statusOf = async () =>
      Object.fromEntries(
        (await selectRows<{ line: number; status: string }>(store.read, `SELECT line, status FROM job_rows WHERE job_id = ? ORDER BY line`, [checked.jobId])).map((row) => [row.line, row.status]),
      );
    const userOf = async (line: number) => (await selectRow<{ chat_user: string }>(store.read, `SELECT chat_user FROM job_rows WHERE job_id = ? AND line = ?`, [checked.jobId, line]))!.chat_user;
    const ledger = workerLedger({ dialect: 'sqlite', file });
    cleanups.push(() => ledger.close());
    const commit = async (settled: { line: number; status: 'applied' | 'failed'; upstreamCode?: number; message?: string }[]) =>
      ledger.commit({
        jobId: checked.jobId,
        staff: 'editor',
        at: new Date().toISOString(),
        // Each line with its own chat user, as the runner settles them.
        settled: await Promise.all(
          settled.map(async (line) => ({ ...line, chatUser: await userOf(line.line), conversation: { type: 'c2c' as const, id: 'x' }, change: { setBits: [1], clearBits: [] }, before: null, after: null })),
        ),
        announce: [],
        forget: [],
      });
    await commit([{ line: 6, status: 'applied' }, { line: 2, status: 'applied' }, { line: 3, status: 'applied' }, { line: 9, status: 'applied' }]);
    expect(await statusOf()).toEqual({ 2: 'applied', 3: 'applied', 4: 'pending', 5: 'pending', 6: 'applied', 7: 'pending', 8: 'pending', 9: 'applied', 10: 'invalid' });
    await commit([{ line: 4, status: 'applied' }, { line: 5, status: 'failed', upstreamCode: 51008, message: 'full' }, { line: 7, status: 'applied' }, { line: 8, status: 'applied' }]);
    expect(await statusOf()).toEqual({ 2: 'applied', 3: 'applied', 4: 'applied', 5: 'failed', 6: 'applied', 7: 'applied', 8: 'applied', 9: 'applied', 10: 'invalid' });
    expect(await getJob(store.read, checked.jobId)).toMatchObject({ applied: 7, failed: 1 });
    expect(await selectRow(store.read, `SELECT upstream_code, message FROM job_rows WHERE job_id = ? AND line = 5`, [checked.jobId])).toEqual({ upstream_code: 51008, message: 'full' });
  });
});
