// Runs surveys: read-only jobs that read each surveyed user's marked conversations
// (get_contact_group, all pages) and, when asked, the recent list (get_list), at the rate ceiling.
//
// Sharing the upstream budget: the calls go through the BFF's one Chat client, whose per-command
// limiter serves callers first come, first served. A survey keeps at most `concurrency` calls
// waiting or in flight, so an interactive read queued behind them waits at most that many call
// slots (16 at 180 calls/s: under 90 ms), while the limiter is never left idle.
//
// Restarts: a user is pending or settled in the database, nothing in between; results are
// committed in small groups. After a crash the users that were being read are pending and are
// read again (reads have no effect upstream). Running surveys go on at start.
//
// Several instances on one database: a survey is run only under its lease, as bulk jobs are
// (jobs/leases.ts, jobs/lease-keeper.ts). The holder renews it and reads the survey's state back,
// so a pause or cancel made on another instance halts the run here within LEASE_TICK_MS; every
// instance takes over the running surveys whose holder stopped renewing (from its start on). A run
// whose lease was taken over halts and records nothing more: each of its commits checks the lease.
//
// The database out of reach (PostgreSQL restarting, a failover): the run halts and the survey stays
// running, as after a crash; its lease is released once the database answers and the next lease
// step takes it up again (jobs/lease-keeper.ts). The users whose reads were not recorded are read
// again — a read has no effect upstream.
import { setMaxListeners } from 'node:events';
import type { SurveyCreateRequest, SurveySource, SurveyStatus } from '../../shared/api/insights';
import { SURVEY_MAX_USERS } from '../../shared/api/insights';
import { ChatCallAbortedError, type ChatClient } from '../chat/client';
import { ChatApiError, isChatError } from '../chat/errors';
import { getAllContactGroups, getFullRecentList } from '../chat/helpers';
import { BackOff } from '../jobs/back-off';
import { LeaseKeeper } from '../jobs/lease-keeper';
import { LeaseLostError, newInstanceId, type HeldLease } from '../jobs/leases';
import { isDatabaseUnavailable, type Store } from '../store/database';
import { readOnlyCaller, type ReadOnlyCaller } from './read-only';
import { createAggregator, summarizeUser } from './summary';
import {
  changeSurveyState,
  getSurvey,
  hasPendingUsers,
  insertSurvey,
  listSurveys,
  pendingUsers,
  recordUserOutcomes,
  surveyUsers,
  toSurveyStatus,
  usersInAudit,
  usersOfJob,
  type PendingUser,
  type UserOutcome,
} from './survey-store';
import { type Clock, systemClock } from '../clock';
import { groupDigits } from '../../shared/text/group-digits';

export type SurveyLog = {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
};

export type SurveyRunnerOptions = {
  store: Store;
  chat: Pick<ChatClient, 'call'>;
  clock: Clock;
  log: SurveyLog;
  /** Users read at once (default 16). */
  concurrency?: number;
  /** Read users committed together, at most (default 250); and at least once a second. */
  commitEvery?: number;
  /** Pause after a transient failure, doubled while they continue (default 250 ms … 10 s). */
  retryDelayMs?: { base: number; max: number };
  /** A user whose read fails transiently this many times is recorded as failed (default 6). */
  maxAttempts?: number;
  /** The name on the leases this runner holds (default: random per process). */
  instanceId?: string;
  /** Whether the lease step runs on a timer of its own (default true); tests run it with tickLeases(). */
  leaseTimer?: boolean;
};

export class SurveyError extends Error {
  override readonly name = 'SurveyError';
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'VALIDATION_FAILED',
    message: string,
  ) {
    super(message);
  }
}

export type SurveyRunner = {
  /** The name on the leases this runner holds. */
  readonly instanceId: string;
  create(request: SurveyCreateRequest, staff: string): Promise<SurveyStatus>;
  status(id: string): Promise<SurveyStatus | null>;
  list(limit: number): Promise<SurveyStatus[]>;
  pause(id: string): Promise<SurveyStatus>;
  resume(id: string): Promise<SurveyStatus>;
  cancel(id: string): Promise<SurveyStatus>;
  /** At server start: goes on with the running surveys no live instance holds, and takes such surveys over from then on. */
  resumeInterrupted(): Promise<void>;
  /** The lease step now (renew, halt runs paused or cancelled elsewhere, take over); a timer runs it unless `leaseTimer` is false. */
  tickLeases(): Promise<void>;
  /** Resolves once no work goes on for the survey. */
  whenIdle(id: string): Promise<void>;
  /** Stops taking users; what is in flight finishes and is committed. Surveys stay running in the database. */
  stop(): Promise<void>;
};

