// Runs bulk jobs against Chat at the upstream rate ceiling (bff-api §4.4).
//
// A job's pending lines are taken a chunk at a time — up to 900 lines of one chat user — and flow
// through a two-stage pipeline:
//   readers: claim a chunk → read every `before` (search_contact_group, ≤300 per call, in parallel)
//            → settle the lines that need no write (unchanged) → audit intents of the rest, in one
//            transaction → hand them on in batches of ≤100;
//   writers: mark_contact → audit outcome → line final.
// Outcomes and final line states are committed in groups (every few dozen milliseconds) rather
// than per call: a commit costs far more than a row, and a line whose outcome was not committed
// yet when the process died is settled from Chat's state on restart, like any open intent.
// Reads and writes have their own per-command limiters in the Chat client, so reads run ahead on
// their own budget while enough writes wait at the mark_contact limiter to keep it busy. Each line
// gets exactly the semantics of an interactive mark (services/mark-writer): one audit entry, the
// intent durable before the write is sent, unchanged lines not sent, reason `bulk job {id}`.
//
// Restarts: a line is `claimed` while the runner holds it. After a crash, claimed lines are looked
// up in the audit log by their request id (job:{id}:line:{n}): no entry → never sent, take it
// again; a finished entry → copy its result; an intent without outcome → the write may or may not
// have landed. Writes are deltas, so such a line is simply read again: if Chat already shows the
// change it is recorded as applied, else it is sent again — under the same audit entry.
//
// Transient failures (Chat busy, 60007 after the client's own retries, network) put lines back to
// pending and slow the runner down instead of failing them; configuration errors stop the job
// (state failed) so that someone can fix the cause and resume it.
import { chatErrorInfo, chatErrorMessage, isTransientChatErrorClass } from '../../shared/chat-errors/catalogue';
import { applyChange, sameMarkState, toMarkItem, type MarkState } from '../../shared/marks/change';
import { conversationKey, toContactItem } from '../../shared/marks/conversation';
import { bitsFromMask } from '../../shared/marks/mask';
import { ChatClientClosedError, type ChatClient } from '../chat/client';
import { isChatError } from '../chat/errors';
import { MARK_CONTACT_MAX_ITEMS, SEARCH_CONTACT_GROUP_MAX_ITEMS, searchContactGroup } from '../chat/helpers';
import { appendEntries, appendIntents, appendOutcomes, getAuditEntry, queryAudit, recordEntries, type AuditIntent, type AuditOutcome } from '../store/audit';
import { immediateTransaction, type Clock, type Store } from '../store/database';
import {
  cancelPendingRows,
  claimChunk,
  claimedRows,
  deleteUnfinishedUploads,
  finishRows,
  finishRowsInTransaction,
  getJob,
  jobIdsInState,
  listJobs,
  requeueRows,
  resetAttempts,
  toJobStatus,
  transitionJob,
  type ClaimedChunk,
  type JobRecord,
  type RowResult,
  type WorkRow,
} from './store';
import type { JobStatus } from '../../shared/api/jobs';

/** What the runner logs through (a pino/Fastify logger fits). */
export type JobLog = {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
};

export type JobRunnerOptions = {
  store: Store;
  chat: Pick<ChatClient, 'call' | 'limiterFor'>;
  /** Timestamps of jobs and audit entries. Pacing uses real time. */
  clock: Clock;
  log?: JobLog;
  /** Chunks being read at once (default 4: 12 search calls, plenty for 200 writes/s). */
  readConcurrency?: number;
  /**
   * mark_contact calls in flight at once (default 32): enough to keep a 200 calls/s limiter busy
   * when Chat answers in 100 ms, few enough that an interactive mark queued behind them waits
   * a fraction of a second.
   */
  writeConcurrency?: number;
  /** Lines claimed at once (one chat user's), ≤900 (default); read 300 per call. */
  chunkRows?: number;
  /** Lines per mark_contact call, ≤100 (Tencent's maximum, the default). */
  writeBatchRows?: number;
  /** A line that fails transiently this many times stops the job (default 8). */
  maxRowAttempts?: number;
  /** Pause after a transient failure, doubled while they continue (default 250 ms … 10 s). */
  retryDelayMs?: { base: number; max: number };
};

