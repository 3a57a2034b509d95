// A bulk job's durable bookkeeping: each line's one audit entry and final state, and the
// announcements of mark_contact calls (job_writes). The runner hands it plain-data commits; one
// function applies a commit in one write transaction (store.write), on a worker thread with a
// connection of its own — in production and in tests alike (plugins/ledger.ts).
//
// Why a worker: at Tencent's ceiling a job settles 20,000 lines a second, and each line's entry —
// canonical JSON, SHA-256 chained to the previous one, five indexes — plus its line update and the
// commits cost the event loop more than the Chat calls themselves. On the worker they run beside
// the Chat traffic instead of between it. SQLite still takes one writer at a time: a write on the
// main connection (a session touch, an interactive mark) waits for a commit in progress, which
// group commits keep to a few dozen milliseconds.
import { Worker } from 'node:worker_threads';
import type { Conversation } from '../../shared/marks/conversation';
import type { MarkChange, MarkState } from '../../shared/marks/change';
import type { MarkResultStatus } from '../../shared/api/marks';
import { bulkJobReason } from '../../shared/api/job-reason';
import { appendEntries } from '../store/audit';
import { DatabaseUnavailableError, type Durability, type StoreLocation, type Tx } from '../store/database';
import { holdLeaseInTransaction, LeaseLostError, type LeaseFence } from './leases';
import { announceWriteInTransaction, finishRowsInTransaction, forgetWritesInTransaction, type AnnouncedLine } from './line-store';

/** The request id on each line's audit entry; also how the entry is found again. */
export function jobLineRequestId(jobId: string, line: number): string {
  return `job:${jobId}:line:${line}`;
}

/** A line whose outcome is known: what its audit entry and its final state say. */
export type SettledLine = {
  line: number;
  chatUser: string;
  /** The audit entry this line undid (rollback jobs). */
  revertOf?: string;
  conversation: Conversation;
  change: MarkChange;
  before: MarkState | null;
  after: MarkState | null;
  status: MarkResultStatus;
  upstreamCode?: number;
  message?: string;
};