function unique(users: readonly string[]): string[] {
  return [...new Set(users)];
}

export function createSurveyRunner(options: SurveyRunnerOptions): SurveyRunner {
  const { store, clock } = options;
  const caller = readOnlyCaller(options.chat);
  const concurrency = options.concurrency ?? 16;
  const commitEvery = options.commitEvery ?? 250;
  const retryDelayMs = options.retryDelayMs ?? { base: 250, max: 10_000 };
  const maxAttempts = options.maxAttempts ?? 6;
  const { log } = options;
  let stopped = false;
  const runs = new Map<string, SurveyRun>();
  const leases = new LeaseKeeper({
    store,
    table: 'surveys',
    instanceId: options.instanceId ?? newInstanceId(),
    clock,
    log,
    timer: options.leaseTimer ?? true,
    busy: () => runs.keys(),
    // Paused or cancelled on another instance: the run halts (what is in flight is still recorded).
    onRenewed: (lease, row) => void (row.state !== 'running' && runs.get(lease.id)?.halt()),
    onLost: (lease) => runs.get(lease.id)?.halt(),
    onTaken: (lease) => launch(lease.id, lease),
    // A renewal could not reach the database: the run halts; the survey goes on once it answers.
    onUnavailable: (lease) => runs.get(lease.id)?.halt(),
  });

  async function statusOf(id: string): Promise<SurveyStatus> {
    const record = await getSurvey(store.read, id);
    if (!record) throw new SurveyError('NOT_FOUND', 'There is no such survey.');
    return toSurveyStatus(record);
  }

  /** Runs the survey under its lease (`taken`, or taken now); nothing when another live instance holds it. */
  function launch(id: string, taken: HeldLease | null = null): void {
    if (stopped || runs.has(id)) {
      if (taken) void leases.release(taken);
      return;
    }
    const run = new SurveyRun(id, { store, clock, caller, concurrency, commitEvery, retryDelayMs, maxAttempts, log });
    runs.set(id, run);
    run.finished = (async () => {
      const lease = taken ?? (await leases.take(id));
      if (!lease) return;
      try {
        await run.execute(lease);
      } finally {
        await leases.release(lease);
      }
    })()
      // Only taking the lease can fail here (execute handles its own errors): the survey stays as it
      // is, and a lease step takes it up. Nobody may be waiting for this promise: never left rejected.
      .catch((error: unknown) => {
        if (isDatabaseUnavailable(error)) log.warn({ err: error, event: 'survey_database_unavailable', survey: id }, 'survey: the database cannot be reached; it goes on once it answers');
        else log.error({ err: error, survey: id }, 'survey run failed');
      })
      .finally(() => {
        if (runs.get(id) === run) runs.delete(id);
      });
  }

  async function usersFor(request: SurveyCreateRequest): Promise<{ users: string[]; source: SurveySource }> {
    if (request.users !== undefined) return { users: unique(request.users), source: { kind: 'users' } };
    if (request.jobId !== undefined) {
      const users = await usersOfJob(store.read, request.jobId);
      if (!users) throw new SurveyError('NOT_FOUND', 'There is no such bulk job.');
      return { users, source: { kind: 'job', jobId: request.jobId } };
    }
    if (request.auditFrom === undefined || request.auditTo === undefined) throw new SurveyError('VALIDATION_FAILED', 'Say who to survey.');
    const from = new Date(request.auditFrom).toISOString();
    const to = new Date(request.auditTo).toISOString();
    if (from > to) throw new SurveyError('VALIDATION_FAILED', 'The start of the range is after its end.');
    return { users: await usersInAudit(store.read, from, to), source: { kind: 'audit', from, to } };
  }

  return {
    instanceId: leases.instanceId,
    async create(request, staff) {
      const { users, source } = await usersFor(request);
      if (users.length === 0) throw new SurveyError('VALIDATION_FAILED', 'There are no Chat users to survey.');
      if (users.length > SURVEY_MAX_USERS) throw new SurveyError('VALIDATION_FAILED', `A survey reads at most ${groupDigits(SURVEY_MAX_USERS)} users.`);
      const id = await insertSurvey(store, {
        label: request.label?.trim() ?? '',
        source,
        includeRecent: request.includeRecent === true,
        users,
        createdBy: staff,
        createdAt: new Date(clock.now()),
      });
      log.info({ event: 'survey_created', survey: id, users: users.length, source: source.kind }, 'survey created');
      launch(id);
      return statusOf(id);
    },
    async status(id) {
      const record = await getSurvey(store.read, id);
      return record ? toSurveyStatus(record) : null;
    },
    async list(limit) {
      return (await listSurveys(store.read, limit)).map((record) => toSurveyStatus(record, false));
    },
    async pause(id) {
      // Halted first, before anything waits: no read may start once pause was asked for. (Only a
      // survey that exists has a run.)
      const run = runs.get(id);
      run?.halt();
      await statusOf(id);
      if (!(await changeSurveyState(store, id, ['running'], 'paused'))) throw new SurveyError('CONFLICT', 'Only a running survey can be paused.');
      await run?.finished;
      return statusOf(id);
    },
    async resume(id) {
      await statusOf(id);
      await runs.get(id)?.finished;
      if (!(await changeSurveyState(store, id, ['paused', 'failed'], 'running', { message: null }))) {
        throw new SurveyError('CONFLICT', 'Only a paused or failed survey can be resumed.');
      }
      launch(id);
      return statusOf(id);
    },
    async cancel(id) {
      const run = runs.get(id);
      run?.halt();
      await statusOf(id);
      if (!(await changeSurveyState(store, id, ['running', 'paused', 'failed'], 'cancelled', { finishedAt: new Date(clock.now()) }))) {
        throw new SurveyError('CONFLICT', 'This survey has already ended.');
      }
      await run?.finished;
      return statusOf(id);
    },
    async resumeInterrupted() {
      leases.startScanning();
      await leases.tick();
    },
    tickLeases: () => leases.tick(),
    async whenIdle(id) {
      await runs.get(id)?.finished;
    },
    async stop() {
      stopped = true;
      leases.stopScanning();
      for (const run of runs.values()) run.halt();
      await Promise.all([...runs.values()].map((run) => run.finished));
      leases.stop();
    },
  };
}

