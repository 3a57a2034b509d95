// One run of one bulk job, from taking its first lines to having nothing in flight.
//
// Pending lines are taken a chunk at a time — up to 900 lines of one chat user, in (chat user,
// line) order — and flow through a two-stage pipeline:
//   readers: take a chunk → read every `before` (search_contact_group, ≤300 per call) → settle the
//            lines that need no write (unchanged, or conflict with their guard) and announce the
//            calls about to be sent (job_writes), in one commit → hand them on in batches of ≤100;
//   writers: mark_contact, holding the chat user's lock shared → each line's one audit entry and
//            final state, committed in groups (group-committer.ts).
// Taking lines writes nothing: the run remembers how far it got, and lines to try again (transient
// failures) wait in memory. Reads and writes have their own per-command limiters in the Chat
// client, so reads run ahead on their own budget while enough writes wait at the mark_contact
// limiter to keep it busy. Each line goes through the one write path (services/mark-writer: the
// call and its edition fallback; services/write-policy: the decision, what a code means, whether a
// lost answer landed).
//
// Serialisation: a mark_contact call holds its Chat user's lock shared (services/chat-user-locks):
// calls of bulk jobs may overlap, an interactive save or an Undo of that user may not. When one of
// those wrote the user after a chunk was read, the call's lines are read again inside the lock.
//
// Transient failures (Chat busy, 60007 after the client's own retries, network) put lines back in
// line and slow the run down (back-off.ts) instead of failing them; configuration errors stop the
// job (state failed) so that someone can fix the cause and resume it.
//
// Leases (leases.ts): a run works under the job's lease. Each commit carries the lease's fence and
// is refused once another instance took the job over; a call is sent only while the lease has
// SEND_MARGIN_MS left. Either way the run stops at once ('lease'), sends and commits nothing more
// and leaves the job as it is: the new holder settles what this run left announced.
//
// The database out of reach (PostgreSQL restarting, a failover): the first step that meets it — a
// commit, a read of pending lines, a lease renewal — stops the run ('unavailable') the same way: it
// sends nothing more (no call whose outcome cannot be recorded), commits nothing more, records no
// end, and gives up what it held in memory (lines read, lines to try again, outcomes not yet
// committed). What the database holds is all the next run needs, as after a crash: the calls
// announced stay announced and are settled from Chat's state, every other line is still pending.
// Why not wait and go on in this run: what a commit that failed mid-way left behind is unknown (it
// may have committed before the connection went), and the database is the one record both agree on;
// starting again from it is the path every crash already takes. Who starts again: the lease is
// released once the database answers, and the next lease step — of any instance, this one included
// — takes the job over (lease-keeper.ts); no restart and no person is needed.
import { chatErrorInfo, chatErrorMessage } from '../../shared/chat-errors/catalogue';
import { toMarkItem, type MarkState } from '../../shared/marks/change';
import { ChatClientClosedError, type ChatClient } from '../chat/client';
import { isChatError } from '../chat/errors';
import type { ChatUserLocks, WriteMark } from '../services/chat-user-locks';
import { readMarkStates, sendMarkCall } from '../services/mark-writer';
import { verdictFor } from '../services/write-policy';
import { DatabaseUnavailableError, isDatabaseUnavailable, type Store } from '../store/database';
import { BackOff } from './back-off';
import { BatchQueue } from './batch-queue';
import { GroupCommitter } from './group-committer';
import { transition } from './job-states';
import { settledLine, type JobLedger, type LedgerCommit, type SettledLine } from './ledger';
import { callOutcome, decideLines, haltMessage, splitInto, type WriteLine } from './line-decisions';
import { landedLine, settleAnnouncedWrites, type Recovery } from './recovery';
import { LeaseLostError, type HeldLease } from './leases';
import { RunControl, type StopReason } from './run-control';
import { nextPendingChunk, type PendingChunk, type WorkRow } from './line-store';
import { forgetJobWrites, getJob } from './store';
import { ThroughputMeter } from './throughput-meter';
import { type Clock, systemClock } from '../clock';
import { applyJobGroups } from './apply-groups';

/** What the runner logs through (a pino/Fastify logger fits). */
export type JobLog = {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
};

