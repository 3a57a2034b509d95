// Bulk jobs in the database: the job record, one row per CSV data line, and the few statements the
// runner repeats thousands of times a second (prepared once per connection, run synchronously
// inside BEGIN IMMEDIATE transactions so no two runners' steps interleave).
import type BetterSqlite3 from 'better-sqlite3';
import { stringify } from 'csv-stringify/sync';
import { randomUUID } from 'node:crypto';
import {
  JOB_CSV_COLUMNS,
  JOB_INVALID_ROWS_LISTED,
  JOB_PREVIEW_ROWS,
  JOB_RESULT_COLUMNS,
  type JobCheckedResponse,
  type JobPreviewRow,
  type JobRowStatus,
  type JobState,
  type JobStatus,
} from '../../shared/api/jobs';
import type { MarkChange } from '../../shared/marks/change';
import type { Conversation } from '../../shared/marks/conversation';
import { neutralizeFormula } from '../store/audit';
import { immediateTransaction, type Clock, type JobRowTableStatus, type JobTableState, type JobsTable, type Store } from '../store/database';
import type { CheckedRow } from './csv';

/** Rows written per transaction while a file is read. */
const INSERT_BATCH_ROWS = 1000;
const RESULTS_PAGE_ROWS = 1000;

export type JobRecord = {
  id: string;
  state: JobTableState;
  createdBy: string;
  createdAt: string;
  startedBy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  totalRows: number;
  validRows: number;
  applied: number;
  unchanged: number;
  conflicts: number;
  failed: number;
  cancelled: number;
  message: string | null;
};

/** A jobs table row as read by JOB_COLUMNS. */
type JobRow = Omit<JobsTable, 'seq'>;

const toRecord = (row: JobRow): JobRecord => ({
  id: row.id,
  state: row.state,
  createdBy: row.created_by,
  createdAt: row.created_at,
  startedBy: row.started_by,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  totalRows: row.total_rows,
  validRows: row.valid_rows,
  applied: row.applied,
  unchanged: row.unchanged,
  conflicts: row.conflicts,
  failed: row.failed,
  cancelled: row.cancelled,
  message: row.message,
});

/** A pending line as the runner works on it. */
export type WorkRow = {
  line: number;
  conversation: Conversation;
  change: MarkChange;
  /** Set when the line's audit entry already exists (an intent whose outcome is not known yet). */
  auditId: string | null;
};

export type ClaimedChunk = { chatUser: string; rows: WorkRow[] };

/** A line's final result. */
export type RowResult = {
  line: number;
  status: 'applied' | 'unchanged' | 'conflict' | 'failed';
  auditId: string;
  upstreamCode?: number;
  message?: string;
};

const JOB_COLUMNS =
  'id, state, created_by, created_at, started_by, started_at, finished_at, total_rows, valid_rows, applied, unchanged, conflicts, failed, cancelled, message';