type RunContext = {
  store: Store;
  clock: Clock;
  caller: ReadOnlyCaller;
  concurrency: number;
  commitEvery: number;
  retryDelayMs: { base: number; max: number };
  maxAttempts: number;
  log: SurveyLog;
};

/** One run of one survey: until it is done, halted (pause, cancel, shutdown) or fails. */
class SurveyRun {
  finished: Promise<void> = Promise.resolve();
  private readonly abort = new AbortController();
  private halted = false;
  private queue: PendingUser[] = [];
  private lastQueued = -1;
  private exhausted = false;
  private refilling: Promise<void> | null = null;
  private outcomes: UserOutcome[] = [];
  private committing: Promise<void> = Promise.resolve();
  private fatal: string | null = null;
  private flushedAt = Date.now();
  private readonly backOff: BackOff;
  /** The lease the run works under: every commit checks it. */
  private lease: HeldLease | null = null;
  /** A commit's lease check found the survey taken over. */
  private leaseRefused = false;
  /** The first commit that failed otherwise: nothing more is committed, and execute handles it. */
  private commitFailure: { error: unknown } | null = null;

  constructor(
    private readonly id: string,
    private readonly context: RunContext,
  ) {
    this.backOff = new BackOff({ ...context.retryDelayMs, maxAttempts: context.maxAttempts }, systemClock);
    // Every call waiting for the limiter listens to this one signal: one per worker, by design.
    setMaxListeners(0, this.abort.signal);
  }

  halt(): void {
    this.halted = true;
    this.abort.abort();
  }

  /** Another instance took the survey over (a renewal or a commit's check found out). */
  private get leaseLost(): boolean {
    return this.lease?.lost === true || this.leaseRefused;
  }

  async execute(lease: HeldLease): Promise<void> {
    const { store, log } = this.context;
    this.lease = lease;
    try {
      const include = (await getSurvey(store.read, this.id))?.include_recent === 1;
      await Promise.all(Array.from({ length: this.context.concurrency }, () => this.worker(include)));
      await this.flush();
      if (this.commitFailure) throw this.commitFailure.error;
      // Taken over meanwhile: how the survey ends is its new holder's to record.
      if (this.leaseLost) return;
      if (this.fatal !== null) {
        await changeSurveyState(store, this.id, ['running'], 'failed', { message: this.fatal }, lease.fence);
        log.warn({ event: 'survey_failed', survey: this.id, reason: this.fatal }, 'survey stopped');
        return;
      }
      if (this.halted || (await hasPendingUsers(store.read, this.id))) return;
      await this.finish();
    } catch (error) {
      // Taken over by another instance (a commit's lease check said so): it goes on with the survey.
      if (error instanceof LeaseLostError || this.leaseLost) {
        this.halt();
        return;
      }
      // The database out of reach: no failure of the survey, which stays running and goes on once
      // it answers (the lease step takes it up again).
      if (isDatabaseUnavailable(error)) {
        this.halt();
        log.warn({ err: error, event: 'survey_database_unavailable', survey: this.id }, 'survey: the database cannot be reached; the run stops and the survey goes on once it answers');
        return;
      }
      log.error({ err: error, survey: this.id }, 'survey step failed');
      const message = 'The survey stopped on an unexpected error; resume it to go on.';
      await changeSurveyState(store, this.id, ['running'], 'failed', { message }, lease.fence).catch(() => {});
    }
  }

