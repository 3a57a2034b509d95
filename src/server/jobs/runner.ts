// Runs bulk jobs against Chat at the upstream rate ceiling: the controls (start, pause, resume,
// cancel) and which run of a job goes on when. A run itself is execution.ts; its parts are
// batch-queue.ts, group-committer.ts, throughput-meter.ts, back-off.ts and recovery.ts; the job's
// states and their allowed changes are job-states.ts.
//
// Restarts: a line is final or pending in the database; nothing in between. At start, running jobs
// go on (their first step settles the calls a previous run left unanswered, recovery.ts) and
// cancelled jobs whose end was not recorded are finished.
//
// Several instances on one database: work on a job is done only under its lease (leases.ts,
// lease-keeper.ts). Start and resume take it with the change of state, in one transaction; the
// holder renews it and, doing so, reads the job's state back, so a pause or cancel made on another
// instance stops the run here within LEASE_TICK_MS; from the server's start on, every instance
// takes over the jobs whose holder stopped renewing and goes on with them as after a restart. A
// run whose lease was taken over stops at once and commits nothing more.
//
// The database out of reach (PostgreSQL only; execution.ts says why this way): the run that meets it
// stops and gives its work up, the job stays running, the lease is released once the database
// answers (lease-keeper.ts), and the lease step that follows takes the job up again — here or on
// another instance — from what the database holds. A job never fails for an outage.
import type { JobStatus } from '../../shared/api/jobs';
import type { ChatClient } from '../chat/client';
import { MARK_CONTACT_MAX_ITEMS, SEARCH_CONTACT_GROUP_MAX_ITEMS } from '../chat/helpers';
import { chatUserLocks } from '../services/chat-user-locks';
import { readMarkStates } from '../services/mark-writer';
import { isDatabaseUnavailable, type Store } from '../store/database';
import { Execution, type JobLog, type RunnerCore } from './execution';
import { allowedStates, transition, transitionInTransaction, type JobAction } from './job-states';
import type { JobLedger } from './ledger';
import { LeaseKeeper } from './lease-keeper';
import { LeaseLostError, newInstanceId, takeLeaseInTransaction, type HeldLease } from './leases';
import { settleAnnouncedWrites } from './recovery';
import { cancelPendingRows, deleteUnfinishedUploads, forgetJobWrites, getJob, listJobs, toJobStatus, UPLOAD_ABANDONED_MS, type JobRecord } from './store';
import { type Clock } from '../clock';

export type { JobLog } from './execution';