function prepareStatements(sqlite: BetterSqlite3.Database) {
  return {
    insertJob: sqlite.prepare<[string, string, string]>(`INSERT INTO jobs (id, state, created_by, created_at) VALUES (?, 'uploading', ?, ?)`),
    insertRow: sqlite.prepare<
      [
        {
          job_id: string;
          line: number;
          input_json: string;
          status: JobRowTableStatus;
          chat_user: string | null;
          conversation_type: string | null;
          conversation_id: string | null;
          change_json: string | null;
          message: string | null;
        },
      ]
    >(
      `INSERT INTO job_rows (job_id, line, input_json, status, chat_user, conversation_type, conversation_id, change_json, message)
       VALUES (@job_id, @line, @input_json, @status, @chat_user, @conversation_type, @conversation_id, @change_json, @message)`,
    ),
    job: sqlite.prepare<[string], JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ? AND state != 'uploading'`),
    jobs: sqlite.prepare<[number], JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE state != 'uploading' ORDER BY seq DESC LIMIT ?`),
    jobIdsInState: sqlite.prepare<[string], { id: string; finished_at: string | null }>(`SELECT id, finished_at FROM jobs WHERE state = ? ORDER BY seq`),
    firstPendingUser: sqlite.prepare<[string], { chat_user: string }>(
      `SELECT chat_user FROM job_rows WHERE job_id = ? AND status = 'pending' ORDER BY chat_user, line LIMIT 1`,
    ),
    firstPendingUserWithIntent: sqlite.prepare<[string], { chat_user: string }>(
      `SELECT chat_user FROM job_rows WHERE job_id = ? AND status = 'pending' AND audit_id IS NOT NULL ORDER BY chat_user, line LIMIT 1`,
    ),
    pendingRowsOfUser: sqlite.prepare<[string, string, number], ClaimRow>(
      // Through the pending index too: left to itself the planner walks the primary key from the
      // job's first line, past every line already done — a cost that grows with the job (quadratic).
      `SELECT line, conversation_type, conversation_id, change_json, audit_id FROM job_rows INDEXED BY job_rows_pending
       WHERE job_id = ? AND status = 'pending' AND chat_user = ? ORDER BY line LIMIT ?`,
    ),
    pendingRowsOfUserWithIntent: sqlite.prepare<[string, string, number], ClaimRow>(
      `SELECT line, conversation_type, conversation_id, change_json, audit_id FROM job_rows INDEXED BY job_rows_pending
       WHERE job_id = ? AND status = 'pending' AND chat_user = ? AND audit_id IS NOT NULL ORDER BY line LIMIT ?`,
    ),
    setStatus: sqlite.prepare<[JobRowTableStatus, string, number]>(`UPDATE job_rows SET status = ? WHERE job_id = ? AND line = ?`),
    claimUpTo: sqlite.prepare<[string, string, number]>(
      // Through the pending index: the primary key would walk every earlier line of the job.
      `UPDATE job_rows INDEXED BY job_rows_pending SET status = 'claimed' WHERE job_id = ? AND status = 'pending' AND chat_user = ? AND line <= ?`,
    ),
    finishRow: sqlite.prepare<[JobRowTableStatus, string, number | null, string | null, string, number]>(
      `UPDATE job_rows SET status = ?, audit_id = ?, upstream_code = ?, message = ? WHERE job_id = ? AND line = ?`,
    ),
    requeueRow: sqlite.prepare<[string | null, number, string, number], { attempts: number }>(
      `UPDATE job_rows SET status = 'pending', audit_id = ?, attempts = attempts + ? WHERE job_id = ? AND line = ? RETURNING attempts`,
    ),
    addCounts: sqlite.prepare<[number, number, number, number, string]>(
      `UPDATE jobs SET applied = applied + ?, unchanged = unchanged + ?, conflicts = conflicts + ?, failed = failed + ? WHERE id = ?`,
    ),
    claimedRows: sqlite.prepare<[string], ClaimRow & { chat_user: string }>(
      `SELECT line, chat_user, conversation_type, conversation_id, change_json, audit_id FROM job_rows WHERE job_id = ? AND status = 'claimed' ORDER BY line`,
    ),
    resultsPage: sqlite.prepare<[string, number, number], { line: number; input_json: string; status: JobRowTableStatus; upstream_code: number | null; message: string | null }>(
      `SELECT line, input_json, status, upstream_code, message FROM job_rows WHERE job_id = ? AND line > ? ORDER BY line LIMIT ?`,
    ),
  };
}

type ClaimRow = { line: number; conversation_type: 'c2c' | 'group'; conversation_id: string; change_json: string; audit_id: string | null };
type Statements = ReturnType<typeof prepareStatements>;
const statementCache = new WeakMap<BetterSqlite3.Database, Statements>();

function statements(store: Store): Statements {
  let cached = statementCache.get(store.sqlite);
  if (!cached) {
    cached = prepareStatements(store.sqlite);
    statementCache.set(store.sqlite, cached);
  }
  return cached;
}

const workRowFrom = (row: ClaimRow): WorkRow => ({
  line: row.line,
  conversation: { type: row.conversation_type, id: row.conversation_id },
  change: JSON.parse(row.change_json) as MarkChange,
  auditId: row.audit_id,
});

// ---- upload -----------------------------------------------------------------------------------

/**
 * Stores a checked file as a new job (state `checked`) and answers what the person sees before
 * starting it. Rows go to the database in batches as they are read, so memory does not grow with
 * the file. A second row for the same conversation is refused, as in a single mark request: both
 * would read the same "before" and the result would depend on the order of upstream calls. If
 * reading fails half-way (JobFileError), nothing of the job is kept.
 */
