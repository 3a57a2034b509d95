// The job runner on its own (small chunks and batches, one reader and one writer so that a job
// lasts long enough to be paused), against the emulator.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toMarkItem } from '../../shared/marks/change';
import { ChatCallAbortedError, type ChatCallOptions, type ChatClient } from '../chat/client';
import { ChatNetworkError } from '../chat/errors';
import type { ChatCommand, RequestOf } from '../chat/commands';
import { createSlidingWindowLimiter } from '../chat/rate-limiter';
import { systemClock } from '../clock';
import { recordEntry } from '../store/audit';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import { bitNamesFrom, readJobCsv } from './csv';
import { jobLineRequestId, jobReason } from './ledger';
import { createJobRunner, type JobRunner, type JobRunnerOptions } from './runner';
import { announcedWrites, announceWriteInTransaction, finishRowsInTransaction, nextPendingChunk } from './line-store';
import { getJob, transitionJob } from './store';
import { storeCheckedJob } from './upload-store';
import { csvOf, jobAuditEntries, plannedRows, upstreamStates, type PlannedRow } from './testing';

let bff: TestBff;
/** conversation ids of every item the runner sent in mark_contact calls, in order. */
let sent: string[];
let recordingChat: Pick<ChatClient, 'call' | 'limiterFor'>;
/** Commands whose limiter the runner itself slowed down. */
let penalized: string[];

beforeAll(async () => {
  bff = await startTestBff();
  recordingChat = {
    async call<C extends ChatCommand>(command: C, body: RequestOf<C>, options?: ChatCallOptions) {
      let givenUp = false;
      try {
        return await bff.chat.call(command, body, options);
      } catch (error) {
        givenUp = error instanceof ChatCallAbortedError;
        throw error;
      } finally {
        // Only calls that went out: one given up before it was sent never reached Chat.
        if (command === 'recentcontact/mark_contact' && !givenUp) {
          for (const item of (body as RequestOf<'recentcontact/mark_contact'>).MarkItem) {
            sent.push('To_Account' in item.ContactItem ? item.ContactItem.To_Account : item.ContactItem.ToGroupId);
          }
        }
      }
    },
    limiterFor: (command) => {
      const limiter = bff.chat.limiterFor(command);
      return {
        ...limiter,
        limitPerSecond: limiter.limitPerSecond,
        penalize(delayMs?: number) {
          penalized.push(command);
          limiter.penalize(delayMs);
        },
      };
    },
  };
});
afterAll(() => bff.close());
beforeEach(async () => {
  sent = [];
  penalized = [];
  await bff.setFaults({});
});

function runner(options: Partial<Omit<JobRunnerOptions, 'ledger' | 'log'>> = {}): JobRunner {
  return createJobRunner({
    store: bff.store,
    chat: recordingChat,
    clock: bff.clock,
    ledger: bff.app.ledger,
    log: bff.app.log,
    readConcurrency: 1,
    writeConcurrency: 1,
    chunkRows: 10,
    writeBatchRows: 5,
    retryDelayMs: { base: 5, max: 20 },
    ...options,
  });
}

