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
  type JobState,
  type JobRowStatus,
  type JobStatus,
} from '../../shared/api/jobs';
import type { MarkChange, MarkState } from '../../shared/marks/change';
import type { Conversation } from '../../shared/marks/conversation';
import { neutralizeFormula } from '../store/csv-export';
import { immediateTransaction, type Clock, type JobTableState, type JobsTable, type Store } from '../store/database';
import type { WriteGuard } from '../services/write-policy';
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
  kind: JobKind;
  sourceJobId: string | null;
};

/** Where a job came from: an uploaded file, the rollback of a job, or the failed rows of a job. */
export type JobKind = 'upload' | 'rollback' | 'retry';

/** A jobs table row as read by JOB_COLUMNS. */
type JobRow = Omit<JobsTable, 'seq' | 'kind' | 'impact_checked_at'> & { kind: JobKind };

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
  kind: row.kind,
  sourceJobId: row.source_job_id,
});

/** A pending line as the runner works on it. */
export type WorkRow = {
  line: number;
  conversation: Conversation;
  change: MarkChange;
  /** What must hold for the line to be written (checked on the state read before its write). */
  guard?: WriteGuard;
  /** The audit entry this line undoes (rollback jobs); its own entry points to it. */
  revertOf?: string;
  /** The state read before a call of this line whose answer never came: it may have landed. */
  sentBefore?: MarkState;
};

/** Pending lines of one chat user, in line order. */
export type PendingChunk = { chatUser: string; rows: WorkRow[] };

/** A line of an announced mark_contact call, with the state read just before it was sent. */
export type AnnouncedLine = { line: number; before: MarkState };
export type AnnouncedWrite = { id: number; chatUser: string; lines: AnnouncedLine[] };

/** A line's final result. Its audit entry is the one with the line's request id (jobLineRequestId). */
export type RowResult = {
  line: number;
  /** The line's chat user, when the caller knows it (the runner always does): a faster update. */
  chatUser?: string;
  status: 'applied' | 'unchanged' | 'conflict' | 'failed';
  upstreamCode?: number;
  message?: string;
};

const JOB_COLUMNS =
  'id, state, created_by, created_at, started_by, started_at, finished_at, total_rows, valid_rows, applied, unchanged, conflicts, failed, cancelled, message, kind, source_job_id';

function prepareStatements(sqlite: BetterSqlite3.Database) {
  return {
    insertJob: sqlite.prepare<[string, string, string, JobKind, string | null]>(
      `INSERT INTO jobs (id, state, created_by, created_at, kind, source_job_id) VALUES (?, 'uploading', ?, ?, ?, ?)`,
    ),
    insertRow: sqlite.prepare<
      [
        {
          job_id: string;
          cluster: string;
          line: number;
          input_json: string;
          status: JobRowStatus;
          chat_user: string | null;
          conversation_type: string | null;
          conversation_id: string | null;
          change_json: string | null;
          guard_json: string | null;
          revert_of: string | null;
          message: string | null;
        },
      ]
    >(
      `INSERT INTO job_rows (job_id, cluster, line, input_json, status, chat_user, conversation_type, conversation_id, change_json, guard_json, revert_of, message)
       VALUES (@job_id, @cluster, @line, @input_json, @status, @chat_user, @conversation_type, @conversation_id, @change_json, @guard_json, @revert_of, @message)`,
    ),
    job: sqlite.prepare<[string], JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ? AND state != 'uploading'`),
    jobs: sqlite.prepare<[number], JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE state != 'uploading' ORDER BY seq DESC LIMIT ?`),
    jobIdsInState: sqlite.prepare<[string], { id: string; finished_at: string | null }>(`SELECT id, finished_at FROM jobs WHERE state = ? ORDER BY seq`),
    // The first chat user with a pending line after (user, line), through the pending index.
    nextPendingUser: sqlite.prepare<[{ job: string; user: string; line: number }], { chat_user: string }>(
      `SELECT chat_user FROM job_rows INDEXED BY job_rows_pending
       WHERE job_id = @job AND status = 'pending' AND (chat_user, line) > (@user, @line) ORDER BY chat_user, line LIMIT 1`,
    ),
    // That user's pending lines after a line, read from the table itself: a user's lines are stored
    // together in line order (keyed by job, cluster = chat user, line), so this reads a few
    // consecutive pages instead of looking each line up from the index — pages which, while the
    // ledger worker commits, this connection reads again from the WAL each time.
    pendingOfUser: sqlite.prepare<[string, string, number, number], ClaimRow & { chat_user: string }>(
      `SELECT chat_user, line, conversation_type, conversation_id, change_json, guard_json, revert_of FROM job_rows
       WHERE job_id = ? AND cluster = ? AND line > ? AND status = 'pending' ORDER BY line LIMIT ?`,
    ),
    pendingLine: sqlite.prepare<[string, number], ClaimRow & { chat_user: string }>(
      `SELECT chat_user, line, conversation_type, conversation_id, change_json, guard_json, revert_of FROM job_rows WHERE job_id = ? AND line = ? AND status = 'pending'`,
    ),
    finishRow: sqlite.prepare<[JobRowStatus, number | null, string | null, string, number]>(
      `UPDATE job_rows SET status = ?, upstream_code = ?, message = ? WHERE job_id = ? AND line = ? AND status = 'pending'`,
    ),
    // With the chat user: straight to the line's place in the table (job, chat user, line).
    finishUserRow: sqlite.prepare<[JobRowStatus, number | null, string | null, string, string, number]>(
      `UPDATE job_rows SET status = ?, upstream_code = ?, message = ? WHERE job_id = ? AND cluster = ? AND line = ? AND status = 'pending'`,
    ),
    finishRun: sqlite.prepare<[JobRowStatus, string, string, number, number]>(
      `UPDATE job_rows SET status = ? WHERE job_id = ? AND cluster = ? AND line BETWEEN ? AND ? AND status = 'pending'`,
    ),
    announceWrite: sqlite.prepare<[string, string, string]>(`INSERT INTO job_writes (job_id, chat_user, lines_json) VALUES (?, ?, ?)`),
    announcedWrites: sqlite.prepare<[string], { id: number; chat_user: string; lines_json: string }>(
      `SELECT id, chat_user, lines_json FROM job_writes WHERE job_id = ? ORDER BY id`,
    ),
    forgetWrite: sqlite.prepare<[number]>(`DELETE FROM job_writes WHERE id = ?`),
    addCounts: sqlite.prepare<[number, number, number, number, string]>(
      `UPDATE jobs SET applied = applied + ?, unchanged = unchanged + ?, conflicts = conflicts + ?, failed = failed + ? WHERE id = ?`,
    ),
    resultsPage: sqlite.prepare<[string, number, number], { line: number; input_json: string; status: JobRowStatus; upstream_code: number | null; message: string | null }>(
      `SELECT line, input_json, status, upstream_code, message FROM job_rows WHERE job_id = ? AND line > ? ORDER BY line LIMIT ?`,
    ),
  };
}