export type JobControlErrorCode = 'NOT_FOUND' | 'CONFLICT';

export class JobControlError extends Error {
  override readonly name = 'JobControlError';
  constructor(
    readonly code: JobControlErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type JobRunner = {
  status(jobId: string): JobStatus | null;
  list(limit: number): JobStatus[];
  start(jobId: string, staff: string): Promise<JobStatus>;
  pause(jobId: string): Promise<JobStatus>;
  /** Goes on with a paused job, or tries a failed one again. */
  resume(jobId: string): Promise<JobStatus>;
  cancel(jobId: string): Promise<JobStatus>;
  /** At server start: drops unfinished uploads, goes on with running jobs, settles cancelled ones. */
  resumeInterrupted(): Promise<void>;
  /** Resolves once no work is going on for the job (tests, shutdown). */
  whenIdle(jobId: string): Promise<void>;
  /** Stops taking new lines, lets what is in flight finish (or `timeoutMs` pass). Jobs stay running in the database. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  setLog(log: JobLog): void;
};

/** The request id on each line's audit entry; also how a restart finds that entry again. */
export function jobLineRequestId(jobId: string, line: number): string {
  return `job:${jobId}:line:${line}`;
}

export function jobReason(jobId: string): string {
  return `bulk job ${jobId}`;
}

const STATS_WINDOW_MS = 5000;
const MAX_CHUNK_ROWS = 3 * SEARCH_CONTACT_GROUP_MAX_ITEMS;
/** Outcomes and line results wait at most this long, or until this many have gathered, to be committed. */
const FLUSH_AFTER_MS = 100;
const FLUSH_ROWS = 2000;
const EMPTY_STATE: MarkState = { bits: [], customMark: '' };
const silentLog: JobLog = { info() {}, warn() {}, error() {} };

type Verdict = 'applied' | 'retry' | 'failed' | 'halt';

/** What a Chat code means for the lines it answered. `whole`: the whole call failed with it. */
function verdictFor(code: number, whole: boolean): Verdict {
  if (code === 0) return 'applied';
  const errorClass = chatErrorInfo(code).class;
  if (isTransientChatErrorClass(errorClass)) return 'retry';
  // 51013 (edition) is about what the line asks for: custom-mark-only lines still work.
  if (errorClass === 'caller' || code === 51013 || !whole) return 'failed';
  return 'halt';
}

const isFrequencyCode = (code: number) => chatErrorInfo(code).class === 'back-off';

function splitInto<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += size) parts.push(items.slice(start, start + size));
  return parts;
}

/** A bounded hand-over between readers and writers; push waits while it is full. */
class BatchQueue<T> {
  private readonly items: T[] = [];
  private readonly takers: ((item: T | undefined) => void)[] = [];
  private readonly pushers: (() => void)[] = [];
  private closed = false;
  constructor(private readonly capacity: number) {}

  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity && this.takers.length === 0) {
      await new Promise<void>((resolve) => this.pushers.push(resolve));
    }
    const taker = this.takers.shift();
    if (taker) taker(item);
    else this.items.push(item);
  }

  take(): Promise<T | undefined> {
    const item = this.items.shift();
    if (item !== undefined) {
      this.pushers.shift()?.();
      return Promise.resolve(item);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const taker of this.takers.splice(0)) taker(undefined);
  }
}

type StopReason = 'control' | 'shutdown' | 'halt';

/** A line to write, with the state read before and the state the write will produce. */
type WriteLine = WorkRow & { before: MarkState; after: MarkState };
type Batch = { chatUser: string; lines: WriteLine[]; chunk: ChunkTracker };
type ChunkTracker = { remaining: number };

