// The job runner taking a job over after a crash or a stop: calls announced before it whose answers
// never came are settled from Chat's state, against the emulator.
import { bulkJobReason } from '../../shared/api/job-reason';
import { describe, expect, it } from 'vitest';
import { toMarkItem } from '../../shared/marks/change';
import { ChatApiError, ChatNetworkError } from '../chat/errors';
import { recordEntry } from '../store/audit';
import { jobLineRequestId } from './ledger';
import { useRunnerHarness } from './runner-harness';
import { announcedWrites, announceWriteInTransaction, finishRowsInTransaction, nextPendingChunk } from './line-store';
import { getJob, transitionJob } from './store';
import { jobAuditEntries, plannedRows, type PlannedRow } from './testing';

const h = useRunnerHarness();

/** What a process that died mid-job can leave: a running job whose lines' call was announced, nothing sent. */
async function interruptedJob(chatUser: string, lines: number, setBits: number[]): Promise<{ jobId: string; rows: PlannedRow[] }> {
  const rows = plannedRows([chatUser], lines, setBits);
  const jobId = await h.newJob(rows);
  await transitionJob(h.bff.store, jobId, ['checked'], 'running', { startedBy: 'editor', startedAt: new Date(h.bff.clock.now()).toISOString() });
  const pending = (await nextPendingChunk(h.bff.store.read, jobId, null, 10))!.rows;
  await h.bff.store.write((tx) => announceWriteInTransaction(tx, jobId, chatUser, pending.map(({ line }) => ({ line, before: { bits: [], customMark: '' } }))));
  return { jobId, rows };
}