async function newJob(rows: PlannedRow[]): Promise<string> {
  await bff.importUsers(...new Set(rows.map((row) => row.chatUser)));
  const checked = await storeCheckedJob(bff.store, { createdBy: 'editor', clock: bff.clock }, readJobCsv(Readable.from([csvOf(rows)]), { names: bitNamesFrom({}) }));
  return checked.jobId;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function expectAllApplied(jobId: string, rows: PlannedRow[]): Promise<void> {
  const states = await upstreamStates(bff.chat, rows);
  for (const row of rows) {
    expect(states.get(`${row.chatUser}/${row.conversation.id}`), row.conversation.id).toEqual({ bits: row.setBits, customMark: row.customMark ?? '' });
  }
  const entries = await jobAuditEntries(bff.store.read, jobId);
  expect(entries).toHaveLength(rows.length);
  expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(rows.length);
  expect(entries.every((entry) => entry.status === 'applied')).toBe(true);
}

describe('pause, resume, cancel', () => {
  it('a paused job stops sending, keeps what it did, and finishes on resume without repeating a row', async () => {
    const rows = plannedRows(['pause.a', 'pause.b'], 30, [2, 34]);
    const jobId = await newJob(rows);
    const jobs = runner();
    await bff.setFaults({ latencyMs: 30 });

    await jobs.start(jobId, 'editor');
    // While it runs, the status carries the recent call rate and an estimate of the time left. (The
    // lines count as done once their commit is in the database; the runner hears of the commit, and
    // counts them into its rate, a moment later.)
    await until(async () => {
      const status = (await jobs.status(jobId))!;
      return status.done >= 10 && status.etaSeconds !== null;
    });
    const running = (await jobs.status(jobId))!;
    expect(running.state).toBe('running');
    expect(running.callsPerSecond).toBeGreaterThan(0);
    expect(running.etaSeconds).toBeGreaterThan(0);
    const answer = await jobs.pause(jobId);
    expect(answer.state).toBe('paused');
    const sentWhilePaused = sent.length;
    await jobs.whenIdle(jobId);
    const paused = (await jobs.status(jobId))!;
    // The answer already had the count the job stopped at.
    expect(paused).toMatchObject({ state: 'paused', done: answer.done });
    expect(paused.done).toBeLessThan(60);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sent.length).toBe(sentWhilePaused);
    expect((await jobs.status(jobId))!.done).toBe(paused.done);

    expect((await jobs.resume(jobId)).state).toBe('running');
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', done: 60, applied: 60 });
    expect(sent).toHaveLength(60);
    expect(new Set(sent).size).toBe(60);
    await expectAllApplied(jobId, rows);
  });

  it('pausing gives up the calls still waiting for the rate limiter: only those already sent land', async () => {
    const rows = plannedRows(['pause.queue'], 80, [3, 35]);
    const jobId = await newJob(rows);
    // mark_contact at 20 calls/s, eight writers: most calls of a batch of them wait their turn.
    const slowWrites = createSlidingWindowLimiter(20, systemClock, 0);
    const entered: number[] = [];
    let passedLimiter = 0;
    const jobs = runner({
      writeConcurrency: 8,
      chunkRows: 40,
      chat: {
        ...recordingChat,
        async call(command, body, options) {
          if (command === 'recentcontact/mark_contact') {
            entered.push(Date.now());
            await slowWrites.acquire(options?.signal).catch(() => {
              throw new ChatCallAbortedError();
            });
            passedLimiter++;
          }
          return recordingChat.call(command, body, options);
        },
      },
    });
    await jobs.start(jobId, 'editor');
    await until(() => sent.length >= 10);
    const passedBeforePause = passedLimiter;
    const answer = await jobs.pause(jobId);
    expect(slowWrites.pending()).toBe(0);
    // Calls were waiting (entered, not sent); only those already past the limiter went out.
    expect(entered.length * 5).toBeGreaterThan(sent.length);
    expect(passedLimiter).toBe(passedBeforePause);
    expect(sent).toHaveLength(passedBeforePause * 5);
    // Nothing more goes out, and every line that did is on record in the answer.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answer).toMatchObject({ state: 'paused', applied: sent.length, done: sent.length });
    expect(sent.length).toBeLessThan(80);

    await jobs.resume(jobId);
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 80 });
    expect(new Set(sent).size).toBe(80);
    expect(sent).toHaveLength(80);
  });

  it('a cancelled job finishes what is in flight, sends nothing more and marks the rest cancelled', async () => {
    const rows = plannedRows(['cancel.a'], 60, [3]);
    const jobId = await newJob(rows);
    const jobs = runner();
    await bff.setFaults({ latencyMs: 30 });

    await jobs.start(jobId, 'editor');
    await until(async () => (await jobs.status(jobId))!.done >= 10);
    expect((await jobs.cancel(jobId)).state).toBe('cancelled');
    await jobs.whenIdle(jobId);
    const job = (await getJob(bff.store.read, jobId))!;
    expect(job.state).toBe('cancelled');
    expect(job.finishedAt).not.toBeNull();
    expect(job.applied).toBeLessThan(60);
    expect(job.applied + job.cancelled).toBe(60);
    const sentAtEnd = sent.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sent.length).toBe(sentAtEnd);
    expect(sent).toHaveLength(job.applied);
    expect(await jobAuditEntries(bff.store.read, jobId)).toHaveLength(job.applied);
  });
});