/** One run of one job, from taking its first chunk to having nothing in flight. */
class Execution {
  readonly mode: 'run' | 'finish';
  private stopReason: StopReason | null = null;
  private haltMessage: string | null = null;
  private outstandingChunks = 0;
  private changeWaiters: (() => void)[] = [];
  private claimNotBefore = 0;
  private consecutiveFailures = 0;
  private readonly callTimes: number[] = [];
  private readonly lineTimes: { at: number; lines: number }[] = [];
  private readonly startedAtMs = Date.now();
  private readonly queue: BatchQueue<Batch>;
  private pendingOutcomes: AuditOutcome[] = [];
  private pendingResults: RowResult[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private staff = '';
  readonly finished: Promise<void>;

  constructor(
    private readonly runner: RunnerCore,
    readonly jobId: string,
    mode: 'run' | 'finish',
  ) {
    this.mode = mode;
    // Batches read and waiting for a writer; few, since they hold memory and the writers are fed anyway.
    this.queue = new BatchQueue(Math.max(1, Math.ceil(runner.writeConcurrency / 2)));
    this.finished = this.run();
  }

  stop(reason: StopReason, message?: string): void {
    if (this.stopReason === null || reason === 'halt') this.stopReason = reason;
    if (reason === 'halt' && message !== undefined && this.haltMessage === null) this.haltMessage = message;
    this.notify();
  }

  live(totalRemaining: number): { callsPerSecond: number; etaSeconds: number | null } {
    const now = Date.now();
    this.trim(now);
    const span = Math.min(STATS_WINDOW_MS, Math.max(1, now - this.startedAtMs)) / 1000;
    const callsPerSecond = this.callTimes.length / span;
    const lines = this.lineTimes.reduce((sum, entry) => sum + entry.lines, 0);
    const linesPerSecond = lines / span;
    return { callsPerSecond, etaSeconds: linesPerSecond > 0 ? totalRemaining / linesPerSecond : null };
  }

  private trim(now: number): void {
    while (this.callTimes.length > 0 && this.callTimes[0]! < now - STATS_WINDOW_MS) this.callTimes.shift();
    while (this.lineTimes.length > 0 && this.lineTimes[0]!.at < now - STATS_WINDOW_MS) this.lineTimes.shift();
  }

  private notify(): void {
    for (const wake of this.changeWaiters.splice(0)) wake();
  }

  private changed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.changeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private get store(): Store {
    return this.runner.store;
  }

  private async run(): Promise<void> {
    const job = getJob(this.store, this.jobId);
    if (!job) return;
    this.staff = job.startedBy ?? job.createdBy;
    await this.recoverClaimedLines();
    const readers = Array.from({ length: this.runner.readConcurrency }, () => this.reader());
    const writers = Array.from({ length: this.runner.writeConcurrency }, () => this.writer());
    await Promise.all(readers);
    this.queue.close();
    await Promise.all(writers);
    await this.flush();
    await this.conclude();
  }

  /** After the pipeline has drained: record how the job ended, if it did. */
  private async conclude(): Promise<void> {
    const now = this.runner.clock.now().toISOString();
    if (this.stopReason === 'halt') {
      await transitionJob(this.store, this.jobId, ['running'], 'failed', { finishedAt: now, message: this.haltMessage ?? 'The job stopped.' });
      this.runner.log.warn({ event: 'job_failed', job: this.jobId, reason: this.haltMessage }, 'bulk job stopped');
      return;
    }
    if (this.stopReason !== null) return;
    if (this.mode === 'run') {
      if (await transitionJob(this.store, this.jobId, ['running'], 'done', { finishedAt: now })) {
        const job = getJob(this.store, this.jobId)!;
        this.runner.log.info(
          { event: 'sensitive_update', job: this.jobId, staff: this.staff, applied: job.applied, unchanged: job.unchanged, failed: job.failed },
          'bulk job done',
        );
      }
    } else if (getJob(this.store, this.jobId)?.state === 'cancelled') {
      await cancelPendingRows(this.store, this.jobId, now);
    }
  }

  // ---- recovery after a crash ----

  private async recoverClaimedLines(): Promise<void> {
    const orphans = claimedRows(this.store, this.jobId);
    if (orphans.length === 0) return;
    const finished: RowResult[] = [];
    const back: { line: number; auditId: string | null }[] = [];
    for (const row of orphans) {
      const entry = row.auditId !== null ? getAuditEntry(this.store, row.auditId) : this.findAuditEntry(row.chatUser, row);
      if (entry === null) back.push({ line: row.line, auditId: null });
      else if (entry.status === 'unknown') back.push({ line: row.line, auditId: entry.id });
      else {
        finished.push({
          line: row.line,
          status: entry.status,
          auditId: entry.id,
          ...(entry.upstreamCode !== undefined ? { upstreamCode: entry.upstreamCode } : {}),
          ...(entry.message !== undefined && entry.status === 'failed' ? { message: entry.message } : {}),
        });
      }
    }
    await finishRows(this.store, this.jobId, finished);
    await requeueRows(this.store, this.jobId, back, false);
    this.runner.log.info(
      { event: 'job_recovered', job: this.jobId, lines: orphans.length, alreadyFinished: finished.length, openIntents: back.filter((b) => b.auditId).length },
      'bulk job lines taken over after a restart',
    );
  }

  /** The audit entry written for a line, found through its conversation (indexed) and request id. */
  private findAuditEntry(chatUser: string, row: WorkRow) {
    const requestId = jobLineRequestId(this.jobId, row.line);
    let cursor: string | undefined;
    do {
      const page = queryAudit(this.store, {
        conversationType: row.conversation.type,
        conversationId: row.conversation.id,
        limit: 500,
        ...(cursor !== undefined ? { cursor } : {}),
      });
      const entry = page.entries.find((candidate) => candidate.requestId === requestId && candidate.chatUser === chatUser);
      if (entry) return entry;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return null;
  }

  // ---- readers ----

  private async reader(): Promise<void> {
    for (;;) {
      if (this.stopReason !== null) return;
      const wait = this.claimNotBefore - Date.now();
      if (wait > 0) {
        await this.changed(wait);
        continue;
      }
      const chunk = await claimChunk(this.store, this.jobId, this.runner.chunkRows, this.mode === 'finish');
      if (!chunk) {
        // Nothing pending now; lines in flight may still come back (transient failures).
        if (this.outstandingChunks === 0) return;
        await this.changed(1000);
        continue;
      }
      this.outstandingChunks++;
      const tracker: ChunkTracker = { remaining: 1 };
      try {
        await this.readChunk(chunk, tracker);
      } catch (error) {
        // The lines stay claimed; the next run settles them from the audit log.
        this.unexpected(error);
      } finally {
        this.settle(tracker);
      }
    }
  }

  private settle(tracker: ChunkTracker): void {
    if (--tracker.remaining === 0) {
      this.outstandingChunks--;
      this.notify();
    }
  }

  private async readChunk(chunk: ClaimedChunk, tracker: ChunkTracker): Promise<void> {
    const states = new Map<string, MarkState>();
    const reads = await Promise.allSettled(
      splitInto(chunk.rows, SEARCH_CONTACT_GROUP_MAX_ITEMS).map(async (part) => {
        const { items } = await searchContactGroup(this.runner.chat, chunk.chatUser, part.map((row) => toContactItem(row.conversation)), { concurrency: 1 });
        for (const marks of items) states.set(conversationKey(marks.conversation), { bits: bitsFromMask(marks.mask), customMark: marks.customMark });
      }),
    );
    const failure = reads.find((read) => read.status === 'rejected');
    if (failure) {
      if (!isChatError(failure.reason)) throw failure.reason;
      await this.readFailed(chunk, failure.reason.code);
      return;
    }
    this.succeeded();

    const unchanged: { row: WorkRow; state: MarkState }[] = [];
    const confirmed: { row: WorkRow; state: MarkState }[] = [];
    const toWrite: WriteLine[] = [];
    for (const row of chunk.rows) {
      const state = states.get(conversationKey(row.conversation)) ?? EMPTY_STATE;
      const after = applyChange(state, row.change);
      if (sameMarkState(state, after)) (row.auditId === null ? unchanged : confirmed).push({ row, state });
      else toWrite.push({ ...row, before: state, after });
    }

    // Already in the requested state: a fresh line is `unchanged` (nothing sent); a line whose
    // intent is open had its write land before the answer was lost, so it is `applied`. Those lines
    // are final now. The intents of the lines to write are durable before anything is sent: a
    // crash leaves open intents, never a write without one. All of it in one transaction.
    const fresh = toWrite.filter((line) => line.auditId === null);
    const at = this.runner.clock.now();
    const ids = await immediateTransaction(this.store, () => {
      const unchangedIds = appendEntries(
        this.store,
        unchanged.map(({ row, state }) => ({ ...this.intentOf(chunk.chatUser, row, state), status: 'unchanged' as const, after: state })),
        at,
      );
      appendOutcomes(
        this.store,
        confirmed.map(({ row, state }): AuditOutcome => ({ entryId: row.auditId!, status: 'applied', before: null, after: state })),
        at,
      );
      finishRowsInTransaction(this.store, this.jobId, [
        ...unchanged.map(({ row }, index): RowResult => ({ line: row.line, status: 'unchanged', auditId: unchangedIds[index]! })),
        ...confirmed.map(({ row }): RowResult => ({ line: row.line, status: 'applied', auditId: row.auditId! })),
      ]);
      return appendIntents(
        this.store,
        fresh.map((line) => this.intentOf(chunk.chatUser, line, line.before)),
        at,
      );
    });
    this.linesDone(unchanged.length + confirmed.length);
    fresh.forEach((line, index) => (line.auditId = ids[index]!));

    for (const lines of splitInto(toWrite, this.runner.writeBatchRows)) {
      tracker.remaining++;
      await this.queue.push({ chatUser: chunk.chatUser, lines, chunk: tracker });
    }
  }

  private async readFailed(chunk: ClaimedChunk, code: number): Promise<void> {
    const verdict = verdictFor(code, true);
    if (verdict === 'retry') {
      if (isFrequencyCode(code)) this.runner.chat.limiterFor('recentcontact/search_contact_group').penalize(1000);
      await this.retryLater(chunk.rows, code);
      return;
    }
    if (verdict === 'halt') {
      this.stop('halt', `Chat refused to read marks: ${chatErrorMessage(code, 'en')} (code ${code}). Fix the cause, then resume the job.`);
      await requeueRows(this.store, this.jobId, chunk.rows, false);
      return;
    }
    // E.g. 50001: the chat user is not imported. Every line of the chunk fails, each on record.
    const message = chatErrorMessage(code, 'en');
    const fresh = chunk.rows.filter((row) => row.auditId === null);
    const open = chunk.rows.filter((row) => row.auditId !== null);
    const freshIds = await recordEntries(
      this.store,
      fresh.map((row) => ({ ...this.intentOf(chunk.chatUser, row, null), status: 'failed' as const, after: null, upstreamCode: code, message })),
      this.runner.clock,
    );
    this.record(
      open.map((row): AuditOutcome => ({ entryId: row.auditId!, status: 'failed', before: null, after: null, upstreamCode: code, message })),
      [
        ...fresh.map((row, index): RowResult => ({ line: row.line, status: 'failed', auditId: freshIds[index]!, upstreamCode: code, message })),
        ...open.map((row): RowResult => ({ line: row.line, status: 'failed', auditId: row.auditId!, upstreamCode: code, message })),
      ],
    );
  }

  // ---- writers ----

  private async writer(): Promise<void> {
    for (;;) {
      const batch = await this.queue.take();
      if (!batch) return;
      try {
        if (this.stopReason === 'halt') await requeueRows(this.store, this.jobId, batch.lines, false);
        else await this.write(batch);
      } catch (error) {
        this.unexpected(error);
      } finally {
        this.settle(batch.chunk);
      }
    }
  }

  private async write(batch: Batch): Promise<void> {
    const codes = await this.sendMarks(batch);
    const results: RowResult[] = [];
    const outcomes: AuditOutcome[] = [];
    const retry: WriteLine[] = [];
    let retryCode = 0;
    batch.lines.forEach((line, index) => {
      const { code, whole } = codes[index]!;
      const verdict = verdictFor(code, whole);
      if (verdict === 'applied') {
        outcomes.push({ entryId: line.auditId!, status: 'applied', before: line.before, after: line.after });
        results.push({ line: line.line, status: 'applied', auditId: line.auditId! });
      } else if (verdict === 'failed') {
        const message = chatErrorMessage(code, 'en');
        outcomes.push({ entryId: line.auditId!, status: 'failed', before: line.before, after: line.before, upstreamCode: code, message });
        results.push({ line: line.line, status: 'failed', auditId: line.auditId!, upstreamCode: code, message });
      } else {
        retry.push(line);
        retryCode = code;
        if (verdict === 'halt') {
          this.stop('halt', `Chat refused to write marks: ${chatErrorMessage(code, 'en')} (code ${code}). Fix the cause, then resume the job.`);
        }
      }
    });
    this.record(outcomes, results);
    if (retry.length === 0) {
      this.succeeded();
      return;
    }
    // The intents stay open: the next attempt reads the state again and settles them.
    if (this.stopReason === 'halt') await requeueRows(this.store, this.jobId, retry, false);
    else {
      if (isFrequencyCode(retryCode)) this.runner.chat.limiterFor('recentcontact/mark_contact').penalize(1000);
      await this.retryLater(retry, retryCode);
    }
  }

  /** One mark_contact call; the code per line and whether the whole call failed with it. */
  private async sendMarks(batch: Batch): Promise<{ code: number; whole: boolean }[]> {
    const items = batch.lines.map((line) => toMarkItem(line.conversation, line.change));
    this.callTimes.push(Date.now());
    try {
      const response = await this.runner.chat.call('recentcontact/mark_contact', { From_Account: batch.chatUser, MarkItem: items });
      if (response.ResultItem.length !== items.length) return items.map(() => ({ code: -2, whole: true }));
      return response.ResultItem.map((result) => ({ code: result.ResultCode, whole: false }));
    } catch (error) {
      if (!isChatError(error)) throw error;
      return items.map(() => ({ code: error.code, whole: true }));
    }
  }

  // ---- shared steps ----

  private intentOf(chatUser: string, row: WorkRow, before: MarkState | null): AuditIntent {
    return {
      staff: this.staff,
      chatUser,
      conversation: row.conversation,
      requested: row.change,
      before,
      requestId: jobLineRequestId(this.jobId, row.line),
      reason: jobReason(this.jobId),
    };
  }

  /**
   * Outcomes and final line states, committed together with others shortly (group commit). Until
   * then a line is `claimed` with an open intent, which a restart settles from Chat's state.
   */
  private record(outcomes: AuditOutcome[], results: RowResult[]): void {
    if (outcomes.length === 0 && results.length === 0) return;
    for (const outcome of outcomes) this.pendingOutcomes.push(outcome);
    for (const result of results) this.pendingResults.push(result);
    if (this.pendingResults.length >= FLUSH_ROWS) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  private flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const outcomes = this.pendingOutcomes.splice(0);
    const results = this.pendingResults.splice(0);
    this.flushing = this.flushing
      .then(async () => {
        if (outcomes.length === 0 && results.length === 0) return;
        const at = this.runner.clock.now();
        await immediateTransaction(this.store, () => {
          appendOutcomes(this.store, outcomes, at);
          finishRowsInTransaction(this.store, this.jobId, results);
        });
        this.linesDone(results.length);
      })
      .catch((error: unknown) => this.unexpected(error));
    return this.flushing;
  }

  private linesDone(lines: number): void {
    if (lines > 0) this.lineTimes.push({ at: Date.now(), lines });
    this.trim(Date.now());
  }

  /** Lines back to pending after a transient failure; the runner pauses a little, longer each time. */
  private async retryLater(rows: readonly WorkRow[], code: number): Promise<void> {
    const attempts = await requeueRows(this.store, this.jobId, rows, true);
    this.consecutiveFailures++;
    const { base, max } = this.runner.retryDelayMs;
    this.claimNotBefore = Math.max(this.claimNotBefore, Date.now() + Math.min(max, base * 2 ** (this.consecutiveFailures - 1)));
    if (attempts >= this.runner.maxRowAttempts) {
      this.stop(
        'halt',
        `Chat kept failing (${chatErrorMessage(code, 'en')}, code ${code}); the job stopped after ${attempts} attempts at the same rows. Resume it to try again.`,
      );
    }
  }

  private succeeded(): void {
    this.consecutiveFailures = 0;
  }

  private unexpected(error: unknown): void {
    // The server is shutting down under us: the job goes on at the next start.
    if (error instanceof ChatClientClosedError) return this.stop('shutdown');
    this.runner.log.error({ err: error, job: this.jobId }, 'bulk job step failed');
    this.stop('halt', 'Markdesk hit an unexpected error while running the job. Resume it to try again; if it stops again, tell whoever runs the server.');
  }
}

type RunnerCore = {
  store: Store;
  chat: Pick<ChatClient, 'call' | 'limiterFor'>;
  clock: Clock;
  log: JobLog;
  readConcurrency: number;
  writeConcurrency: number;
  chunkRows: number;
  writeBatchRows: number;
  maxRowAttempts: number;
  retryDelayMs: { base: number; max: number };
};

function positive(value: number | undefined, fallback: number, max: number, name: string): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < 1 || resolved > max) throw new RangeError(`${name} must be an integer from 1 to ${max}`);
  return resolved;
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const core: RunnerCore = {
    store: options.store,
    chat: options.chat,
    clock: options.clock,
    log: options.log ?? silentLog,
    readConcurrency: positive(options.readConcurrency, 4, 64, 'readConcurrency'),
    writeConcurrency: positive(options.writeConcurrency, 32, 256, 'writeConcurrency'),
    chunkRows: positive(options.chunkRows, MAX_CHUNK_ROWS, MAX_CHUNK_ROWS, 'chunkRows'),
    writeBatchRows: positive(options.writeBatchRows, MARK_CONTACT_MAX_ITEMS, MARK_CONTACT_MAX_ITEMS, 'writeBatchRows'),
    maxRowAttempts: positive(options.maxRowAttempts, 8, 1000, 'maxRowAttempts'),
    retryDelayMs: options.retryDelayMs ?? { base: 250, max: 10_000 },
  };
  const { store } = core;
  const executions = new Map<string, Execution>();
  let stopping = false;

