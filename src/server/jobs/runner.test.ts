// The job runner on its own (small chunks and batches, one reader and one writer so that a job
// lasts long enough to be paused), against the emulator.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChatCallAbortedError } from '../chat/client';
import { ChatNetworkError } from '../chat/errors';
import { createSlidingWindowLimiter } from '../chat/rate-limiter';
import { systemClock } from '../clock';
import { bitNamesFrom, readJobCsv } from './csv';
import { useRunnerHarness } from './runner-harness';
import { getJob } from './store';
import { storeCheckedJob } from './upload-store';
import { csvOf, jobAuditEntries, plannedRows, type PlannedRow } from './testing';

const h = useRunnerHarness();

describe('pause, resume, cancel', () => {
  it('a paused job stops sending, keeps what it did, and finishes on resume without repeating a row', async () => {
    const rows = plannedRows(['pause.a', 'pause.b'], 30, [2, 34]);
    const jobId = await h.newJob(rows);
    const jobs = h.runner();
    await h.bff.setFaults({ latencyMs: 30 });

    await jobs.start(jobId, 'editor');
    // While it runs, the status carries the recent call rate and an estimate of the time left. (The
    // lines count as done once their commit is in the database; the runner hears of the commit, and
    // counts them into its rate, a moment later.)
    await h.until(async () => {
      const status = (await jobs.status(jobId))!;
      return status.done >= 10 && status.etaSeconds !== null;
    });
    const running = (await jobs.status(jobId))!;
    expect(running.state).toBe('running');
    expect(running.callsPerSecond).toBeGreaterThan(0);
    expect(running.etaSeconds).toBeGreaterThan(0);
    const answer = await jobs.pause(jobId);
    expect(answer.state).toBe('paused');
    const sentWhilePaused = h.sent.length;
    await jobs.whenIdle(jobId);
    const paused = (await jobs.status(jobId))!;
    // The answer already had the count the job stopped at.
    expect(paused).toMatchObject({ state: 'paused', done: answer.done });
    expect(paused.done).toBeLessThan(60);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(h.sent.length).toBe(sentWhilePaused);
    expect((await jobs.status(jobId))!.done).toBe(paused.done);

    expect((await jobs.resume(jobId)).state).toBe('running');
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', done: 60, applied: 60 });
    expect(h.sent).toHaveLength(60);
    expect(new Set(h.sent).size).toBe(60);
    await h.expectAllApplied(jobId, rows);
  });

  it('pausing gives up the calls still waiting for the rate limiter: only those already sent land', async () => {
    const rows = plannedRows(['pause.queue'], 80, [3, 35]);
    const jobId = await h.newJob(rows);
    // mark_contact at 20 calls/s, eight writers: most calls of a batch of them wait their turn.
    const slowWrites = createSlidingWindowLimiter(20, systemClock, 0);
    const entered: number[] = [];
    let passedLimiter = 0;
    const jobs = h.runner({
      writeConcurrency: 8,
      chunkRows: 40,
      chat: {
        ...h.recordingChat,
        async call(command, body, options) {
          if (command === 'recentcontact/mark_contact') {
            entered.push(Date.now());
            await slowWrites.acquire(options?.signal).catch(() => {
              throw new ChatCallAbortedError();
            });
            passedLimiter++;
          }
          return h.recordingChat.call(command, body, options);
        },
      },
    });
    await jobs.start(jobId, 'editor');
    await h.until(() => h.sent.length >= 10);
    const passedBeforePause = passedLimiter;
    const answer = await jobs.pause(jobId);
    expect(slowWrites.pending()).toBe(0);
    // Calls were waiting (entered, not sent); only those already past the limiter went out.
    expect(entered.length * 5).toBeGreaterThan(h.sent.length);
    expect(passedLimiter).toBe(passedBeforePause);
    expect(h.sent).toHaveLength(passedBeforePause * 5);
    // Nothing more goes out, and every line that did is on record in the answer.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answer).toMatchObject({ state: 'paused', applied: h.sent.length, done: h.sent.length });
    expect(h.sent.length).toBeLessThan(80);

    await jobs.resume(jobId);
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 80 });
    expect(new Set(h.sent).size).toBe(80);
    expect(h.sent).toHaveLength(80);
  });

  it('a cancelled job finishes what is in flight, sends nothing more and marks the rest cancelled', async () => {
    const rows = plannedRows(['cancel.a'], 60, [3]);
    const jobId = await h.newJob(rows);
    const jobs = h.runner();
    await h.bff.setFaults({ latencyMs: 30 });

    await jobs.start(jobId, 'editor');
    await h.until(async () => (await jobs.status(jobId))!.done >= 10);
    expect((await jobs.cancel(jobId)).state).toBe('cancelled');
    await jobs.whenIdle(jobId);
    const job = (await getJob(h.bff.store.read, jobId))!;
    expect(job.state).toBe('cancelled');
    expect(job.finishedAt).not.toBeNull();
    expect(job.applied).toBeLessThan(60);
    expect(job.applied + job.cancelled).toBe(60);
    const sentAtEnd = h.sent.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(h.sent.length).toBe(sentAtEnd);
    expect(h.sent).toHaveLength(job.applied);
    expect(await jobAuditEntries(h.bff.store.read, jobId)).toHaveLength(job.applied);
  });
});