describe('failures', () => {
  it('a configuration error stops the job (failed, with the reason); after the fix, resume finishes it', async () => {
    const rows = plannedRows(['config.a'], 12, [0]);
    const jobId = await newJob(rows);
    const jobs = runner();
    // 50003: "the request needs App admin permission" — nothing a retry fixes.
    await bff.setFaults({ errorRate: { '50003': 1 } });
    await jobs.start(jobId, 'editor');
    await jobs.whenIdle(jobId);
    const failed = (await jobs.status(jobId))!;
    expect(failed).toMatchObject({ state: 'failed', done: 0 });
    expect(failed.message).toMatch(/Chat refused to read marks: .*\(code 50003\)/);

    await bff.setFaults({});
    await jobs.resume(jobId);
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 12 });
    await expectAllApplied(jobId, rows);
  });

  it('Chat busy for too long stops the job instead of failing its rows; resume tries again', async () => {
    const rows = plannedRows(['busy.a'], 8, [1]);
    const jobId = await newJob(rows);
    const jobs = runner({ maxRowAttempts: 3 });
    await bff.setFaults({ errorRate: { '50004': 1 } });
    await jobs.start(jobId, 'editor');
    await jobs.whenIdle(jobId);
    const stopped = (await jobs.status(jobId))!;
    expect(stopped).toMatchObject({ state: 'failed', failed: 0, done: 0 });
    expect(stopped.message).toContain('after 3 attempts');

    await bff.setFaults({});
    await jobs.resume(jobId);
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 8, failed: 0 });
    await expectAllApplied(jobId, rows);
  });

  it('"too frequent" (60007) beyond the client’s own retries slows the limiter down and the rows wait, never fail', async () => {
    const rows = plannedRows(['busy.b'], 6, [2]);
    const jobId = await newJob(rows);
    const jobs = runner();
    await bff.setFaults({ errorRate: { '60007': 1 } });
    await jobs.start(jobId, 'editor');
    await until(() => penalized.length > 0);
    expect(penalized[0]).toBe('recentcontact/search_contact_group');
    expect(await jobs.status(jobId)).toMatchObject({ state: 'running', failed: 0 });
    await bff.setFaults({});
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 6, failed: 0 });
    await expectAllApplied(jobId, rows);
  });

  it('a write whose answer was lost, and which landed, is recorded as applied from the state read before it', async () => {
    const rows = plannedRows(['lost.answer'], 3, [0, 36], 'gone missing');
    const jobId = await newJob(rows);
    let answersLost = 0;
    const jobs = runner({
      chat: {
        ...recordingChat,
        async call(command, body, options) {
          const response = await recordingChat.call(command, body, options);
          // The first mark_contact reaches Chat and is applied; its answer never comes back.
          if (command === 'recentcontact/mark_contact' && answersLost++ === 0) throw new ChatNetworkError(command, 'ECONNRESET', true);
          return response;
        },
      },
    });
    await jobs.start(jobId, 'editor');
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 3, unchanged: 0 });
    await expectAllApplied(jobId, rows);
    for (const entry of await jobAuditEntries(bff.store.read, jobId)) expect(entry.before).toEqual({ bits: [], customMark: '' });
  });

  it('rows of a chat user that is not imported fail, each on record, and the others go on', async () => {
    await bff.importUsers('known.user');
    const rows: PlannedRow[] = [
      { chatUser: 'known.user', conversation: { type: 'c2c', id: 'k1' }, setBits: [0] },
      { chatUser: 'ghost.user', conversation: { type: 'c2c', id: 'g1' }, setBits: [0] },
      { chatUser: 'ghost.user', conversation: { type: 'c2c', id: 'g2' }, setBits: [0] },
    ];
    const checked = await storeCheckedJob(bff.store, { createdBy: 'editor', clock: bff.clock }, readJobCsv(Readable.from([csvOf(rows)]), { names: bitNamesFrom({}) }));
    const jobs = runner();
    await jobs.start(checked.jobId, 'editor');
    await jobs.whenIdle(checked.jobId);
    expect(await jobs.status(checked.jobId)).toMatchObject({ state: 'done', applied: 1, failed: 2 });
    const entries = await jobAuditEntries(bff.store.read, checked.jobId);
    expect(entries.filter((entry) => entry.status === 'failed').map((entry) => entry.upstreamCode)).toEqual([50001, 50001]);
  });
});