  /** Starts what the job's state calls for, unless something is already running for it. */
  function ensureExecution(jobId: string): void {
    if (stopping || executions.has(jobId)) return;
    const job = getJob(store, jobId);
    const mode = job?.state === 'running' ? 'run' : job?.state === 'cancelled' && job.finishedAt === null ? 'finish' : null;
    if (!mode) return;
    const execution = new Execution(core, jobId, mode);
    executions.set(jobId, execution);
    void execution.finished
      .catch((error: unknown) => core.log.error({ err: error, job: jobId }, 'bulk job run failed'))
      .finally(() => {
        executions.delete(jobId);
        // A control request may have changed what the job should do while this run drained.
        ensureExecution(jobId);
      });
  }

  function statusOf(job: JobRecord): JobStatus {
    const execution = executions.get(job.id);
    const remaining = job.validRows - (job.applied + job.unchanged + job.conflicts + job.failed);
    return toJobStatus(job, execution ? execution.live(remaining) : null);
  }

  function requireJob(jobId: string): JobRecord {
    const job = getJob(store, jobId);
    if (!job) throw new JobControlError('NOT_FOUND', 'There is no such job.');
    return job;
  }

  const conflict = (job: JobRecord, action: string, allowed: string) =>
    new JobControlError('CONFLICT', `The job is ${job.state}; only a ${allowed} job can be ${action}.`);