describe('taking over after a crash', () => {
  it('settles the calls announced before a crash from Chat’s state: landed writes recorded, the rest sent — one entry per line', async () => {
    const rows = plannedRows(['crash.a'], 4, [0, 33], 'after crash');
    const jobId = await h.newJob(rows);
    await transitionJob(h.bff.store, jobId, ['checked'], 'running', { startedBy: 'editor', startedAt: new Date(h.bff.clock.now()).toISOString() });
    // What a process that died mid-job leaves behind: four pending lines, and …
    const [untouched, landed, lost, settled] = (await nextPendingChunk(h.bff.store.read, jobId, null, 10))!.rows;
    const empty = { bits: [], customMark: '' };
    // … line 2: never announced (never sent);
    // line 3: announced, and the write reached Chat before the crash;
    // line 4: announced, the write never arrived;
    // line 5: announced, written and settled — entry and final state committed (the announcement
    // of a call with a line still to try again outlives it).
    await h.bff.store.write((tx) => announceWriteInTransaction(tx, jobId, 'crash.a', [landed!, lost!, settled!].map(({ line }) => ({ line, before: empty }))));
    for (const line of [landed!, settled!]) {
      await h.bff.chat.call('recentcontact/mark_contact', { From_Account: 'crash.a', MarkItem: [toMarkItem(line.conversation, line.change)] });
    }
    const after = { bits: [0, 33], customMark: 'after crash' };
    await recordEntry(
      h.bff.store,
      { staff: 'editor', chatUser: 'crash.a', conversation: settled!.conversation, requested: settled!.change, before: empty, after, status: 'applied', requestId: jobLineRequestId(jobId, settled!.line), reason: bulkJobReason(jobId) },
      h.bff.clock,
    );
    await h.bff.store.write((tx) => finishRowsInTransaction(tx, jobId, [{ line: settled!.line, status: 'applied' }]));

    const jobs = h.runner();
    await jobs.resumeInterrupted();
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', done: 4, applied: 4 });
    // Only the line never announced and the one whose write was lost went out again.
    expect(h.sent.sort()).toEqual([untouched!.conversation.id, lost!.conversation.id].sort());
    await h.expectAllApplied(jobId, rows);
    const entries = await jobAuditEntries(h.bff.store.read, jobId);
    expect(entries.find((entry) => entry.requestId === jobLineRequestId(jobId, landed!.line))).toMatchObject({ status: 'applied', before: empty, after });
    expect(await announcedWrites(h.bff.store.read, jobId)).toEqual([]);
  });

  it('a job cancelled while writes were in flight records the ones that landed and sends nothing', async () => {
    const rows = plannedRows(['crash.b'], 3, [34]);
    const jobId = await h.newJob(rows);
    await transitionJob(h.bff.store, jobId, ['checked'], 'running', { startedBy: 'editor', startedAt: new Date(h.bff.clock.now()).toISOString() });
    const [landed, lost] = (await nextPendingChunk(h.bff.store.read, jobId, null, 10))!.rows;
    const empty = { bits: [], customMark: '' };
    await h.bff.store.write((tx) => announceWriteInTransaction(tx, jobId, 'crash.b', [landed!, lost!].map(({ line }) => ({ line, before: empty }))));
    await h.bff.chat.call('recentcontact/mark_contact', { From_Account: 'crash.b', MarkItem: [toMarkItem(landed!.conversation, landed!.change)] });
    await transitionJob(h.bff.store, jobId, ['running'], 'cancelled', { finishedAt: null });

    const jobs = h.runner();
    await jobs.resumeInterrupted();
    await jobs.whenIdle(jobId);
    expect(h.sent).toEqual([]);
    const job = (await getJob(h.bff.store.read, jobId))!;
    expect(job).toMatchObject({ state: 'cancelled', applied: 1, cancelled: 2 });
    expect(job.finishedAt).not.toBeNull();
    expect((await jobAuditEntries(h.bff.store.read, jobId)).map((entry) => [entry.requestId, entry.status])).toEqual([[jobLineRequestId(jobId, landed!.line), 'applied']]);
    expect(await announcedWrites(h.bff.store.read, jobId)).toEqual([]);
  });

  it('a cancelled job whose unanswered calls cannot be settled yet is tried again later — not in a loop — and then finished', async () => {
    const { jobId } = await interruptedJob('recover.c', 2, [37]);
    await transitionJob(h.bff.store, jobId, ['running'], 'cancelled', { finishedAt: null });
    let readsFail = true;
    let reads = 0;
    const jobs = h.runner({
      retryDelayMs: { base: 5, max: 100 },
      chat: {
        ...h.recordingChat,
        async call(command, body, options) {
          if (command === 'recentcontact/search_contact_group') {
            reads++;
            if (readsFail) throw new ChatNetworkError(command, 'ECONNREFUSED', false);
          }
          return h.recordingChat.call(command, body, options);
        },
      },
    });
    const startedAt = Date.now();
    await jobs.resumeInterrupted();
    await h.until(() => reads >= 3);
    // Three attempts took at least two retry delays: no tight loop.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
    expect(await getJob(h.bff.store.read, jobId)).toMatchObject({ state: 'cancelled', finishedAt: null });

    readsFail = false;
    await h.until(async () => (await getJob(h.bff.store.read, jobId))!.finishedAt !== null);
    expect(await getJob(h.bff.store.read, jobId)).toMatchObject({ state: 'cancelled', cancelled: 2, applied: 0 });
    expect(await announcedWrites(h.bff.store.read, jobId)).toEqual([]);
    expect(h.sent).toEqual([]);
    await jobs.stop();
  });

  it('a transient failure while settling the previous run’s calls ("too frequent", the network) backs off and tries again: the job goes on', async () => {
    const { jobId, rows } = await interruptedJob('recover.t', 2, [39]);
    // The first two reads fail as the pipeline's own reads may: 60007 beyond the client's retries,
    // then the network; the third is answered.
    const failures = [new ChatApiError('recentcontact/search_contact_group', 60007, 'too frequent'), new ChatNetworkError('recentcontact/search_contact_group', 'ECONNRESET', true)];
    let reads = 0;
    const jobs = h.runner({
      chat: {
        ...h.recordingChat,
        async call(command, body, options) {
          if (command === 'recentcontact/search_contact_group') {
            const failure = failures[reads++];
            if (failure) throw failure;
          }
          return h.recordingChat.call(command, body, options);
        },
      },
    });
    await jobs.resumeInterrupted();
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 2, failed: 0 });
    expect((await getJob(h.bff.store.read, jobId))!.message).toBeNull();
    // Slowed down as the pipeline does on 60007.
    expect(h.penalized).toContain('recentcontact/search_contact_group');
    await h.expectAllApplied(jobId, rows);
    expect(await announcedWrites(h.bff.store.read, jobId)).toEqual([]);
  });

  it('a running job whose unanswered calls Chat keeps failing to read stops after the attempts allowed, and resume settles them', async () => {
    const { jobId, rows } = await interruptedJob('recover.r', 2, [38]);
    let readsFail = true;
    let reads = 0;
    const jobs = h.runner({
      maxRowAttempts: 3,
      chat: {
        ...h.recordingChat,
        async call(command, body, options) {
          if (command === 'recentcontact/search_contact_group') {
            reads++;
            if (readsFail) throw new ChatNetworkError(command, 'ECONNREFUSED', false);
          }
          return h.recordingChat.call(command, body, options);
        },
      },
    });
    await jobs.resumeInterrupted();
    await jobs.whenIdle(jobId);
    const stopped = (await jobs.status(jobId))!;
    expect(stopped).toMatchObject({ state: 'failed', done: 0 });
    expect(stopped.message).toContain('Chat could not be read to settle the calls the previous run left unanswered');
    expect(stopped.message).toContain('after 3 attempts');
    expect(reads).toBe(3);
    expect(h.sent).toEqual([]);

    readsFail = false;
    await jobs.resume(jobId);
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 2 });
    await h.expectAllApplied(jobId, rows);
  });

  it('a running job whose unanswered calls Chat refuses to read for a reason only a person can fix stops at once', async () => {
    const { jobId } = await interruptedJob('recover.h', 2, [40]);
    let reads = 0;
    const jobs = h.runner({
      chat: {
        ...h.recordingChat,
        async call(command, body, options) {
          if (command === 'recentcontact/search_contact_group') {
            reads++;
            // 50003: the request needs App admin permission — no retry fixes it.
            throw new ChatApiError(command, 50003, 'no admin');
          }
          return h.recordingChat.call(command, body, options);
        },
      },
    });
    await jobs.resumeInterrupted();
    await jobs.whenIdle(jobId);
    const stopped = (await jobs.status(jobId))!;
    expect(stopped).toMatchObject({ state: 'failed', done: 0 });
    expect(stopped.message).toMatch(/^Chat could not be read to settle the calls the previous run left unanswered: .*\(code 50003\)/);
    expect(reads).toBe(1);
    expect(h.sent).toEqual([]);
    expect(await announcedWrites(h.bff.store.read, jobId)).toHaveLength(1);
  });
});