/** A line's outcome as its audit entry and final state will record it. */
export function settledLine(
  chatUser: string,
  row: { line: number; conversation: Conversation; change: MarkChange; revertOf?: string },
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

/** What one transaction records for a job. */
export type LedgerCommit = {
  jobId: string;
  /** Who started the job: the staff member of every entry. */
  staff: string;
  /** ISO time of the entries. */
  at: string;
  settled: SettledLine[];
  /** mark_contact calls about to be sent. */
  announce: { chatUser: string; lines: AnnouncedLine[] }[];
  /** Announcements whose lines are settled. */
  forget: number[];
  /**
   * The lease the run works under (leases.ts): the commit is refused (LeaseLostError) once the job
   * was taken over, so a run that lost its job announces, settles and forgets nothing more.
   */
  lease?: LeaseFence;
};

/** Applies a commit in the caller's transaction. Returns the ids of the announcements, in order. */
export async function applyLedgerCommit(tx: Tx, auditKey: Buffer, commit: LedgerCommit): Promise<number[]> {
  const { jobId, settled } = commit;
  if (commit.lease) await holdLeaseInTransaction(tx, 'jobs', jobId, commit.lease);
  if (settled.length > 0) {
    const reason = bulkJobReason(jobId);
    await appendEntries(
      tx,
      auditKey,
      settled.map((line) => ({
        staff: commit.staff,
        chatUser: line.chatUser,
        conversation: line.conversation,
        requested: line.change,
        before: line.before,
        after: line.after,
        status: line.status,
        requestId: jobLineRequestId(jobId, line.line),
        reason,
        ...(line.revertOf !== undefined ? { revertOf: line.revertOf } : {}),
        ...(line.upstreamCode !== undefined ? { upstreamCode: line.upstreamCode } : {}),
        ...(line.message !== undefined ? { message: line.message } : {}),
      })),
      new Date(commit.at),
    );
    await finishRowsInTransaction(tx, jobId, settled);
  }
  await forgetWritesInTransaction(tx, commit.forget);
  const ids: number[] = [];
  for (const { chatUser, lines } of commit.announce) ids.push(await announceWriteInTransaction(tx, jobId, chatUser, lines));
  return ids;
}

/**
 * How durable a commit must be before it is answered (WAL mode). A commit that announces
 * mark_contact calls is synced: the announcement must be on disk before the call leaves, or a power
 * cut could leave a write nobody knows about. A commit that only settles lines (their entries,
 * final states, and the announcements they close) is relaxed: it is durable against a crash of the
 * process at once (the WAL is written before COMMIT returns) and against a power cut from the next
 * synced commit of either connection on (the WAL is one file, synced up to that point) or the next
 * checkpoint. Such a commit lost to a power cut loses nothing: its lines are still pending and
 * their announcements still there, so the next run reads Chat's state and settles them as the crash
 * recovery does — nothing written twice, every line with its one entry. What it saves is an fsync
 * per group commit, which would hold the next announcement (and the writes behind it) waiting.
 */
export function ledgerDurability(commit: LedgerCommit): Durability {
  return commit.announce.length > 0 ? 'synced' : 'relaxed';
}

export type JobLedger = {
  /** Resolves once the commit is durable, with the ids of the announcements it made. */
  commit(commit: LedgerCommit): Promise<number[]>;
  /** Gets ready for commits soon (a job is being uploaded or started), so the first one does not wait for a thread to start. */
  warm(): void;
  close(): Promise<void>;
};

/**
 * What the worker thread answers for each commit, by its id, once the commit is as durable as it
 * must be (ledgerDurability): a relaxed commit may be answered before a synced one ahead of it.
 */
export type LedgerReply =
  | { id: number; ids: number[] }
  | {
      id: number;
      error: string;
      /** The job whose lease fence refused the commit. */
      leaseLost?: string;
      /**
       * The database could not be reached (isDatabaseUnavailable on the worker's side): an error
       * crosses the thread as its message only, so the class is said here, and the runner tells an
       * outage (the job goes on once the database answers) from a failure (the job stops).
       */
      unavailable?: true;
    };

/** The error a refused commit is answered with on this side of the thread: what it was on the other. */
function ledgerError(reply: Extract<LedgerReply, { error: string }>): Error {
  // A refused fence comes back as what it is: the run stops quietly instead of failing the job.
  if (reply.leaseLost !== undefined) return new LeaseLostError('jobs', reply.leaseLost);
  if (reply.unavailable) return new DatabaseUnavailableError({ cause: new Error(reply.error) });
  return new Error(`the job ledger could not commit: ${reply.error}`);
}

/**
 * A thread that died (its 'error' event): one that could not open its connection because the
 * database could not be reached threw DatabaseUnavailableError (ledger-worker.ts), which arrives
 * here as a copy of another class with the same name.
 */
function threadError(error: Error): Error {
  return error.name === 'DatabaseUnavailableError' ? new DatabaseUnavailableError({ cause: error }) : error;
}

/** One worker thread and the commits it still owes an answer. */
type LedgerThread = { worker: Worker; waiting: Map<number, { resolve: (ids: number[]) => void; reject: (error: Error) => void }>; gone: boolean };

/** The worker's young generation (MB): see startLedgerWorker. */
const LEDGER_YOUNG_GENERATION_MB = 6;

/** A worker with nothing to commit for this long is retired (it holds a V8 heap of its own); the next commit starts another. */
const IDLE_RETIRE_MS = 60_000;

/**
 * Commits on a worker thread with its own connection to the database file (WAL: the two
 * connections take turns writing; readers never wait). If the worker dies, the commits it owed
 * fail — the job stops with Markdesk's "unexpected error" message — and the next commit starts a
 * new worker, so resuming the job works without a restart of the server. A commit that could not
 * reach the database (PostgreSQL out of reach) fails with DatabaseUnavailableError instead: the
 * run gives its work up and the job goes on once the database answers (execution.ts). The worker runs only
 * while jobs need it: it is started when a job is uploaded or started (warm) and retired after a
 * minute without commits.
 */
export function workerLedger(location: StoreLocation, auditKey?: Buffer): JobLedger {
  let nextId = 0;
  let closing = false;
  let thread: LedgerThread | null = null;
  let idleTimer: NodeJS.Timeout | null = null;

  function retireWhenIdle(current: LedgerThread): void {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = null;
      if (closing || thread !== current || current.waiting.size > 0) return;
      thread = null;
      current.gone = true;
      current.worker.postMessage('close');
    }, IDLE_RETIRE_MS);
    idleTimer.unref();
  }

  function running(): LedgerThread {
    if (thread === null || thread.gone) {
      thread = start();
      retireWhenIdle(thread);
    }
    return thread;
  }

  function start(): LedgerThread {
    const current: LedgerThread = { worker: startLedgerWorker(location, auditKey), waiting: new Map(), gone: false };
    const { worker, waiting } = current;
    const failAll = (error: Error) => {
      current.gone = true;
      for (const { reject } of waiting.values()) reject(error);
      waiting.clear();
      worker.unref();
    };
    worker.on('message', (reply: LedgerReply) => {
      const pending = waiting.get(reply.id);
      waiting.delete(reply.id);
      // Referenced only while a commit is in flight (or the ledger is closing): an idle ledger
      // must not keep a stopping process alive.
      if (waiting.size === 0 && !closing) {
        worker.unref();
        retireWhenIdle(current);
      }
      if ('error' in reply) pending?.reject(ledgerError(reply));
      else pending?.resolve(reply.ids);
    });
    worker.on('error', (error) => failAll(threadError(error)));
    worker.on('exit', (code) => failAll(new Error(`the job ledger worker stopped (exit code ${code})`)));
    return current;
  }

  return {
    commit(commit) {
      if (closing) return Promise.reject(new Error('the job ledger is closed'));
      const { worker, waiting } = running();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        if (waiting.size === 0) worker.ref();
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, commit });
      });
    },
    warm() {
      if (!closing) running();
    },
    async close() {
      closing = true;
      if (idleTimer) clearTimeout(idleTimer);
      if (thread === null || thread.gone) return;
      const { worker } = thread;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      // Held until the worker has closed the database and gone.
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}

/**
 * The worker thread's own module, next to this one: `ledger-worker.mjs` in the build (dist/server,
 * plain node), and under tsx or Vitest (this module is `ledger.ts`) a small bootstrap file that
 * registers tsx's loader — which a worker thread does not inherit — and then runs ledger-worker.ts.
 */
export function ledgerWorkerUrl(moduleUrl: string = import.meta.url): URL {
  const fromSource = new URL(moduleUrl).pathname.endsWith('.ts');
  return new URL(fromSource ? './ledger-worker-source.mjs' : './ledger-worker.mjs', moduleUrl);
}

function startLedgerWorker(location: StoreLocation, auditKey?: Buffer): Worker {
  // The audit key goes along: the worker appends to the same keyed chain (without one it reads the data directory's).
  const worker = new Worker(ledgerWorkerUrl(), {
    workerData: { location, auditKey },
    // What the worker allocates lives for one commit: a small young generation collects it as well
    // as V8's default (up to 3 × 16 MB on 64-bit) and keeps the job's resident memory down.
    resourceLimits: { maxYoungGenerationSizeMb: LEDGER_YOUNG_GENERATION_MB },
  });
  worker.unref();
  return worker;
}