  function current(jobId: string): JobStatus {
    return statusOf(requireJob(jobId));
  }

  return {
    status(jobId) {
      const job = getJob(store, jobId);
      return job ? statusOf(job) : null;
    },
    list(limit) {
      return listJobs(store, limit).map(statusOf);
    },
    async start(jobId, staff) {
      const job = requireJob(jobId);
      const now = core.clock.now().toISOString();
      if (!(await transitionJob(store, jobId, ['checked'], 'running', { startedBy: staff, startedAt: now }))) throw conflict(job, 'started', 'checked');
      core.log.info({ event: 'sensitive_update', job: jobId, staff, rows: job.validRows }, 'bulk job started');
      ensureExecution(jobId);
      return current(jobId);
    },
    async pause(jobId) {
      const job = requireJob(jobId);
      if (!(await transitionJob(store, jobId, ['running'], 'paused'))) throw conflict(job, 'paused', 'running');
      executions.get(jobId)?.stop('control');
      return current(jobId);
    },
    async resume(jobId) {
      const job = requireJob(jobId);
      if (job.state === 'failed') await resetAttempts(store, jobId);
      if (!(await transitionJob(store, jobId, ['paused', 'failed'], 'running', { finishedAt: null, message: null }))) {
        throw conflict(job, 'resumed', 'paused or failed');
      }
      ensureExecution(jobId);
      return current(jobId);
    },
    async cancel(jobId) {
      const job = requireJob(jobId);
      if (!(await transitionJob(store, jobId, ['checked', 'running', 'paused', 'failed'], 'cancelled', { finishedAt: null }))) {
        throw conflict(job, 'cancelled', 'checked, running, paused or failed');
      }
      core.log.info({ event: 'sensitive_update', job: jobId, action: 'cancel' }, 'bulk job cancelled');
      executions.get(jobId)?.stop('control');
      ensureExecution(jobId);
      return current(jobId);
    },
    async resumeInterrupted() {
      stopping = false;
      await deleteUnfinishedUploads(store);
      for (const { id } of jobIdsInState(store, 'running')) ensureExecution(id);
      for (const { id, finishedAt } of jobIdsInState(store, 'cancelled')) if (finishedAt === null) ensureExecution(id);
    },
    async whenIdle(jobId) {
      for (let execution = executions.get(jobId); execution; execution = executions.get(jobId)) {
        await execution.finished.catch(() => {});
        // The .finally above may start a follow-up run in the same turn; look again.
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async stop(stopOptions = {}) {
      stopping = true;
      const running = [...executions.values()];
      for (const execution of running) execution.stop('shutdown');
      const drained = Promise.all(running.map((execution) => execution.finished.catch(() => {})));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, stopOptions.timeoutMs ?? 15_000)));
      await Promise.race([drained, timeout]);
      clearTimeout(timer);
    },
    setLog(log) {
      core.log = log;
    },
  };
}