  private async finish(): Promise<void> {
    const { store, clock, log } = this.context;
    const aggregator = createAggregator();
    for await (const user of surveyUsers(store.read, this.id)) if (user.summary) aggregator.add(user.userId, user.summary);
    const results = aggregator.result();
    if (await changeSurveyState(store, this.id, ['running'], 'done', { finishedAt: new Date(clock.now()), results }, this.lease?.fence)) {
      log.info({ event: 'survey_done', survey: this.id, users: results.usersRead }, 'survey finished');
    }
  }

  private async next(): Promise<PendingUser | undefined> {
    while (this.queue.length === 0 && !this.exhausted) {
      // One read of the next pending users at a time: the workers that find the queue empty
      // meanwhile wait for it instead of each reading the same users again.
      this.refilling ??= this.refill().finally(() => (this.refilling = null));
      await this.refilling;
    }
    return this.queue.shift();
  }

  private async refill(): Promise<void> {
    const users = await pendingUsers(this.context.store.read, this.id, this.lastQueued, 500);
    if (users.length === 0) this.exhausted = true;
    else {
      this.queue.push(...users);
      this.lastQueued = users[users.length - 1]!.position;
    }
  }

  private async worker(includeRecent: boolean): Promise<void> {
    const signal = this.abort.signal;
    const caller = { call: ((command, body) => this.context.caller.call(command, body, { signal })) as ReadOnlyCaller['call'] };
    for (;;) {
      if (this.halted || this.fatal !== null) return;
      const wait = this.backOff.waitMs();
      if (wait > 0) {
        await systemClock.sleep(wait);
        continue;
      }
      const user = await this.next();
      // Halted or failed while the next users were read: this one stays pending.
      if (!user || this.halted || this.fatal !== null) return;
      try {
        const marks = await getAllContactGroups(caller, user.userId);
        const recent = includeRecent ? (await getFullRecentList(caller, user.userId)).length : undefined;
        this.backOff.succeeded();
        this.settle({ position: user.position, state: 'read', summary: summarizeUser(marks.items, recent) });
      } catch (error) {
        if (error instanceof ChatCallAbortedError || this.halted) return; // stays pending
        this.failed(user, error);
      }
    }
  }

  private failed(user: PendingUser, error: unknown): void {
    if (error instanceof ChatApiError && error.class === 'caller') {
      // About this user (not imported, bad ID): the survey goes on without it.
      this.settle({ position: user.position, state: 'failed', message: `Chat error ${error.code}: ${error.info}` });
      return;
    }
    if (isChatError(error) && (error.class === 'configuration' || error.class === 'regenerate-sig')) {
      this.fatal = `Chat refused the survey's reads (error ${error.code}); check the Chat settings, then resume it.`;
      return;
    }
    const { exhausted } = this.backOff.failed([user.position]);
    if (exhausted) {
      const code = isChatError(error) ? error.code : -2;
      this.settle({ position: user.position, state: 'failed', message: `Chat could not be read for this user (error ${code}).` });
    } else {
      this.queue.unshift(user);
    }
  }

  private settle(outcome: UserOutcome): void {
    this.outcomes.push(outcome);
    // In groups (each commit takes the one connection that also serves requests, and waits for the
    // disk), and at least once a second, so that progress moves while reads are slow.
    if (this.outcomes.length >= this.context.commitEvery || Date.now() - this.flushedAt >= 1000) void this.flush();
  }

  private flush(): Promise<void> {
    const batch = this.outcomes;
    this.outcomes = [];
    this.flushedAt = Date.now();
    this.committing = this.committing.then(async () => {
      // Nothing more is recorded once the lease was lost (its new holder reads these users again),
      // or once a commit failed (execute decides what follows; these users stay pending).
      if (this.leaseLost || this.commitFailure) return;
      try {
        await recordUserOutcomes(this.context.store, this.id, batch, this.lease?.fence);
      } catch (error) {
        if (error instanceof LeaseLostError) this.leaseRefused = true;
        // Kept rather than thrown: settle() calls flush without waiting, and a rejection nobody
        // waits for would end the process (the database out of reach for a moment is enough).
        else this.commitFailure = { error };
        this.halt();
      }
    });
    return this.committing;
  }
}
