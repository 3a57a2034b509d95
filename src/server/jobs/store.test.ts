import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database';
import { bitNamesFrom, readJobCsv } from './csv';
import { finishRowsInTransaction, nextPendingChunk, type PendingChunk } from './line-store';
import { storeCheckedJob } from './upload-store';
import { csvOf, plannedRows } from './testing';
import { systemClock } from '../clock';

describe('taking pending lines', () => {
  it('gives one chat user’s lines at a time, in (user, line) order, from where the last chunk ended, skipping finished lines', async () => {
    const store = await openDatabase({ file: ':memory:' });
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