/** What a process that died mid-job can leave: a running job whose lines' call was announced, nothing sent. */
async function interruptedJob(chatUser: string, lines: number, setBits: number[]): Promise<{ jobId: string; rows: PlannedRow[] }> {
  const rows = plannedRows([chatUser], lines, setBits);
  const jobId = await newJob(rows);
  await transitionJob(bff.store, jobId, ['checked'], 'running', { startedBy: 'editor', startedAt: new Date(bff.clock.now()).toISOString() });
  const pending = (await nextPendingChunk(bff.store.read, jobId, null, 10))!.rows;
  await bff.store.write((tx) => announceWriteInTransaction(tx, jobId, chatUser, pending.map(({ line }) => ({ line, before: { bits: [], customMark: '' } }))));
  return { jobId, rows };
}

describe('taking over after a crash', () => {
  it('settles the calls announced before a crash from Chat’s state: landed writes recorded, the rest sent — one entry per line', async () => {
    const rows = plannedRows(['crash.a'], 4, [0, 33], 'after crash');
    const jobId = await newJob(rows);
    await transitionJob(bff.store, jobId, ['checked'], 'running', { startedBy: 'editor', startedAt: new Date(bff.clock.now()).toISOString() });
    // What a process that died mid-job leaves behind: four pending lines, and …
    const [untouched, landed, lost, settled] = (await nextPendingChunk(bff.store.read, jobId, null, 10))!.rows;
    const empty = { bits: [], customMark: '' };
    // … line 2: never announced (never sent);
    // line 3: announced, and the write reached Chat before the crash;
    // line 4: announced, the write never arrived;
    // line 5: announced, written and settled — entry and final state committed (the announcement
    // of a call with a line still to try again outlives it).
    await bff.store.write((tx) => announceWriteInTransaction(tx, jobId, 'crash.a', [landed!, lost!, settled!].map(({ line }) => ({ line, before: empty }))));
    for (const line of [landed!, settled!]) {
      await bff.chat.call('recentcontact/mark_contact', { From_Account: 'crash.a', MarkItem: [toMarkItem(line.conversation, line.change)] });
    }
    const after = { bits: [0, 33], customMark: 'after crash' };
    await recordEntry(
      bff.store,
      { staff: 'editor', chatUser: 'crash.a', conversation: settled!.conversation, requested: settled!.change, before: empty, after, status: 'applied', requestId: jobLineRequestId(jobId, settled!.line), reason: jobReason(jobId) },
      bff.clock,
    );
    await bff.store.write((tx) => finishRowsInTransaction(tx, jobId, [{ line: settled!.line, status: 'applied' }]));

    const jobs = runner();
    await jobs.resumeInterrupted();
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', done: 4, applied: 4 });
    // Only the line never announced and the one whose write was lost went out again.
    expect(sent.sort()).toEqual([untouched!.conversation.id, lost!.conversation.id].sort());
    await expectAllApplied(jobId, rows);
    const entries = await jobAuditEntries(bff.store.read, jobId);
    expect(entries.find((entry) => entry.requestId === jobLineRequestId(jobId, landed!.line))).toMatchObject({ status: 'applied', before: empty, after });
    expect(await announcedWrites(bff.store.read, jobId)).toEqual([]);
  });

  it('a job cancelled while writes were in flight records the ones that landed and sends nothing', async () => {
    const rows = plannedRows(['crash.b'], 3, [34]);
    const jobId = await newJob(rows);
    await transitionJob(bff.store, jobId, ['checked'], 'running', { startedBy: 'editor', startedAt: new Date(bff.clock.now()).toISOString() });
    const [landed, lost] = (await nextPendingChunk(bff.store.read, jobId, null, 10))!.rows;
    const empty = { bits: [], customMark: '' };
    await bff.store.write((tx) => announceWriteInTransaction(tx, jobId, 'crash.b', [landed!, lost!].map(({ line }) => ({ line, before: empty }))));
    await bff.chat.call('recentcontact/mark_contact', { From_Account: 'crash.b', MarkItem: [toMarkItem(landed!.conversation, landed!.change)] });
    await transitionJob(bff.store, jobId, ['running'], 'cancelled', { finishedAt: null });

    const jobs = runner();
    await jobs.resumeInterrupted();
    await jobs.whenIdle(jobId);
    expect(sent).toEqual([]);
    const job = (await getJob(bff.store.read, jobId))!;
    expect(job).toMatchObject({ state: 'cancelled', applied: 1, cancelled: 2 });
    expect(job.finishedAt).not.toBeNull();
    expect((await jobAuditEntries(bff.store.read, jobId)).map((entry) => [entry.requestId, entry.status])).toEqual([[jobLineRequestId(jobId, landed!.line), 'applied']]);
    expect(await announcedWrites(bff.store.read, jobId)).toEqual([]);
  });

  it('a cancelled job whose unanswered calls cannot be settled yet is tried again later — not in a loop — and then finished', async () => {
    const { jobId } = await interruptedJob('recover.c', 2, [37]);
    await transitionJob(bff.store, jobId, ['running'], 'cancelled', { finishedAt: null });
    let readsFail = true;
    let reads = 0;
    const jobs = runner({
      retryDelayMs: { base: 5, max: 100 },
      chat: {
        ...recordingChat,
        async call(command, body, options) {
          if (command === 'recentcontact/search_contact_group') {
            reads++;
            if (readsFail) throw new ChatNetworkError(command, 'ECONNREFUSED', false);
          }
          return recordingChat.call(command, body, options);
        },
      },
    });
    const startedAt = Date.now();
    await jobs.resumeInterrupted();
    await until(() => reads >= 3);
    // Three attempts took at least two retry delays: no tight loop.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
    expect(await getJob(bff.store.read, jobId)).toMatchObject({ state: 'cancelled', finishedAt: null });

    readsFail = false;
    await until(async () => (await getJob(bff.store.read, jobId))!.finishedAt !== null);
    expect(await getJob(bff.store.read, jobId)).toMatchObject({ state: 'cancelled', cancelled: 2, applied: 0 });
    expect(await announcedWrites(bff.store.read, jobId)).toEqual([]);
    expect(sent).toEqual([]);
    await jobs.stop();
  });

  it('a running job whose unanswered calls cannot be settled stops with the reason, and resume settles them', async () => {
    const { jobId, rows } = await interruptedJob('recover.r', 2, [38]);
    let readsFail = true;
    const jobs = runner({
      chat: {
        ...recordingChat,
        async call(command, body, options) {
          if (command === 'recentcontact/search_contact_group' && readsFail) throw new ChatNetworkError(command, 'ECONNREFUSED', false);
          return recordingChat.call(command, body, options);
        },
      },
    });
    await jobs.resumeInterrupted();
    await jobs.whenIdle(jobId);
    const stopped = (await jobs.status(jobId))!;
    expect(stopped).toMatchObject({ state: 'failed', done: 0 });
    expect(stopped.message).toContain('Chat could not be read to settle the calls the previous run left unanswered');

    readsFail = false;
    await jobs.resume(jobId);
    await jobs.whenIdle(jobId);
    expect(await jobs.status(jobId)).toMatchObject({ state: 'done', applied: 2 });
    await expectAllApplied(jobId, rows);
  });
});
