import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';

import { bitNamesFrom, readJobCsv } from './csv';
import { finishRowsInTransaction, nextPendingChunk, type PendingChunk } from './line-store';
import { storeCheckedJob } from './upload-store';
import { deleteUnfinishedUploads } from './store';
import { runStatement } from '../store/sql';
import { csvOf, plannedRows } from './testing';
import { systemClock } from '../clock';
import { openTestStore } from '../testing/test-store';

describe('taking pending lines', () => {
  it('gives one chat user’s lines at a time, in (user, line) order, from where the last chunk ended, skipping finished lines', async () => {
    const store = await openTestStore();
    // The file interleaves the users: b, a, b, a, …
    const rows = plannedRows(['take.b', 'take.a'], 5, [1]);
    const interleaved = rows.map((_, index) => rows[(index % 2) * 5 + Math.floor(index / 2)]!);
    const { jobId } = await storeCheckedJob(store, { createdBy: 'editor', clock: systemClock }, readJobCsv(Readable.from([csvOf(interleaved)]), { names: bitNamesFrom({}) }));
    // take.a is on lines 3, 5, 7, 9, 11; take.b on 2, 4, 6, 8, 10. Line 5 is already done.
    await store.write((tx) => finishRowsInTransaction(tx, jobId, [{ line: 5, status: 'applied' }]));

    const taken: { user: string; lines: number[] }[] = [];
    let after: { chatUser: string; line: number } | null = null;
    for (let chunk: PendingChunk | null; (chunk = await nextPendingChunk(store.read, jobId, after, 3)); ) {
      taken.push({ user: chunk.chatUser, lines: chunk.rows.map((row) => row.line) });
      after = { chatUser: chunk.chatUser, line: chunk.rows.at(-1)!.line };
    }
    expect(taken).toEqual([
      { user: 'take.a', lines: [3, 7, 9] },
      { user: 'take.a', lines: [11] },
      { user: 'take.b', lines: [2, 4, 6] },
      { user: 'take.b', lines: [8, 10] },
    ]);
    await store.close();
  });
});

describe('settling lines', () => {
  it('settles exactly the lines given, each counted once, in runs, in lists with gaps, and one by one', async () => {
    const store = await openTestStore();
    // settle.a is on lines 2..6, settle.b on 7..11.
    const rows = plannedRows(['settle.a', 'settle.b'], 5, [1]);
    const { jobId } = await storeCheckedJob(store, { createdBy: 'editor', clock: systemClock }, readJobCsv(Readable.from([csvOf(rows)]), { names: bitNamesFrom({}) }));
    const a = 'settle.a';
    const b = 'settle.b';
    await store.write((tx) =>
      finishRowsInTransaction(tx, jobId, [
        // settle.a: 2, 4 and 6 applied (a list with gaps: 3 and 5 stay pending), 4 given twice.
        { line: 6, chatUser: a, status: 'applied' },
        { line: 2, chatUser: a, status: 'applied' },
        { line: 4, chatUser: a, status: 'applied' },
        { line: 4, chatUser: a, status: 'applied' },
        // settle.b: 8..10 unchanged (a run), 11 failed with a message (on its own).
        { line: 9, chatUser: b, status: 'unchanged' },
        { line: 8, chatUser: b, status: 'unchanged' },
        { line: 10, chatUser: b, status: 'unchanged' },
        { line: 11, chatUser: b, status: 'failed', upstreamCode: 90001, message: 'refused' },
      ]),
    );
    const lines = await store.read.selectFrom('job_rows').select(['line', 'status', 'message']).where('job_id', '=', jobId).orderBy('line').execute();
    expect(lines.map((row) => `${row.line}:${row.status}`)).toEqual(['2:applied', '3:pending', '4:applied', '5:pending', '6:applied', '7:pending', '8:unchanged', '9:unchanged', '10:unchanged', '11:failed']);
    expect(lines.find((row) => row.line === 11)?.message).toBe('refused');
    const job = await store.read.selectFrom('jobs').select(['applied', 'unchanged', 'failed']).where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(job).toEqual({ applied: 3, unchanged: 3, failed: 1 });
    // A line settled again is not counted again.
    await store.write((tx) => finishRowsInTransaction(tx, jobId, [{ line: 2, chatUser: a, status: 'applied' }, { line: 3, chatUser: a, status: 'applied' }]));
    expect(await store.read.selectFrom('jobs').select('applied').where('id', '=', jobId).executeTakeFirstOrThrow()).toEqual({ applied: 4 });
    await store.close();
  });
});

describe('abandoned uploads', () => {
  it('removes uploads unfinished since before the cut-off, and leaves younger ones (another instance may be reading them)', async () => {
    const store = await openTestStore();
    const upload = (id: string, createdAt: string) =>
      store.write((tx) => runStatement(tx, `INSERT INTO jobs (id, state, created_by, created_at) VALUES (?, 'uploading', 'editor', ?)`, [id, createdAt]));
    await upload('old-upload', '2026-12-01T08:00:00.000Z');
    await upload('young-upload', '2026-12-01T09:30:00.000Z');
    expect(await deleteUnfinishedUploads(store, new Date('2026-12-01T09:00:00.000Z'))).toBe(1);
    const left = await store.read.selectFrom('jobs').select('id').execute();
    expect(left).toEqual([{ id: 'young-upload' }]);
    await store.close();
  });
});