/** What every run of the runner shares. */
export type RunnerCore = {
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

/** Settled lines wait at most this long, or until this many have gathered, to be committed. */
const FLUSH_AFTER_MS = 100;
const FLUSH_ROWS = 2000;
/**
 * On PostgreSQL a commit holds the one write lock that every instance's interactive saves wait for
 * (postgres/store.ts): smaller groups keep that wait short. Measured side by side (npm run bench --
 * two-instances, two runs each): 100 ms / 2,000 lines gave the job 0.24–0.30 of the ceiling and the
 * other instance's saves p50 460–490 ms; 50 ms / 600 lines 0.23–0.27 and p50 250–310 ms;
 * 25 ms / 300 lines 0.19–0.20 and p50 200 ms.
 */
const POSTGRES_FLUSH_AFTER_MS = 50;
const POSTGRES_FLUSH_ROWS = 600;

const isFrequencyCode = (code: number) => chatErrorInfo(code).class === 'back-off';

/** `readMark`: the point in the user's write history the lines' states were read at (ChatUserLocks.mark). */
type Batch = { chatUser: string; lines: WriteLine[]; announcement: number; chunk: ChunkTracker; readMark: WriteMark };
type ChunkTracker = { remaining: number };

export class Execution {
  private readonly control = new RunControl();
  private outstandingChunks = 0;
  private readonly meter = new ThroughputMeter(() => Date.now());
  private readonly backOff: BackOff;
  private readonly committer: GroupCommitter;
  private readonly queue: BatchQueue<Batch>;
  /** Where taking pending lines from the database goes on: the last line taken. */
  private takenUpTo: { chatUser: string; line: number } | null = null;
  /** The take under way (takeChunk): the next one starts after it. */
  private taking: Promise<unknown> = Promise.resolve();
  /** Lines taken before and to be tried again (transient failures), by chat user. */
  private readonly retry = new Map<string, WorkRow[]>();
  private staff = '';
  readonly finished: Promise<void>;

  constructor(
    private readonly runner: RunnerCore,
    readonly jobId: string,
    private readonly lease: HeldLease,
  ) {
    // Batches read and waiting for a writer; few, since they hold memory and the writers are fed anyway.
    this.queue = new BatchQueue(Math.max(1, Math.ceil(runner.writeConcurrency / 2)));
    this.backOff = new BackOff({ ...runner.retryDelayMs, maxAttempts: runner.maxRowAttempts }, systemClock);
    this.committer = new GroupCommitter({
      commit: async (settled, forget) => void (await this.commit(settled, [], forget)),
      afterMs: runner.store.location.dialect === 'postgres' ? POSTGRES_FLUSH_AFTER_MS : FLUSH_AFTER_MS,
      maxLines: runner.store.location.dialect === 'postgres' ? POSTGRES_FLUSH_ROWS : FLUSH_ROWS,
      onCommitted: (lines) => this.meter.lines(lines),
      onError: (error) => this.unexpected(error),
    });
    this.finished = this.run();
  }

  stop(reason: StopReason, message?: string): void {
    this.control.stop(reason, message);
  }

  live(remainingLines: number) {
    return this.meter.live(remainingLines);
  }

  private get stopReason(): StopReason | null {
    return this.control.stopReason;
  }

  private get store(): Store {
    return this.runner.store;
  }

  private async run(): Promise<void> {
    try {
      const job = await getJob(this.store.read, this.jobId);
      if (!job) return;
      this.staff = job.startedBy ?? job.createdBy;
      const recovery = await this.settlePreviousRun();
      if (recovery && recovery.forget.length > 0) {
        this.committer.add(recovery.settled, recovery.forget);
        await this.committer.flush();
        const landed = recovery.settled.length;
        this.runner.log.info({ event: 'job_recovered', job: this.jobId, lines: recovery.lines, landed }, 'bulk job: calls whose answers the previous run did not see settled from Chat’s state');
      }
    } catch (error) {
      this.unexpected(error);
    }
    if (this.stopReason === null) {
      const readers = Array.from({ length: this.runner.readConcurrency }, () => this.reader());
      const writers = Array.from({ length: this.runner.writeConcurrency }, () => this.writer());
      await Promise.all(readers);
      this.queue.close();
      await Promise.all(writers);
      await this.committer.flush();
    }
    await this.conclude();
  }

  /**
   * The calls an earlier run announced and never saw answered, settled from Chat's state (recovery.ts)
   * before any line is taken. Chat failing to be read for a passing reason (60007 after the client's
   * retries, the network) is met as the pipeline's reads meet it: the run backs off (its BackOff,
   * the lines' attempts counted) and tries again, and stops as failed only once the lines have used
   * up their attempts; a reason only a person can fix stops it at once. Null when the run stopped
   * (and so settled nothing): the announcements stay for the next run.
   */
  private async settlePreviousRun(): Promise<Extract<Recovery, { ok: true }> | null> {
    for (;;) {
      const recovery = await settleAnnouncedWrites(this.store.read, this.jobId, (chatUser, rows) => this.readStates(chatUser, rows));
      if (recovery.ok) {
        this.backOff.succeeded();
        return recovery;
      }
      if (!recovery.transient) {
        this.stop('halt', recovery.message);
        return null;
      }
      if (isFrequencyCode(recovery.code)) this.runner.chat.limiterFor('recentcontact/search_contact_group').penalize(1000);
      const { attempts, exhausted } = this.backOff.failed(recovery.unread);
      if (exhausted) {
        this.stop(
          'halt',
          `Chat could not be read to settle the calls the previous run left unanswered (${chatErrorMessage(recovery.code, 'en')}, code ${recovery.code}); the job stopped after ${attempts} attempts. Resume it to try again.`,
        );
        return null;
      }
      for (let wait = this.backOff.waitMs(); wait > 0 && this.stopReason === null; wait = this.backOff.waitMs()) await this.control.changed(wait);
      if (this.stopReason !== null) return null;
    }
  }

  /** After the pipeline has drained: record how the job ended, if it did (and the database can be reached). */
  private async conclude(): Promise<void> {
    try {
      await this.recordEnd();
    } catch (error) {
      // The job stays running: the next run finds what is left (maybe nothing) and ends it.
      if (!isDatabaseUnavailable(error)) throw error;
      this.databaseUnavailable(error);
    }
  }

  private async recordEnd(): Promise<void> {
    const now = new Date(this.runner.clock.now()).toISOString();
    if (this.stopReason === 'halt') {
      await transition(this.store, this.jobId, 'fail', { finishedAt: now, message: this.control.haltMessage ?? 'The job stopped.' }, this.lease.fence);
      this.runner.log.warn({ event: 'job_failed', job: this.jobId, reason: this.control.haltMessage }, 'bulk job stopped');
      return;
    }
    if (this.stopReason !== null) return;
    // The job's group columns, once every line is taken and before the job is recorded done: a
    // crash or a stop (shutdown, pause, a lost lease) while they are applied leaves the job running,
    // and the next run applies them again before it finishes (a group change by name is made once:
    // members already in the group come back unchanged).
    await applyJobGroups(this.runner, this.jobId);
    if (this.stopReason !== null) return;
    if (await transition(this.store, this.jobId, 'finish', { finishedAt: now }, this.lease.fence)) {
      await forgetJobWrites(this.store, this.jobId);
      const job = (await getJob(this.store.read, this.jobId))!;
      this.runner.log.info(
        { event: 'sensitive_update', job: this.jobId, staff: this.staff, applied: job.applied, unchanged: job.unchanged, failed: job.failed },
        'bulk job done',
      );
    }
  }

  // ---- readers ----

  private async reader(): Promise<void> {
    for (;;) {
      if (this.stopReason !== null) return;
      const wait = this.backOff.waitMs();
      if (wait > 0) {
        await this.control.changed(wait);
        continue;
      }
      let chunk: PendingChunk | null;
      try {
        chunk = await this.takeChunk();
      } catch (error) {
        // The database could not be read (or worse): nothing was taken.
        this.unexpected(error);
        return;
      }
      if (!chunk) {
        // Nothing to take now; lines in flight may still come back (transient failures).
        if (this.outstandingChunks === 0) return;
        await this.control.changed(1000);
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

  /**
   * Lines to try again first, then the next pending lines in the database. The readers take one at
   * a time: a take reads from `takenUpTo` and moves it on only once its read has come back, so two
   * takes at once would read — and send — the same lines. Each starts after the one before it.
   */
  private takeChunk(): Promise<PendingChunk | null> {
    const taken = this.taking.then(() => this.takeNext());
    this.taking = taken.catch(() => {});
    return taken;
  }

  private async takeNext(): Promise<PendingChunk | null> {
    for (const [chatUser, rows] of this.retry) {
      const taken = rows.splice(0, this.runner.chunkRows);
      if (rows.length === 0) this.retry.delete(chatUser);
      return { chatUser, rows: taken };
    }
    // The first chunk is one call's worth: the first write leaves as soon as its lines are read,
    // instead of after the reads of several full chunks.
    const rows = this.takenUpTo === null ? Math.min(this.runner.chunkRows, this.runner.writeBatchRows) : this.runner.chunkRows;
    const chunk = await nextPendingChunk(this.store.read, this.jobId, this.takenUpTo, rows);
    if (chunk) this.takenUpTo = { chatUser: chunk.chatUser, line: chunk.rows[chunk.rows.length - 1]!.line };
    return chunk;
  }

  private release(tracker: ChunkTracker): void {
    if (--tracker.remaining === 0) {
      this.outstandingChunks--;
      this.control.notify();
    }
  }

  /** The current marks of the lines' conversations, ≤300 per search_contact_group call. */
  private readStates(chatUser: string, rows: readonly WorkRow[]): Promise<Map<string, MarkState>> {
    return readMarkStates(this.runner.chat, chatUser, rows.map((row) => row.conversation), { concurrency: 3 });
  }

  private async readChunk(chunk: PendingChunk, tracker: ChunkTracker): Promise<void> {
    const readMark = await this.runner.locks.mark();
    let states: Map<string, MarkState>;
    try {
      states = await this.readStates(chunk.chatUser, chunk.rows);
    } catch (error) {
      if (!isChatError(error)) throw error;
      this.readFailed(chunk, error.code);
      return;
    }
    this.backOff.succeeded();

    // A line tried before whose call may have landed unseen (its answer lost) is settled if it did.
    const { settled: final, toWrite } = decideLines(chunk.chatUser, chunk.rows, states, (row) => landedLine(chunk.chatUser, row, states));

    // Lines that need no write are final now. The calls to make are announced before anything is
    // sent: a crash leaves their announcements, never a write nobody knows about. All of it in one
    // commit. A run that stopped meanwhile announces nothing: its lines stay pending.
    const batches = this.stopReason === null ? splitInto(toWrite, this.runner.writeBatchRows) : [];
    const announcements = await this.commit(
      final,
      batches.map((lines) => ({ chatUser: chunk.chatUser, lines: lines.map(({ line, before }) => ({ line, before })) })),
      [],
    );
    this.meter.lines(final.length);

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
      this.stop('halt', haltMessage('read', code));
      return;
    }
    // E.g. 50001: the chat user is not imported. Every line of the chunk fails, each on record.
    const message = chatErrorMessage(code, 'en');
    this.committer.add(chunk.rows.map((row) => settledLine(chunk.chatUser, row, null, 'failed', null, code, message)));
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
    const sent = await this.runner.locks.shared(batch.chatUser, batch.readMark, (writtenSince) => this.sendLocked(batch, writtenSince));
    // Given up before it was sent: as if it had been left in the queue. (Or given up part-way: the
    // edition fallback's second call was not sent — sendMarkCall. The announcement stays all the
    // same, so the next run settles what the first call did from Chat's state: recovery.ts.)
    if (sent === null) return;
    const outcome = callOutcome(batch.chatUser, sent.lines, sent.codes);
    const settled = [...sent.settled, ...outcome.settled];
    const { retry, retryCode, haltCode } = outcome;
    if (haltCode !== null) this.stop('halt', haltMessage('write', haltCode));
    if (retry.length === 0) {
      // Every line of the call is settled: its announcement goes with their entries. One with lines
      // to try again stays — those writes may have landed unseen — until the job is over.
      this.committer.add(settled, [batch.announcement]);
      this.backOff.succeeded();
      return;
    }
    this.committer.add(settled);
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
   * lines were read, they are read again first (and decided again); then the one mark_contact call.
   * Null when the run stopped before it was sent (or before the edition fallback's second call was).
   */
  private async sendLocked(batch: Batch, writtenSince: boolean): Promise<{ lines: WriteLine[]; codes: { code: number; whole: boolean }[]; settled: SettledLine[] } | null> {
    let lines = batch.lines;
    const settled: SettledLine[] = [];
    if (writtenSince) {
      let states: Map<string, MarkState>;
      try {
        states = await this.readStates(batch.chatUser, lines);
      } catch (error) {
        if (!isChatError(error)) throw error;
        return { lines, codes: lines.map(() => ({ code: error.code, whole: true })), settled };
      }
      const decided = decideLines(batch.chatUser, batch.lines, states);
      settled.push(...decided.settled);
      lines = decided.toWrite;
      if (lines.length === 0) return { lines, codes: [], settled };
    }
    // Not sent unless the lease is surely still this run's for long enough (leases.ts SEND_MARGIN_MS).
    // (A renewal that could not reach the database has stopped the run already: not a lost lease.)
    if (!(await this.lease.sendable())) {
      if (this.stopReason !== 'unavailable') this.loseLease();
      return null;
    }
    const items = lines.map((line) => toMarkItem(line.conversation, line.change));
    const codes = await sendMarkCall(this.runner.chat, batch.chatUser, items, this.control.signal);
    if (codes === null) return null;
    this.meter.call();
    return { lines, codes, settled };
  }

  // ---- shared steps ----

  /** One transaction: settled lines, announcements of calls about to be sent, announcements settled. */
  private commit(settled: SettledLine[], announce: LedgerCommit['announce'], forget: number[]): Promise<number[]> {
    // After the lease is lost nothing more is committed: the new holder settles these lines from Chat.
    if (this.stopReason === 'lease') return Promise.reject(new LeaseLostError('jobs', this.jobId));
    // Nor once the database was out of reach, even if it answers again meanwhile: the run's work is
    // given up, and the next run settles these lines from the announcements and Chat's state.
    if (this.stopReason === 'unavailable') return Promise.reject(new DatabaseUnavailableError());
    const at = new Date(this.runner.clock.now()).toISOString();
    return this.runner.ledger.commit({ jobId: this.jobId, staff: this.staff, at, settled, announce, forget, lease: this.lease.fence });
  }

  /** The lease is lost (or no longer surely held): stop at once, sending and committing nothing more. */
  private loseLease(): void {
    if (this.stopReason === 'lease') return;
    this.runner.log.warn({ event: 'job_lease_lost', job: this.jobId }, 'bulk job: its lease is no longer this instance’s; the run here stops');
    this.stop('lease');
  }

  /**
   * The database cannot be reached: stop at once, sending and committing nothing more, and leave the
   * job as it is (running) for the next run, once the database answers (see the top of this file).
   */
  databaseUnavailable(error?: unknown): void {
    if (this.stopReason === 'unavailable' || this.stopReason === 'lease') return;
    this.runner.log.warn(
      { err: error, event: 'job_database_unavailable', job: this.jobId },
      'bulk job: the database cannot be reached; the run stops without sending more, and the job goes on once the database answers',
    );
    this.stop('unavailable');
  }

  /** Lines back in line after a transient failure; the run pauses a little, longer each time. */
  private retryLater(chatUser: string, rows: readonly WorkRow[], code: number): void {
    this.retry.set(chatUser, [...(this.retry.get(chatUser) ?? []), ...rows]);
    const { attempts, exhausted } = this.backOff.failed(rows.map((row) => row.line));
    if (exhausted) {
      this.stop(
        'halt',
        `Chat kept failing (${chatErrorMessage(code, 'en')}, code ${code}); the job stopped after ${attempts} attempts at the same rows. Resume it to try again.`,
      );
    }
  }

  private unexpected(error: unknown): void {
    // The database out of reach is no failure of the job: it goes on once the database answers. (A
    // commit refused on the ledger's thread comes back as DatabaseUnavailableError too: ledger.ts.)
    if (isDatabaseUnavailable(error)) return this.databaseUnavailable(error);
    // The server is shutting down under us: the job goes on at the next start.
    if (error instanceof ChatClientClosedError) return this.stop('shutdown');
    // A commit refused by the lease's fence: another instance runs the job now.
    if (error instanceof LeaseLostError) return this.loseLease();
    this.runner.log.error({ err: error, job: this.jobId }, 'bulk job step failed');
    this.stop('halt', 'Markdesk hit an unexpected error while running the job. Resume it to try again; if it stops again, tell whoever runs the server.');
  }
}