export async function storeCheckedJob(
  store: Store,
  context: { createdBy: string; clock: Clock },
  rows: AsyncIterable<CheckedRow>,
): Promise<JobCheckedResponse> {
  const s = statements(store);
  const jobId = randomUUID();
  await immediateTransaction(store, () => s.insertJob.run(jobId, context.createdBy, context.clock.now().toISOString()));
  try {
    let batch: CheckedRow[] = [];
    const flush = async () => {
      const rowsToWrite = batch;
      batch = [];
      await immediateTransaction(store, () => {
        for (const row of rowsToWrite) {
          s.insertRow.run({
            job_id: jobId,
            line: row.line,
            input_json: JSON.stringify(row.input),
            status: row.ok ? 'pending' : 'invalid',
            chat_user: row.ok ? row.chatUser : null,
            conversation_type: row.ok ? row.conversation.type : null,
            conversation_id: row.ok ? row.conversation.id : null,
            change_json: row.ok ? JSON.stringify(row.change) : null,
            message: row.ok ? null : row.error,
          });
        }
      });
    };
    for await (const row of rows) {
      batch.push(row);
      if (batch.length >= INSERT_BATCH_ROWS) await flush();
    }
    if (batch.length > 0) await flush();

    return await immediateTransaction(store, (sqlite) => {
      sqlite
        .prepare(
          `UPDATE job_rows SET status = 'invalid', change_json = NULL,
             message = 'This conversation is already on line ' || first.line || '; put all its changes in one row.'
           FROM (SELECT chat_user, conversation_type, conversation_id, MIN(line) AS line FROM job_rows
                 WHERE job_id = @job AND status = 'pending'
                 GROUP BY chat_user, conversation_type, conversation_id HAVING COUNT(*) > 1) AS first
           WHERE job_rows.job_id = @job AND job_rows.status = 'pending' AND job_rows.chat_user = first.chat_user
             AND job_rows.conversation_type = first.conversation_type AND job_rows.conversation_id = first.conversation_id
             AND job_rows.line > first.line`,
        )
        .run({ job: jobId });
      const counts = sqlite
        .prepare<[string], { total: number; valid: number }>(
          `SELECT COUNT(*) AS total, COALESCE(SUM(status = 'pending'), 0) AS valid FROM job_rows WHERE job_id = ?`,
        )
        .get(jobId)!;
      sqlite.prepare(`UPDATE jobs SET state = 'checked', total_rows = ?, valid_rows = ? WHERE id = ?`).run(counts.total, counts.valid, jobId);
      const invalid = sqlite
        .prepare<[string, number], { line: number; error: string }>(
          `SELECT line, message AS error FROM job_rows WHERE job_id = ? AND status = 'invalid' ORDER BY line LIMIT ?`,
        )
        .all(jobId, JOB_INVALID_ROWS_LISTED);
      const preview = sqlite
        .prepare<[string, number], { line: number } & ClaimRow & { chat_user: string }>(
          `SELECT line, chat_user, conversation_type, conversation_id, change_json, audit_id FROM job_rows
           WHERE job_id = ? AND status = 'pending' ORDER BY line LIMIT ?`,
        )
        .all(jobId, JOB_PREVIEW_ROWS)
        .map((row): JobPreviewRow => {
          const { change, conversation } = workRowFrom(row);
          return {
            line: row.line,
            chatUser: row.chat_user,
            conversation,
            setBits: change.setBits,
            clearBits: change.clearBits,
            ...(change.customMark !== undefined ? { customMark: change.customMark } : {}),
          };
        });
      return { jobId, state: 'checked' as const, rows: counts.total, valid: counts.valid, invalid, preview };
    });
  } catch (error) {
    await immediateTransaction(store, (sqlite) => sqlite.prepare(`DELETE FROM jobs WHERE id = ?`).run(jobId));
    throw error;
  }
}

/** Removes jobs whose upload never finished (the server stopped while reading the file). */
export async function deleteUnfinishedUploads(store: Store): Promise<number> {
  return immediateTransaction(store, (sqlite) => sqlite.prepare(`DELETE FROM jobs WHERE state = 'uploading'`).run().changes);
}