export type JobRunnerOptions = {
  store: Store;
  chat: Pick<ChatClient, 'call' | 'limiterFor'>;
  /** Timestamps of jobs and audit entries. Pacing uses real time. */
  clock: Clock;
  /** Where lines' entries and states are committed: the worker thread's ledger (plugins/ledger.ts). */
  ledger: JobLedger;
  log: JobLog;
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
  /** The name on the leases this runner holds (default: random per process, newInstanceId()). */
  instanceId?: string;
  /**
   * Whether the lease step (renew, take over) runs on a timer of its own every LEASE_TICK_MS
   * (default true). Tests turn it off and run the step with tickLeases(), in fake time.
   */
  leaseTimer?: boolean;
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
  /** The name on the leases this runner holds. */
  readonly instanceId: string;
  status(jobId: string): Promise<JobStatus | null>;
  list(limit: number): Promise<JobStatus[]>;
  start(jobId: string, staff: string): Promise<JobStatus>;
  pause(jobId: string): Promise<JobStatus>;
  /** Goes on with a paused job, or tries a failed one again. */
  resume(jobId: string): Promise<JobStatus>;
  cancel(jobId: string): Promise<JobStatus>;
  /** A job is about to be checked or started: get the ledger ready, so its first write does not wait for it. */
  warm(): void;
  /**
   * At server start: drops unfinished uploads, goes on with the running jobs and settles the
   * cancelled ones that no live instance holds — and from then on takes such jobs over at every
   * lease step.
   */
  resumeInterrupted(): Promise<void>;
  /**
   * The lease step, now: renews the leases held here (a run whose job was paused or cancelled on
   * another instance stops, one whose job was taken over stops at once), then, once
   * resumeInterrupted has run, takes over the jobs nobody live holds. A timer runs it every
   * LEASE_TICK_MS unless `leaseTimer` is false.
   */
  tickLeases(): Promise<void>;
  /** Resolves once no work is going on for the job (tests, shutdown). */
  whenIdle(jobId: string): Promise<void>;
  /** Stops taking new lines, lets what is in flight finish (or `timeoutMs` pass). Jobs stay running in the database. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
};

const MAX_CHUNK_ROWS = 3 * SEARCH_CONTACT_GROUP_MAX_ITEMS;
/** Longest a pause or cancel request waits for the lines in flight to settle before it answers. */
const CONTROL_SETTLE_MAX_MS = 5000;

/** Why work is stopped from outside: a control, the shutdown, a lost lease, the database out of reach. */
type WorkStop = 'control' | 'shutdown' | 'lease' | 'unavailable';

/** What is going on for one job: a run, or the end of a cancelled job. */
type Work = {
  finished: Promise<void>;
  stop(reason: WorkStop): void;
  live?(remainingLines: number): { callsPerSecond: number; etaSeconds: number | null } | null;
  /** Set when the work could not be finished for now and should be tried again this much later. */
  retryAfterMs: number | null;
  /** Whether the job's state, read back at a lease renewal, still calls for this work (absent: always). */
  wantedIn?(state: string): boolean;
};

/**
 * The end of a cancelled job: the calls a run left unanswered are settled from Chat's state (so
 * what landed is on record), then every line still pending is marked cancelled. If Chat cannot be
 * read, it is tried again later — never in a loop.
 */
function finishCancelled(core: RunnerCore, jobId: string, lease: HeldLease): Work {
  const work: Work = { finished: Promise.resolve(), stop() {}, retryAfterMs: null };
  work.finished = finishCancelledUnder(core, jobId, lease, work).catch((error: unknown) => {
    // Taken over by another instance meanwhile: it finishes the job.
    if (error instanceof LeaseLostError) return;
    // The database out of reach: the job is still cancelled and unfinished, so the lease step that
    // takes it up once the database answers finishes it (every step here can be done again).
    if (isDatabaseUnavailable(error)) {
      core.log.warn({ event: 'job_database_unavailable', job: jobId }, 'bulk job: the database cannot be reached; the end of the cancelled job is recorded once it answers');
      return;
    }
    throw error;
  });
  return work;
}

/** finishCancelled's steps; each write checks the lease (LeaseLostError once another instance took the job). */
async function finishCancelledUnder(core: RunnerCore, jobId: string, lease: HeldLease, work: Work): Promise<void> {
  const staff = (await getJob(core.store.read, jobId))?.startedBy ?? '';
  const recovery = await settleAnnouncedWrites(core.store.read, jobId, (chatUser, rows) =>
    readMarkStates(core.chat, chatUser, rows.map((row) => row.conversation), { concurrency: 3 }),
  ).catch((error: unknown) => {
    core.log.error({ err: error, job: jobId }, 'bulk job: settling a cancelled job failed');
    return null;
  });
  if (!recovery?.ok) {
    if (recovery) core.log.warn({ event: 'job_recovery_failed', job: jobId, reason: recovery.message }, 'bulk job: calls left unanswered not settled yet');
    work.retryAfterMs = core.retryDelayMs.max;
    return;
  }
  if (recovery.forget.length > 0) {
    const at = new Date(core.clock.now()).toISOString();
    await core.ledger.commit({ jobId, staff, at, settled: recovery.settled, announce: [], forget: recovery.forget, lease: lease.fence });
  }
  if ((await getJob(core.store.read, jobId))?.state !== 'cancelled') return;
  await cancelPendingRows(core.store, jobId, new Date(core.clock.now()).toISOString(), lease.fence);
  await forgetJobWrites(core.store, jobId);
}

function positive(value: number | undefined, fallback: number, max: number, name: string): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < 1 || resolved > max) throw new RangeError(`${name} must be an integer from 1 to ${max}`);
  return resolved;
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const core: RunnerCore = {
    store: options.store,
    locks: chatUserLocks(options.store),
    ledger: options.ledger,
    chat: options.chat,
    clock: options.clock,
    log: options.log,
    readConcurrency: positive(options.readConcurrency, 4, 64, 'readConcurrency'),
    writeConcurrency: positive(options.writeConcurrency, 32, 256, 'writeConcurrency'),
    chunkRows: positive(options.chunkRows, MAX_CHUNK_ROWS, MAX_CHUNK_ROWS, 'chunkRows'),
    writeBatchRows: positive(options.writeBatchRows, MARK_CONTACT_MAX_ITEMS, MARK_CONTACT_MAX_ITEMS, 'writeBatchRows'),
    maxRowAttempts: positive(options.maxRowAttempts, 8, 1000, 'maxRowAttempts'),
    retryDelayMs: options.retryDelayMs ?? { base: 250, max: 10_000 },
  };
  const { store } = core;
  const works = new Map<string, Work>();
  let stopping = false;

  /** Jobs whose state a control request changed while work of theirs was still draining. */
  const changedWhileRunning = new Set<string>();
  const retryTimers = new Map<string, NodeJS.Timeout>();

  const leases = new LeaseKeeper({
    store,
    table: 'jobs',
    instanceId: options.instanceId ?? newInstanceId(),
    clock: core.clock,
    log: core.log,
    timer: options.leaseTimer ?? true,
    busy: () => works.keys(),
    onRenewed(lease, row) {
      // Paused or cancelled on another instance (or here, and already being stopped): the run
      // stops; what the new state calls for (the end of a cancel) follows once it has drained.
      const work = works.get(lease.id);
      if (!work || (work.wantedIn?.(row.state) ?? true)) return;
      changedWhileRunning.add(lease.id);
      work.stop('control');
    },
    onLost: (lease) => works.get(lease.id)?.stop('lease'),
    onTaken: (lease) => ensureWork(lease.id, lease),
    // A renewal could not reach the database: the run stops and gives its work up (execution.ts).
    onUnavailable: (lease) => works.get(lease.id)?.stop('unavailable'),
  });

  /** The work the job's state calls for, once its state is read, under the job's lease. */
  function workIn(job: JobRecord | null, lease: HeldLease): Work | null {
    if (job?.state === 'running') {
      const execution = new Execution(core, job.id, lease);
      return {
        finished: execution.finished,
        stop: (reason) => (reason === 'unavailable' ? execution.databaseUnavailable() : execution.stop(reason)),
        live: (remaining) => execution.live(remaining),
        retryAfterMs: null,
        wantedIn: (state) => state === 'running',
      };
    }
    if (job?.state === 'cancelled' && job.finishedAt === null) return finishCancelled(core, job.id, lease);
    return null;
  }

  /**
   * What the job's state calls for, as one Work from before its state is read: ensureWork holds the
   * job's place in `works` from its first step on, so that a second call made while the state is
   * being read waits for this work instead of starting another run of the same job. Its first step
   * takes the job's lease (unless `taken` already is it): when another live instance holds it, that
   * instance does the work and this one does nothing. Stopped before the state was read, it starts
   * nothing. The lease is given up once the work is over.
   */
  function workFor(jobId: string, taken: HeldLease | null): Work {
    let inner: Work | null = null;
    let stopped: WorkStop | null = null;
    const work: Work = {
      finished: Promise.resolve(),
      stop(reason) {
        stopped ??= reason;
        inner?.stop(reason);
      },
      live: (remaining) => inner?.live?.(remaining) ?? null,
      retryAfterMs: null,
      wantedIn: (state) => inner?.wantedIn?.(state) ?? true,
    };
    work.finished = (async () => {
      const lease = taken ?? (await leases.take(jobId));
      if (!lease) return;
      try {
        const job = await getJob(store.read, jobId);
        if (stopped !== null) return;
        inner = workIn(job, lease);
        if (!inner) return;
        try {
          await inner.finished;
        } finally {
          work.retryAfterMs = inner.retryAfterMs;
        }
      } finally {
        await leases.release(lease);
      }
    })();
    return work;
  }

  /** Starts what the job's state calls for, unless something is already going on for it. */
  function ensureWork(jobId: string, taken: HeldLease | null = null): void {
    if (stopping || works.has(jobId)) {
      if (!stopping) changedWhileRunning.add(jobId);
      // Work of its own goes on (or none may start): the lease handed in is not needed.
      if (taken) void leases.release(taken);
      return;
    }
    clearTimeout(retryTimers.get(jobId));
    retryTimers.delete(jobId);
    const work = workFor(jobId, taken);
    works.set(jobId, work);
    void work.finished
      .catch((error: unknown) => {
        // The database went out of reach outside a run's own steps (taking the lease, reading the
        // job): no failure of the job, which a lease step takes up once the database answers.
        if (isDatabaseUnavailable(error)) core.log.warn({ err: error, event: 'job_database_unavailable', job: jobId }, 'bulk job: the database cannot be reached; the job goes on once it answers');
        else core.log.error({ err: error, job: jobId }, 'bulk job run failed');
      })
      .finally(() => {
        works.delete(jobId);
        // Only a change of state starts the next work at once; work that could not be finished for
        // now is tried again later — never in a loop.
        if (changedWhileRunning.delete(jobId)) ensureWork(jobId);
        else if (work.retryAfterMs !== null && !stopping) {
          const timer = setTimeout(() => ensureWork(jobId), work.retryAfterMs);
          timer.unref();
          retryTimers.set(jobId, timer);
        }
      });
  }

  function statusOf(job: JobRecord): JobStatus {
    const work = works.get(job.id);
    const remaining = job.validRows - (job.applied + job.unchanged + job.conflicts + job.failed);
    return toJobStatus(job, work?.live?.(remaining) ?? null);
  }

  async function requireJob(jobId: string): Promise<JobRecord> {
    const job = await getJob(store.read, jobId);
    if (!job) throw new JobControlError('NOT_FOUND', 'There is no such job.');
    return job;
  }

  async function whenIdle(jobId: string): Promise<void> {
    for (let work = works.get(jobId); work; work = works.get(jobId)) {
      await work.finished.catch(() => {});
      // The .finally above may start follow-up work in the same turn; look again.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * After pause or cancel: what was in flight settles (calls already sent are seen through, the rest
   * given up), so the answer shows the counts the job stopped at — within a bound, if Chat is slow.
   * (Paused or cancelled here while another instance runs the job, nothing is in flight here: that
   * instance stops at its next lease renewal.)
   */
  async function settled(jobId: string): Promise<JobStatus> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([whenIdle(jobId), new Promise((resolve) => (timer = setTimeout(resolve, CONTROL_SETTLE_MAX_MS)))]);
    clearTimeout(timer);
    return statusOf(await requireJob(jobId));
  }

  function conflict(job: JobRecord, action: JobAction, verb: string): JobControlError {
    return new JobControlError('CONFLICT', `The job is ${job.state}; only a ${allowedStates(action)} job can be ${verb}.`);
  }

  /** Takes a control action through the state table; 409 with the states it needs when the job is elsewhere. */
  async function control(jobId: string, action: JobAction, verb: string, changes: Parameters<typeof transition>[3] = {}): Promise<JobRecord> {
    const job = await requireJob(jobId);
    if (!(await transition(store, jobId, action, changes))) throw conflict(await requireJob(jobId), action, verb);
    return job;
  }

  /**
   * Start and resume: the change of state and the take of the lease in one transaction, so that no
   * other instance's takeover can come in between. The lease is left alone while a run of the job
   * still drains here (paused a moment ago): it is taken once that run is over (ensureWork). Null
   * lease: another live instance still holds it — it goes on with the job, or gives the lease up
   * and some instance's next lease step takes the job over.
   */
  async function controlAndTake(jobId: string, action: 'start' | 'resume', verb: string, changes: Parameters<typeof transition>[3]) {
    const job = await requireJob(jobId);
    const now = core.clock.now();
    const drainingHere = works.has(jobId);
    const outcome = await store.write(async (tx) => {
      if (!(await transitionInTransaction(tx, jobId, action, changes))) return null;
      return { fence: drainingHere ? null : await takeLeaseInTransaction(tx, 'jobs', jobId, leases.instanceId, now) };
    });
    if (!outcome) throw conflict(await requireJob(jobId), action, verb);
    return { job, lease: outcome.fence ? leases.hold(jobId, outcome.fence, now) : null };
  }

  return {
    instanceId: leases.instanceId,
    async status(jobId) {
      const job = await getJob(store.read, jobId);
      return job ? statusOf(job) : null;
    },
    async list(limit) {
      return (await listJobs(store.read, limit)).map(statusOf);
    },
    warm() {
      core.ledger.warm();
    },
    async start(jobId, staff) {
      core.ledger.warm();
      const { job, lease } = await controlAndTake(jobId, 'start', 'started', { startedBy: staff, startedAt: new Date(core.clock.now()).toISOString() });
      core.log.info({ event: 'sensitive_update', job: jobId, staff, rows: job.validRows }, 'bulk job started');
      ensureWork(jobId, lease);
      return statusOf(await requireJob(jobId));
    },
    async pause(jobId) {
      await control(jobId, 'pause', 'paused');
      works.get(jobId)?.stop('control');
      return settled(jobId);
    },
    async resume(jobId) {
      const { lease } = await controlAndTake(jobId, 'resume', 'resumed', { finishedAt: null, message: null });
      ensureWork(jobId, lease);
      return statusOf(await requireJob(jobId));
    },
    async cancel(jobId) {
      await control(jobId, 'cancel', 'cancelled', { finishedAt: null });
      core.log.info({ event: 'sensitive_update', job: jobId, action: 'cancel' }, 'bulk job cancelled');
      works.get(jobId)?.stop('control');
      ensureWork(jobId);
      return settled(jobId);
    },
    async resumeInterrupted() {
      stopping = false;
      await deleteUnfinishedUploads(store, new Date(core.clock.now() - UPLOAD_ABANDONED_MS));
      // Running jobs and cancelled ones whose end was not recorded, unless a live instance holds
      // them: taken over now, and at every lease step from now on.
      leases.startScanning();
      await leases.tick();
    },
    tickLeases: () => leases.tick(),
    whenIdle,
    async stop(stopOptions = {}) {
      stopping = true;
      // No more takeovers; the leases of the runs draining are renewed until they are over.
      leases.stopScanning();
      for (const timer of retryTimers.values()) clearTimeout(timer);
      retryTimers.clear();
      const running = [...works.values()];
      for (const work of running) work.stop('shutdown');
      const drained = Promise.all(running.map((work) => work.finished.catch(() => {})));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, stopOptions.timeoutMs ?? 15_000)));
      await Promise.race([drained, timeout]);
      clearTimeout(timer);
      // A run still not drained keeps its lease until it runs out: then another instance takes the job over.
      leases.stop();
    },
  };
}