type ClaimRow = { line: number; conversation_type: 'c2c' | 'group'; conversation_id: string; change_json: string; guard_json: string | null; revert_of: string | null };
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

/**
 * Parsed JSON cells by their text. Most lines of a job ask for the same change: the lines read
 * together share one parsed object (read-only, as every change and guard is), instead of
 * allocating one per line — and the ledger's messages carry it once.
 */
type ParsedCells = Map<string, unknown>;

function parsedCell<T>(cells: ParsedCells | undefined, text: string): T {
  if (!cells) return JSON.parse(text) as T;
  let value = cells.get(text);
  if (value === undefined) {
    value = JSON.parse(text);
    cells.set(text, value);
  }
  return value as T;
}

const workRowFrom = (row: ClaimRow, cells?: ParsedCells): WorkRow => {
  const work: WorkRow = { line: row.line, conversation: { type: row.conversation_type, id: row.conversation_id }, change: parsedCell<MarkChange>(cells, row.change_json) };
  if (row.guard_json !== null) work.guard = parsedCell<WriteGuard>(cells, row.guard_json);
  if (row.revert_of !== null) work.revertOf = row.revert_of;
  return work;
};

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
  context: { createdBy: string; clock: Clock; kind?: JobKind; sourceJobId?: string },
  rows: AsyncIterable<CheckedRow>,
): Promise<JobCheckedResponse> {
  const s = statements(store);
  const jobId = randomUUID();
  await immediateTransaction(store, () => s.insertJob.run(jobId, context.createdBy, context.clock.now().toISOString(), context.kind ?? 'upload', context.sourceJobId ?? null));
  try {
    let batch: CheckedRow[] = [];
    const flush = async () => {
      const rowsToWrite = batch;
      batch = [];
      await immediateTransaction(store, () => {
        for (const row of rowsToWrite) {
          s.insertRow.run({
            job_id: jobId,
            cluster: row.ok ? row.chatUser : '',
            line: row.line,
            input_json: JSON.stringify(row.input),
            status: row.ok ? 'pending' : 'invalid',
            chat_user: row.ok ? row.chatUser : null,
            conversation_type: row.ok ? row.conversation.type : null,
            conversation_id: row.ok ? row.conversation.id : null,
            change_json: row.ok ? JSON.stringify(row.change) : null,
            guard_json: row.ok && row.guard ? JSON.stringify(row.guard) : null,
            revert_of: row.ok ? (row.revertOf ?? null) : null,
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
          `SELECT line, chat_user, conversation_type, conversation_id, change_json, guard_json, revert_of FROM job_rows
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
  status.kind = job.kind;
  if (job.sourceJobId !== null) status.sourceJobId = job.sourceJobId;
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
 * Up to `maxRows` pending lines of one chat user: the first pending lines after `after` in
 * (chat user, line) order. The runner keeps what it has taken in memory and moves `after` on, so
 * taking lines writes nothing. Null when no pending line comes after `after`.
 */
export function nextPendingChunk(store: Store, jobId: string, after: { chatUser: string; line: number } | null, maxRows: number): PendingChunk | null {
  const s = statements(store);
  const chatUser = s.nextPendingUser.get({ job: jobId, user: after?.chatUser ?? '', line: after?.line ?? 0 })?.chat_user;
  if (chatUser === undefined) return null;
  const rows = s.pendingOfUser.all(jobId, chatUser, chatUser === after?.chatUser ? after.line : -1, maxRows);
  const cells: ParsedCells = new Map();
  return { chatUser, rows: rows.map((row) => workRowFrom(row, cells)) };
}

/** The line if it is still pending (with its chat user), else null. */
export function pendingLine(store: Store, jobId: string, line: number): (WorkRow & { chatUser: string }) | null {
  const row = statements(store).pendingLine.get(jobId, line);
  return row ? { ...workRowFrom(row), chatUser: row.chat_user } : null;
}

/** Records a mark_contact call about to be sent; only inside an IMMEDIATE transaction. Returns its id. */
export function announceWriteInTransaction(store: Store, jobId: string, chatUser: string, lines: readonly AnnouncedLine[]): number {
  const json = JSON.stringify(lines.map(({ line, before }) => ({ line, before: { bits: before.bits, customMark: before.customMark } })));
  return Number(statements(store).announceWrite.run(jobId, chatUser, json).lastInsertRowid);
}

/** The calls announced and not yet settled, oldest first: after a crash, those whose answers were lost. */
export function announcedWrites(store: Store, jobId: string): AnnouncedWrite[] {
  return statements(store)
    .announcedWrites.all(jobId)
    .map((row) => ({ id: row.id, chatUser: row.chat_user, lines: JSON.parse(row.lines_json) as AnnouncedLine[] }));
}

/** Deletes every announced call of a job that has nothing in flight any more (done or cancelled). */
export async function forgetJobWrites(store: Store, jobId: string): Promise<void> {
  await immediateTransaction(store, (sqlite) => sqlite.prepare(`DELETE FROM job_writes WHERE job_id = ?`).run(jobId));
}

/** Deletes announced calls whose lines are settled; only inside an IMMEDIATE transaction. */
export function forgetWritesInTransaction(store: Store, ids: readonly number[]): void {
  const { forgetWrite } = statements(store);
  for (const id of ids) forgetWrite.run(id);
}

/**
 * Records final results of lines and adds them to the job's counters; only inside an IMMEDIATE
 * transaction. Runs of consecutive lines of one chat user that ended the same way with nothing
 * more to say — most of a job in grouped files — take one UPDATE per run; a run holds every line
 * number in it, so no other line is touched.
 */
export function finishRowsInTransaction(store: Store, jobId: string, results: readonly RowResult[]): void {
  if (results.length === 0) return;
  const s = statements(store);
  const counts = { applied: 0, unchanged: 0, conflict: 0, failed: 0 };
  // In table order (job, chat user, line): neighbouring updates touch the same pages.
  const sorted = [...results].sort((a, b) => (a.chatUser === b.chatUser ? a.line - b.line : (a.chatUser ?? '') < (b.chatUser ?? '') ? -1 : 1));
  const plain = (result: RowResult) => result.upstreamCode === undefined && result.message === undefined;
  for (let start = 0; start < sorted.length; ) {
    const first = sorted[start]!;
    let end = start;
    if (plain(first) && first.chatUser !== undefined) {
      for (;;) {
        const next = sorted[end + 1];
        if (next === undefined || next.chatUser !== first.chatUser || next.line !== sorted[end]!.line + 1 || next.status !== first.status || !plain(next)) break;
        end++;
      }
    }
    const code = first.upstreamCode ?? null;
    const message = first.message ?? null;
    // Only pending lines change, and the counters count what changed: a line is counted once.
    const { changes } =
      end > start
        ? s.finishRun.run(first.status, jobId, first.chatUser!, first.line, sorted[end]!.line)
        : first.chatUser !== undefined
          ? s.finishUserRow.run(first.status, code, message, jobId, first.chatUser, first.line)
          : s.finishRow.run(first.status, code, message, jobId, first.line);
    counts[first.status] += changes;
    start = end + 1;
  }
  s.addCounts.run(counts.applied, counts.unchanged, counts.conflict, counts.failed, jobId);
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

// ---- results.csv ------------------------------------------------------------------------------

export const BOM = '\uFEFF';

export function csvLines(records: string[][]): string {
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
          row.status,
          row.upstream_code === null ? '' : String(row.upstream_code),
          neutralizeFormula(row.message ?? ''),
        ];
      }),
    );
    // Let other requests run between pages of a large file.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