describe('failures', () => {
  it('a configuration error stops the job (failed, with the reason); after the fix, resume finishes it', async () => {
    const rows = plannedRows(['config.a'], 12, [0]);
    const jobId = await h.newJob(rows);
    const jobs = h.runner();
    // 50003: "the request needs App admin permission" — nothing a retry fixes.
    await h.bff.setFaults({ errorRate: { '50003': 1 } });
    await jobs.start(jobId, 'editor');
    await jobs.whenIdle(jobId);
    const failed = (await jobs.status(jobId))!;
    expect(failed).toMatchObject({ state: 'failed', done: 0 });
    expect(failed.message).toMatch(/Chat refused to read marks: .*\(code 50003\)/);

    await h.bff.setFaults({});
    await jobs.resume(jobId);
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 12 });
    await h.expectAllApplied(jobId, rows);
  });

  it('Chat busy for too long stops the job instead of failing its rows; resume tries again', async () => {
    const rows = plannedRows(['busy.a'], 8, [1]);
    const jobId = await h.newJob(rows);
    const jobs = h.runner({ maxRowAttempts: 3 });
    await h.bff.setFaults({ errorRate: { '50004': 1 } });
    await jobs.start(jobId, 'editor');
    await jobs.whenIdle(jobId);
    const stopped = (await jobs.status(jobId))!;
    expect(stopped).toMatchObject({ state: 'failed', failed: 0, done: 0 });
    expect(stopped.message).toContain('after 3 attempts');

    await h.bff.setFaults({});
    await jobs.resume(jobId);
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 8, failed: 0 });
    await h.expectAllApplied(jobId, rows);
  });

  it('"too frequent" (60007) beyond the client’s own retries slows the limiter down and the rows wait, never fail', async () => {
    const rows = plannedRows(['busy.b'], 6, [2]);
    const jobId = await h.newJob(rows);
    const jobs = h.runner();
    await h.bff.setFaults({ errorRate: { '60007': 1 } });
    await jobs.start(jobId, 'editor');
    await h.until(() => h.penalized.length > 0);
    expect(h.penalized[0]).toBe('recentcontact/search_contact_group');
    expect(await jobs.status(jobId)).toMatchObject({ state: 'running', failed: 0 });
    await h.bff.setFaults({});
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 6, failed: 0 });
    await h.expectAllApplied(jobId, rows);
  });

  it('a write whose answer was lost, and which landed, is recorded as applied from the state read before it', async () => {
    const rows = plannedRows(['lost.answer'], 3, [0, 36], 'gone missing');
    const jobId = await h.newJob(rows);
    let answersLost = 0;
    const jobs = h.runner({
      chat: {
        ...h.recordingChat,
        async call(command, body, options) {
          const response = await h.recordingChat.call(command, body, options);
          // The first mark_contact reaches Chat and is applied; its answer never comes back.
          if (command === 'recentcontact/mark_contact' && answersLost++ === 0) throw new ChatNetworkError(command, 'ECONNRESET', true);
          return response;
        },
      },
    });
    await jobs.start(jobId, 'editor');
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 3, unchanged: 0 });
    await h.expectAllApplied(jobId, rows);
    for (const entry of await jobAuditEntries(h.bff.store.read, jobId)) expect(entry.before).toEqual({ bits: [], customMark: '' });
  });

  it('rows of a chat user that is not imported fail, each on record, and the others go on', async () => {
    await h.bff.importUsers('known.user');
    const rows: PlannedRow[] = [
      { chatUser: 'known.user', conversation: { type: 'c2c', id: 'k1' }, setBits: [0] },
      { chatUser: 'ghost.user', conversation: { type: 'c2c', id: 'g1' }, setBits: [0] },
      { chatUser: 'ghost.user', conversation: { type: 'c2c', id: 'g2' }, setBits: [0] },
    ];
    const checked = await storeCheckedJob(h.bff.store, { createdBy: 'editor', clock: h.bff.clock }, readJobCsv(Readable.from([csvOf(rows)]), { names: bitNamesFrom({}) }));
    const jobs = h.runner();
    await jobs.start(checked.jobId, 'editor');
    await jobs.whenIdle(checked.jobId);
    expect(await jobs.status(checked.jobId)).toMatchObject({ state: 'done', applied: 1, failed: 2 });
    const entries = await jobAuditEntries(h.bff.store.read, checked.jobId);
    expect(entries.filter((entry) => entry.status === 'failed').map((entry) => entry.upstreamCode)).toEqual([50001, 50001]);
  });
});
