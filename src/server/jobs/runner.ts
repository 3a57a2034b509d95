// Runs bulk jobs against Chat at the upstream rate ceiling (bff-api §4.4).
//
// A job's pending lines are taken a chunk at a time — up to 900 lines of one chat user, in
// (chat user, line) order — and flow through a two-stage pipeline:
//   readers: take a chunk → read every `before` (search_contact_group, ≤300 per call, in parallel)
//            → settle the lines that need no write (unchanged) and announce the calls about to be
//            sent (job_writes), in one transaction → hand them on in batches of ≤100;
//   writers: mark_contact → each line's one audit entry and final state.
// Taking lines writes nothing: the runner remembers how far it got, and lines that must be tried
// again wait in memory. Entries and final line states are committed in groups (every 100 ms or
// 2,000 lines) rather than per call — a commit costs far more than a row — together with the
// deletion of the announcements they settle. The commits run on the job ledger (ledger.ts).
// A line tried again after an answer that never came keeps the state read before that call: if
// Chat shows the call's result when the line is read again, it landed and the line is applied.
// Reads and writes have their own per-command limiters in the Chat client, so reads run ahead on
// their own budget while enough writes wait at the mark_contact limiter to keep it busy. Each line
// gets the semantics of an interactive mark, through the same write path (services/mark-writer:
// the mark_contact call and its edition fallback; services/write-policy: what a code means, whether
// a lost answer landed): one audit entry with the state read before and the state written,
// unchanged lines not sent, reason `bulk job {id}`.
//
// Serialisation: each mark_contact call holds its Chat user's lock shared (services/chat-user-locks):
// calls of bulk jobs may overlap, an interactive save or an Undo of that user may not. When one of
// those wrote the user after a chunk was read, the call's lines are read again inside the lock first.
//
// Restarts: a line is final or pending in the database; nothing in between. An announcement still
// there names a call whose answer was lost: it may or may not have landed. Writes are deltas, so
// each of its lines is read again: if Chat shows exactly what the write would have produced, the
// line is recorded as applied (from the `before` announced); otherwise it stays pending and goes
// through the pipeline again — read, and sent if still needed.
//
// Transient failures (Chat busy, 60007 after the client's own retries, network) put lines back in
// line and slow the runner down instead of failing them; configuration errors stop the job (state
// failed) so that someone can fix the cause and resume it.
import { setMaxListeners } from 'node:events';
import { chatErrorInfo, chatErrorMessage } from '../../shared/chat-errors/catalogue';
import { applyChange, toMarkItem, type MarkState } from '../../shared/marks/change';
import { conversationKey } from '../../shared/marks/conversation';
import { ChatClientClosedError, type ChatClient } from '../chat/client';
import { isChatError } from '../chat/errors';
import { MARK_CONTACT_MAX_ITEMS, SEARCH_CONTACT_GROUP_MAX_ITEMS } from '../chat/helpers';
import { chatUserLocks, type ChatUserLocks } from '../services/chat-user-locks';
import { EMPTY_MARK_STATE, readMarkStates, sendMarkCall } from '../services/mark-writer';
import { decideItem, landed, verdictFor } from '../services/write-policy';
import type { Clock, Store } from '../store/database';
import { inlineLedger, type JobLedger, type LedgerCommit, type SettledLine } from './ledger';
import {
  announcedWrites,
  cancelPendingRows,
  deleteUnfinishedUploads,
  forgetJobWrites,
  getJob,
  jobIdsInState,
  listJobs,
  nextPendingChunk,
  pendingLine,
  toJobStatus,
  transitionJob,
  type PendingChunk,
  type JobRecord,
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
  /** Where lines' entries and states are committed (default: on the store's own connection). */
  ledger?: JobLedger;
  log?: JobLog;
  /** Chunks being read at once (default 4: 12 search calls, plenty for 200 writes/s). */
  readConcurrency?: number;
  /**
   * mark_contact calls in flight at once (default 32): enough to keep a 200 calls/s limiter busy
   * when Chat answers in 100 ms, few enough that an interactive mark queued behind them waits
   * a fraction of a second.
   */
  writeConcurrency?: number;
  /** Lines taken at once (one chat user's), ≤900 (default); read 300 per call. */
  chunkRows?: number;
  /** Lines per mark_contact call, ≤100 (Tencent's maximum, the default). */
  writeBatchRows?: number;
  /** A line that fails transiently this many times stops the job (default 8). */
  maxRowAttempts?: number;
  /**
   * Pause after a transient failure, doubled while they continue (default 250 ms … 10 s); a
   * cancelled job whose unanswered calls could not be settled is tried again after the longest.
   */
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

const STATS_WINDOW_MS = 5000;
const MAX_CHUNK_ROWS = 3 * SEARCH_CONTACT_GROUP_MAX_ITEMS;
/** Settled lines wait at most this long, or until this many have gathered, to be committed. */
const FLUSH_AFTER_MS = 100;
const FLUSH_ROWS = 2000;
/** Longest a pause or cancel request waits for the lines in flight to settle before it answers. */
const CONTROL_SETTLE_MAX_MS = 5000;
const silentLog: JobLog = { info() {}, warn() {}, error() {} };

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
/** `readMark`: the point in the user's write history the lines' states were read at (ChatUserLocks.mark). */
type Batch = { chatUser: string; lines: WriteLine[]; announcement: number; chunk: ChunkTracker; readMark: number };
type ChunkTracker = { remaining: number };

/** A line's outcome as its audit entry and final state will record it. */
function settledLine(
  chatUser: string,
  row: WorkRow,
  before: MarkState | null,
  status: SettledLine['status'],
  after: MarkState | null,
  upstreamCode?: number,
  message?: string,
): SettledLine {
  const line: SettledLine = { line: row.line, chatUser, conversation: row.conversation, change: row.change, before, after, status };
  if (row.revertOf !== undefined) line.revertOf = row.revertOf;
  if (upstreamCode !== undefined) line.upstreamCode = upstreamCode;
  if (message !== undefined) line.message = message;
  return line;
}

const GUARD_CONFLICT_MESSAGE = 'Not written: the conversation is not in the state this line requires.';

/** A line on the state just read: settled now (unchanged, or conflict with its guard), or to write. */
function decideLine(chatUser: string, row: WorkRow, states: Map<string, MarkState>): SettledLine | WriteLine {
  const before = states.get(conversationKey(row.conversation)) ?? EMPTY_MARK_STATE;
  const decision = decideItem(before, row.change, row.guard);
  if (decision === 'conflict') return settledLine(chatUser, row, before, 'conflict', before, undefined, GUARD_CONFLICT_MESSAGE);
  const after = applyChange(before, row.change);
  if (decision === 'unchanged') return settledLine(chatUser, row, before, 'unchanged', after);
  const { sentBefore: _sentBefore, ...line } = row;
  return { ...line, before, after };
}

/** One run of one job, from taking its first chunk to having nothing in flight. */
class Execution {
  readonly mode: 'run' | 'finish';
  private stopReason: StopReason | null = null;
  private haltMessage: string | null = null;
  private outstandingChunks = 0;
  private changeWaiters: (() => void)[] = [];
  private takeNotBefore = 0;
  private consecutiveFailures = 0;
  private readonly callTimes: number[] = [];
  private readonly lineTimes: { at: number; lines: number }[] = [];
  private readonly startedAtMs = Date.now();
  private readonly queue: BatchQueue<Batch>;
  /** Where taking pending lines from the database goes on: the last line taken. */
  private takenUpTo: { chatUser: string; line: number } | null = null;
  /** Lines taken before and to be tried again (transient failures), by chat user. */
  private readonly retry = new Map<string, WorkRow[]>();
  /** Transient failures per line in this run; too many stop the job. */
  private readonly attempts = new Map<number, number>();
  private pendingLines: SettledLine[] = [];
  private pendingForgotten: number[] = [];
  /** A commit failed in this run: from then on no announcement is deleted. */
  private commitFailed = false;
  /** Set when the run could not finish its work for now and should be tried again this much later. */
  retryAfterMs: number | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private staff = '';
  /** Aborted when the run stops: mark_contact calls not sent yet are given up. */
  private readonly stopping = new AbortController();
  readonly finished: Promise<void>;

  constructor(
    private readonly runner: RunnerCore,
    readonly jobId: string,
    mode: 'run' | 'finish',
  ) {
    this.mode = mode;
    // Every writer waiting at the limiter listens to it: dozens of listeners are expected, not a leak.
    setMaxListeners(0, this.stopping.signal);
    // Batches read and waiting for a writer; few, since they hold memory and the writers are fed anyway.
    this.queue = new BatchQueue(Math.max(1, Math.ceil(runner.writeConcurrency / 2)));
    this.finished = this.run();
  }

  stop(reason: StopReason, message?: string): void {
    if (this.stopReason === null || reason === 'halt') this.stopReason = reason;
    if (reason === 'halt' && message !== undefined && this.haltMessage === null) this.haltMessage = message;
    this.stopping.abort();
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
    let settled: boolean;
    try {
      settled = await this.settleAnnouncedWrites();
    } catch (error) {
      this.unexpected(error);
      if (this.mode === 'finish') this.retryAfterMs = this.runner.retryDelayMs.max;
      settled = false;
    }
    if (!settled) {
      if (this.mode === 'run') await this.conclude();
      return;
    }
    if (this.mode === 'run') {
      const readers = Array.from({ length: this.runner.readConcurrency }, () => this.reader());
      const writers = Array.from({ length: this.runner.writeConcurrency }, () => this.writer());
      await Promise.all(readers);
      this.queue.close();
      await Promise.all(writers);
      await this.flush();
    }
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
        await forgetJobWrites(this.store, this.jobId);
        const job = getJob(this.store, this.jobId)!;
        this.runner.log.info(
          { event: 'sensitive_update', job: this.jobId, staff: this.staff, applied: job.applied, unchanged: job.unchanged, failed: job.failed },
          'bulk job done',
        );
      }
    } else if (getJob(this.store, this.jobId)?.state === 'cancelled') {
      await cancelPendingRows(this.store, this.jobId, now);
      await forgetJobWrites(this.store, this.jobId);
    }
  }

  // ---- after a crash ----

  /**
   * Settles the calls announced by an earlier run whose answers never came (it stopped or crashed
   * meanwhile): a line whose write shows in Chat is applied; the others stay pending. False when
   * Chat could not be read (the run stops; the announcements stay for the next one).
   */
  private async settleAnnouncedWrites(): Promise<boolean> {
    const announced = announcedWrites(this.store, this.jobId);
    if (announced.length === 0) return true;
    // The latest announcement of a line has the latest `before`.
    const befores = new Map<number, MarkState>();
    for (const write of announced) for (const { line, before } of write.lines) befores.set(line, before);
    const byUser = new Map<string, WorkRow[]>();
    for (const [line, sentBefore] of befores) {
      const row = pendingLine(this.store, this.jobId, line);
      if (row) byUser.set(row.chatUser, [...(byUser.get(row.chatUser) ?? []), { line, conversation: row.conversation, change: row.change, sentBefore }]);
    }
    let landed = 0;
    for (const [chatUser, rows] of byUser) {
      let states: Map<string, MarkState>;
      try {
        states = await this.readStates(chatUser, rows);
      } catch (error) {
        if (!isChatError(error)) throw error;
        // Chat does not know the user (e.g. 50001): nothing of its can have landed. Its lines stay
        // pending and fail on record when they are read again (or are cancelled).
        if (verdictFor(error.code, true) === 'failed') continue;
        this.recoveryFailed(`Chat could not be read to settle the calls the previous run left unanswered: ${chatErrorMessage(error.code, 'en')} (code ${error.code}). Resume the job to try again.`);
        return false;
      }
      const settled = rows.map((row) => this.landedLine(chatUser, row, states)).filter((line): line is SettledLine => line !== null);
      this.settle(settled);
      landed += settled.length;
    }
    this.settle([], announced.map((write) => write.id));
    await this.flush();
    this.runner.log.info({ event: 'job_recovered', job: this.jobId, lines: befores.size, landed }, 'bulk job: calls whose answers the previous run did not see settled from Chat’s state');
    return true;
  }

  /**
   * A line whose earlier call may have landed unseen (sentBefore: the state read before it): if
   * Chat shows exactly what that call would have produced, the line is applied, from that state.
   */
  private landedLine(chatUser: string, row: WorkRow, states: Map<string, MarkState>): SettledLine | null {
    if (row.sentBefore === undefined) return null;
    if (!landed(row.sentBefore, row.change, states.get(conversationKey(row.conversation)) ?? EMPTY_MARK_STATE)) return null;
    return settledLine(chatUser, row, row.sentBefore, 'applied', applyChange(row.sentBefore, row.change));
  }

  /** Settling a previous run's calls failed: a run stops (resume tries again); finishing a cancel is tried again later. */
  private recoveryFailed(message: string): void {
    if (this.mode === 'run') this.stop('halt', message);
    else {
      this.runner.log.warn({ event: 'job_recovery_failed', job: this.jobId, reason: message }, 'bulk job: calls left unanswered not settled yet');
      this.retryAfterMs = this.runner.retryDelayMs.max;
    }
  }

  // ---- readers ----

  private async reader(): Promise<void> {
    for (;;) {
      if (this.stopReason !== null) return;
      const wait = this.takeNotBefore - Date.now();
      if (wait > 0) {
        await this.changed(wait);
        continue;
      }
      const chunk = this.takeChunk();
      if (!chunk) {
        // Nothing to take now; lines in flight may still come back (transient failures).
        if (this.outstandingChunks === 0) return;
        await this.changed(1000);
        continue;
      }
      this.outstandingChunks++;
      const tracker: ChunkTracker = { remaining: 1 };
      try {
        await this.readChunk(chunk, tracker);
      } catch (error) {
        // The lines stay pending in the database; the next run takes them again.
        this.unexpected(error);
      } finally {
        this.release(tracker);
      }
    }
  }

  /** Lines to try again first, then the next pending lines in the database. */
  private takeChunk(): PendingChunk | null {
    for (const [chatUser, rows] of this.retry) {
      const taken = rows.splice(0, this.runner.chunkRows);
      if (rows.length === 0) this.retry.delete(chatUser);
      return { chatUser, rows: taken };
    }
    // The first chunk is one call's worth: the first write leaves as soon as its lines are read,
    // instead of after the reads of several full chunks.
    const rows = this.takenUpTo === null ? Math.min(this.runner.chunkRows, this.runner.writeBatchRows) : this.runner.chunkRows;
    const chunk = nextPendingChunk(this.store, this.jobId, this.takenUpTo, rows);
    if (chunk) this.takenUpTo = { chatUser: chunk.chatUser, line: chunk.rows[chunk.rows.length - 1]!.line };
    return chunk;
  }

  private release(tracker: ChunkTracker): void {
    if (--tracker.remaining === 0) {
      this.outstandingChunks--;
      this.notify();
    }
  }

  /** The current marks of the chunk's conversations, ≤300 per search_contact_group call. */
  private readStates(chatUser: string, rows: readonly WorkRow[]): Promise<Map<string, MarkState>> {
    return readMarkStates(this.runner.chat, chatUser, rows.map((row) => row.conversation), { concurrency: 3 });
  }

  private async readChunk(chunk: PendingChunk, tracker: ChunkTracker): Promise<void> {
    const readMark = this.runner.locks.mark();
    let states: Map<string, MarkState>;
    try {
      states = await this.readStates(chunk.chatUser, chunk.rows);
    } catch (error) {
      if (!isChatError(error)) throw error;
      this.readFailed(chunk, error.code);
      return;
    }
    this.succeeded();

    const final: SettledLine[] = [];
    const toWrite: WriteLine[] = [];
    for (const row of chunk.rows) {
      // A line tried before whose call may have landed unseen (its answer lost).
      const landed = this.landedLine(chunk.chatUser, row, states);
      if (landed) {
        final.push(landed);
        continue;
      }
      const decided = decideLine(chunk.chatUser, row, states);
      if ('status' in decided) final.push(decided);
      else toWrite.push(decided);
    }

    // Already in the requested state: nothing is sent, the line is `unchanged` and final now. The
    // calls to make are announced before anything is sent: a crash leaves their announcements,
    // never a write nobody knows about. All of it in one transaction. A run that stopped meanwhile
    // announces nothing: its lines stay pending.
    const batches = this.stopReason === null ? splitInto(toWrite, this.runner.writeBatchRows) : [];
    const announcements = await this.commit(
      final,
      batches.map((lines) => ({ chatUser: chunk.chatUser, lines: lines.map(({ line, before }) => ({ line, before })) })),
      [],
    );
    this.linesDone(final.length);

    for (const [index, lines] of batches.entries()) {
      tracker.remaining++;
      await this.queue.push({ chatUser: chunk.chatUser, lines, announcement: announcements[index]!, chunk: tracker, readMark });
    }
  }

  private readFailed(chunk: PendingChunk, code: number): void {
    const verdict = verdictFor(code, true);
    if (verdict === 'transient') {
      if (isFrequencyCode(code)) this.runner.chat.limiterFor('recentcontact/search_contact_group').penalize(1000);
      this.retryLater(chunk.chatUser, chunk.rows, code);
      return;
    }
    if (verdict === 'halt') {
      this.stop('halt', `Chat refused to read marks: ${chatErrorMessage(code, 'en')} (code ${code}). Fix the cause, then resume the job.`);
      return;
    }
    // E.g. 50001: the chat user is not imported. Every line of the chunk fails, each on record.
    const message = chatErrorMessage(code, 'en');
    this.settle(chunk.rows.map((row) => settledLine(chunk.chatUser, row, null, 'failed', null, code, message)));
  }

  // ---- writers ----

  private async writer(): Promise<void> {
    for (;;) {
      const batch = await this.queue.take();
      if (!batch) return;
      try {
        // Stopped (paused, cancelled, halted, shutting down): not sent. The announcement stays and
        // the lines pending; the next run reads them again.
        if (this.stopReason === null) await this.write(batch);
      } catch (error) {
        this.unexpected(error);
      } finally {
        this.release(batch.chunk);
      }
    }
  }

  private async write(batch: Batch): Promise<void> {
    // Calls of bulk jobs to one user may overlap; an interactive save or an Undo of that user may not.
    const sent = await this.runner.locks.shared(batch.chatUser, () => this.sendLocked(batch));
    // Given up before it was sent: as if it had been left in the queue.
    if (sent === null) return;
    const { lines, codes, settled } = sent;
    const retry: WriteLine[] = [];
    let retryCode = 0;
    lines.forEach((line, index) => {
      const { code, whole } = codes[index]!;
      const verdict = verdictFor(code, whole);
      if (verdict === 'applied') settled.push(settledLine(batch.chatUser, line, line.before, 'applied', line.after));
      else if (verdict === 'failed') settled.push(settledLine(batch.chatUser, line, line.before, 'failed', line.before, code, chatErrorMessage(code, 'en')));
      else {
        retry.push(line);
        retryCode = code;
        if (verdict === 'halt') {
          this.stop('halt', `Chat refused to write marks: ${chatErrorMessage(code, 'en')} (code ${code}). Fix the cause, then resume the job.`);
        }
      }
    });
    if (retry.length === 0) {
      // Every line of the call is settled: its announcement goes with their entries. One with lines
      // to try again stays — those writes may have landed unseen — until the job is over.
      this.settle(settled, [batch.announcement]);
      this.succeeded();
      return;
    }
    this.settle(settled);
    if (this.stopReason === 'halt') return;
    if (isFrequencyCode(retryCode)) this.runner.chat.limiterFor('recentcontact/mark_contact').penalize(1000);
    // Tried again with the state read before this call: if it landed unseen, the next read shows it.
    this.retryLater(
      batch.chatUser,
      retry.map(({ before, after: _after, ...row }) => ({ ...row, sentBefore: before })),
      retryCode,
    );
  }

  /**
   * Inside the user's lock: when an interactive save or an Undo wrote the user since the batch's
   * lines were read, they are read again first (and those now in the requested state are settled
   * unchanged); then the one mark_contact call. Null when the run stopped before it was sent.
   */
  private async sendLocked(batch: Batch): Promise<{ lines: WriteLine[]; codes: { code: number; whole: boolean }[]; settled: SettledLine[] } | null> {
    let lines = batch.lines;
    const settled: SettledLine[] = [];
    if (this.runner.locks.exclusiveWritesSince(batch.chatUser, batch.readMark)) {
      let states: Map<string, MarkState>;
      try {
        states = await this.readStates(batch.chatUser, lines);
      } catch (error) {
        if (!isChatError(error)) throw error;
        return { lines, codes: lines.map(() => ({ code: error.code, whole: true })), settled };
      }
      lines = [];
      for (const line of batch.lines) {
        const decided = decideLine(batch.chatUser, line, states);
        if ('status' in decided) settled.push(decided);
        else lines.push(decided);
      }
      if (lines.length === 0) return { lines, codes: [], settled };
    }
    const items = lines.map((line) => toMarkItem(line.conversation, line.change));
    const codes = await sendMarkCall(this.runner.chat, batch.chatUser, items, this.stopping.signal);
    if (codes === null) return null;
    this.callTimes.push(Date.now());
    return { lines, codes, settled };
  }

  // ---- shared steps ----

  /**
   * Lines' entries and final states, committed together with others shortly (group commit), and
   * with them the deletion of the announcements they settle: both go into the same commit. Until
   * then the lines are pending in the database and their calls' announcements are still there,
   * which a restart settles from Chat's state.
   */
  private settle(lines: readonly SettledLine[], forget: readonly number[] = []): void {
    if (lines.length === 0 && forget.length === 0) return;
    for (const line of lines) this.pendingLines.push(line);
    // After a failed commit the lines it held are pending again: their announcements must stay.
    if (!this.commitFailed) for (const id of forget) this.pendingForgotten.push(id);
    if (this.pendingLines.length >= FLUSH_ROWS) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  /** One transaction: settled lines, announcements of calls about to be sent, announcements settled. */
  private commit(settled: SettledLine[], announce: LedgerCommit['announce'], forget: number[]): Promise<number[]> {
    return this.runner.ledger.commit({ jobId: this.jobId, staff: this.staff, at: this.runner.clock.now().toISOString(), settled, announce, forget });
  }

  private flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const lines = this.pendingLines.splice(0);
    const forgotten = this.pendingForgotten.splice(0);
    this.flushing = this.flushing
      .then(async () => {
        if (lines.length === 0 && forgotten.length === 0) return;
        await this.commit(lines, [], this.commitFailed ? [] : forgotten);
        this.linesDone(lines.length);
      })
      .catch((error: unknown) => {
        this.commitFailed = true;
        this.unexpected(error);
      });
    return this.flushing;
  }

  private linesDone(lines: number): void {
    if (lines > 0) this.lineTimes.push({ at: Date.now(), lines });
    this.trim(Date.now());
  }

  /** Lines back in line after a transient failure; the runner pauses a little, longer each time. */
  private retryLater(chatUser: string, rows: readonly WorkRow[], code: number): void {
    let highest = 0;
    for (const row of rows) {
      const attempts = (this.attempts.get(row.line) ?? 0) + 1;
      this.attempts.set(row.line, attempts);
      highest = Math.max(highest, attempts);
    }
    this.retry.set(chatUser, [...(this.retry.get(chatUser) ?? []), ...rows]);
    this.consecutiveFailures++;
    const { base, max } = this.runner.retryDelayMs;
    this.takeNotBefore = Math.max(this.takeNotBefore, Date.now() + Math.min(max, base * 2 ** (this.consecutiveFailures - 1)));
    if (highest >= this.runner.maxRowAttempts) {
      this.stop(
        'halt',
        `Chat kept failing (${chatErrorMessage(code, 'en')}, code ${code}); the job stopped after ${highest} attempts at the same rows. Resume it to try again.`,
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
  locks: ChatUserLocks;
  ledger: JobLedger;
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
    locks: chatUserLocks(options.store),
    ledger: options.ledger ?? inlineLedger(options.store),
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

  /** Jobs whose state a control request changed while a run of theirs was still draining. */
  const changedWhileRunning = new Set<string>();
  const retryTimers = new Map<string, NodeJS.Timeout>();

  /** Starts what the job's state calls for, unless something is already running for it. */
  function ensureExecution(jobId: string): void {
    if (stopping) return;
    if (executions.has(jobId)) {
      changedWhileRunning.add(jobId);
      return;
    }
    clearTimeout(retryTimers.get(jobId));
    retryTimers.delete(jobId);
    const job = getJob(store, jobId);
    const mode = job?.state === 'running' ? 'run' : job?.state === 'cancelled' && job.finishedAt === null ? 'finish' : null;
    if (!mode) return;
    const execution = new Execution(core, jobId, mode);
    executions.set(jobId, execution);
    void execution.finished
      .catch((error: unknown) => core.log.error({ err: error, job: jobId }, 'bulk job run failed'))
      .finally(() => {
        executions.delete(jobId);
        // Only a change of state starts the next run at once; a run that could not finish its work
        // for now is tried again later — never in a loop.
        if (changedWhileRunning.delete(jobId)) ensureExecution(jobId);
        else if (execution.retryAfterMs !== null && !stopping) {
          const timer = setTimeout(() => ensureExecution(jobId), execution.retryAfterMs);
          timer.unref();
          retryTimers.set(jobId, timer);
        }
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

  async function whenIdle(jobId: string): Promise<void> {
    for (let execution = executions.get(jobId); execution; execution = executions.get(jobId)) {
      await execution.finished.catch(() => {});
      // The .finally above may start a follow-up run in the same turn; look again.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * After pause or cancel: what was in flight settles (calls already sent are seen through, the rest
   * given up), so the answer shows the counts the job stopped at — within a bound, if Chat is slow.
   */
  async function settled(jobId: string): Promise<JobStatus> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([whenIdle(jobId), new Promise((resolve) => (timer = setTimeout(resolve, CONTROL_SETTLE_MAX_MS)))]);
    clearTimeout(timer);
    return current(jobId);
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
      return settled(jobId);
    },
    async resume(jobId) {
      const job = requireJob(jobId);
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
      return settled(jobId);
    },
    async resumeInterrupted() {
      stopping = false;
      await deleteUnfinishedUploads(store);
      for (const { id } of jobIdsInState(store, 'running')) ensureExecution(id);
      for (const { id, finishedAt } of jobIdsInState(store, 'cancelled')) if (finishedAt === null) ensureExecution(id);
    },
    whenIdle,
    async stop(stopOptions = {}) {
      stopping = true;
      for (const timer of retryTimers.values()) clearTimeout(timer);
      retryTimers.clear();
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