// ---- reading ----------------------------------------------------------------------------------

export function getJob(store: Store, jobId: string): JobRecord | null {
  const row = statements(store).job.get(jobId);
  return row ? toRecord(row) : null;
}

export function listJobs(store: Store, limit: number): JobRecord[] {
  return statements(store).jobs.all(limit).map(toRecord);
}

export function jobIdsInState(store: Store, state: JobTableState): { id: string; finishedAt: string | null }[] {
  return statements(store)
    .jobIdsInState.all(state)
    .map((row) => ({ id: row.id, finishedAt: row.finished_at }));
}

/** The API view of a job; the live figures come from the runner. */
export function toJobStatus(job: JobRecord, live: { callsPerSecond: number; etaSeconds: number | null } | null): JobStatus {
  const status: JobStatus = {
    jobId: job.id,
    state: job.state === 'uploading' ? 'checked' : (job.state as JobState),
    total: job.validRows,
    done: job.applied + job.unchanged + job.conflicts + job.failed,
    applied: job.applied,
    unchanged: job.unchanged,
    conflicts: job.conflicts,
    failed: job.failed,
    callsPerSecond: job.state === 'running' && live ? Math.round(live.callsPerSecond * 10) / 10 : 0,
    etaSeconds: job.state === 'running' && live && live.etaSeconds !== null ? Math.round(live.etaSeconds * 10) / 10 : null,
    createdBy: job.createdBy,
    createdAt: job.createdAt,
    rows: job.totalRows,
    invalid: job.totalRows - job.validRows,
  };
  if (job.startedBy !== null) status.startedBy = job.startedBy;
  if (job.startedAt !== null) status.startedAt = job.startedAt;
  if (job.finishedAt !== null) status.finishedAt = job.finishedAt;
  if (job.message !== null) status.message = job.message;
  return status;
}

// ---- state ------------------------------------------------------------------------------------

export type JobChanges = Partial<{ startedBy: string; startedAt: string; finishedAt: string | null; message: string | null }>;

/** Moves a job to `to` if it is in one of `from`; false (nothing changed) otherwise. */
export async function transitionJob(store: Store, jobId: string, from: readonly JobTableState[], to: JobTableState, changes: JobChanges = {}): Promise<boolean> {
  const sets = ['state = @to'];
  const values: Record<string, unknown> = { id: jobId, to };
  const columns = { startedBy: 'started_by', startedAt: 'started_at', finishedAt: 'finished_at', message: 'message' } as const;
  for (const [key, column] of Object.entries(columns) as [keyof JobChanges, string][]) {
    if (key in changes) {
      sets.push(`${column} = @${key}`);
      values[key] = changes[key];
    }
  }
  const fromList = from.map((_, index) => `@from${index}`).join(', ');
  from.forEach((state, index) => (values[`from${index}`] = state));
  return immediateTransaction(
    store,
    (sqlite) => sqlite.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id AND state IN (${fromList})`).run(values).changes === 1,
  );
}

// ---- the runner's steps -------------------------------------------------------------------------

/**
 * Takes up to `maxRows` pending lines of one chat user (the first in order) and marks them
 * claimed. With `onlyWithIntent`, only lines whose audit intent already exists (a cancelled job
 * still settles those). Null when there is nothing left to take.
 */
export async function claimChunk(store: Store, jobId: string, maxRows: number, onlyWithIntent: boolean): Promise<ClaimedChunk | null> {
  const s = statements(store);
  return immediateTransaction(store, () => {
    const first = (onlyWithIntent ? s.firstPendingUserWithIntent : s.firstPendingUser).get(jobId);
    if (!first) return null;
    const rows = (onlyWithIntent ? s.pendingRowsOfUserWithIntent : s.pendingRowsOfUser).all(jobId, first.chat_user, maxRows);
    // The first pending lines of the user in line order: exactly those up to the last one taken.
    if (onlyWithIntent) for (const row of rows) s.setStatus.run('claimed', jobId, row.line);
    else s.claimUpTo.run(jobId, first.chat_user, rows[rows.length - 1]!.line);
    return { chatUser: first.chat_user, rows: rows.map(workRowFrom) };
  });
}

/** Records final results of lines and adds them to the job's counters, in one transaction. */
export async function finishRows(store: Store, jobId: string, results: readonly RowResult[]): Promise<void> {
  if (results.length === 0) return;
  await immediateTransaction(store, () => finishRowsInTransaction(store, jobId, results));
}

/** finishRows' work, for a caller that commits it with the lines' audit rows: only inside an IMMEDIATE transaction. */
export function finishRowsInTransaction(store: Store, jobId: string, results: readonly RowResult[]): void {
  if (results.length === 0) return;
  const s = statements(store);
  const counts = { applied: 0, unchanged: 0, conflict: 0, failed: 0 };
  for (const r of results) {
    counts[r.status]++;
    s.finishRow.run(r.status, r.auditId, r.upstreamCode ?? null, r.message ?? null, jobId, r.line);
  }
  s.addCounts.run(counts.applied, counts.unchanged, counts.conflict, counts.failed, jobId);
}

/**
 * Puts lines back to pending (keeping an audit intent that was written for them). With
 * `countAttempt`, each line's attempt counter goes up; returns the highest count among them.
 */
export async function requeueRows(store: Store, jobId: string, rows: readonly { line: number; auditId: string | null }[], countAttempt: boolean): Promise<number> {
  if (rows.length === 0) return 0;
  const s = statements(store);
  return immediateTransaction(store, () => {
    let highest = 0;
    for (const row of rows) highest = Math.max(highest, s.requeueRow.get(row.auditId, countAttempt ? 1 : 0, jobId, row.line)?.attempts ?? 0);
    return highest;
  });
}

/** Lines a previous process claimed and never finished (it stopped or crashed meanwhile). */
export function claimedRows(store: Store, jobId: string): (WorkRow & { chatUser: string })[] {
  return statements(store)
    .claimedRows.all(jobId)
    .map((row) => ({ ...workRowFrom(row), chatUser: row.chat_user }));
}

/** Every line still pending becomes cancelled; the job's finish time is set. */
export async function cancelPendingRows(store: Store, jobId: string, finishedAt: string): Promise<void> {
  await immediateTransaction(store, (sqlite) => {
    const { changes } = sqlite
      .prepare(`UPDATE job_rows SET status = 'cancelled', message = 'The job was cancelled before this row was sent.' WHERE job_id = ? AND status = 'pending'`)
      .run(jobId);
    sqlite.prepare(`UPDATE jobs SET cancelled = cancelled + ?, finished_at = ? WHERE id = ?`).run(changes, finishedAt, jobId);
  });
}

export async function resetAttempts(store: Store, jobId: string): Promise<void> {
  await immediateTransaction(store, (sqlite) => sqlite.prepare(`UPDATE job_rows SET attempts = 0 WHERE job_id = ? AND attempts > 0`).run(jobId));
}

// ---- results.csv ------------------------------------------------------------------------------

const BOM = '\uFEFF';

function resultStatus(status: JobRowTableStatus): JobRowStatus {
  return status === 'claimed' ? 'pending' : status;
}

function csvLines(records: string[][]): string {
  // RFC 4180: CRLF between records; a field holding a line break is quoted.
  return stringify(records, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}

/**
 * results.csv of a job: the input columns as uploaded plus status, upstream_code and message, in
 * file order, UTF-8 with BOM (what spreadsheets need to read CJK text), a page of rows per chunk.
 * Cells that a spreadsheet would run as a formula are neutralised as in the audit export.
 */
export async function* jobResultsCsv(store: Store, jobId: string): AsyncGenerator<string> {
  yield BOM + csvLines([[...JOB_RESULT_COLUMNS]]);
  const s = statements(store);
  let after = 0;
  for (;;) {
    const page = s.resultsPage.all(jobId, after, RESULTS_PAGE_ROWS);
    if (page.length === 0) return;
    after = page[page.length - 1]!.line;
    yield csvLines(
      page.map((row) => {
        const input = JSON.parse(row.input_json) as string[];
        return [
          ...JOB_CSV_COLUMNS.map((_, index) => neutralizeFormula(input[index] ?? '')),
          resultStatus(row.status),
          row.upstream_code === null ? '' : String(row.upstream_code),
          neutralizeFormula(row.message ?? ''),
        ];
      }),
    );
    // Let other requests run between pages of a large file.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
