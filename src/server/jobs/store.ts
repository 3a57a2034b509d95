// Bulk jobs in the database: the job record, its state and counters. A job's lines are in
// upload-store.ts (storing a checked file) and line-store.ts (the runner's steps); its downloads in
// reports.ts.
import type { JobKind, JobState, JobStatus } from '../../shared/api/jobs';
import { cachedStatement, immediateTransaction, statementsPerConnection, type JobTableState, type JobsTable, type Store } from '../store/database';

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

const JOB_COLUMNS =
  'id, state, created_by, created_at, started_by, started_at, finished_at, total_rows, valid_rows, applied, unchanged, conflicts, failed, cancelled, message, kind, source_job_id';

const statements = statementsPerConnection((sqlite) => ({
  job: sqlite.prepare<[string], JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ? AND state != 'uploading'`),
  jobs: sqlite.prepare<[number], JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE state != 'uploading' ORDER BY seq DESC LIMIT ?`),
  jobIdsInState: sqlite.prepare<[string], { id: string; finished_at: string | null }>(`SELECT id, finished_at FROM jobs WHERE state = ? ORDER BY seq`),
}));

/** Removes jobs whose upload never finished (the server stopped while reading the file). */
export async function deleteUnfinishedUploads(store: Store): Promise<number> {
  return immediateTransaction(store, (sqlite) => cachedStatement(sqlite, `DELETE FROM jobs WHERE state = 'uploading'`).run().changes);
}

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
    (sqlite) => cachedStatement(sqlite, `UPDATE jobs SET ${sets.join(', ')} WHERE id = @id AND state IN (${fromList})`).run(values).changes === 1,
  );
}

/** Deletes every announced call of a job that has nothing in flight any more (done or cancelled). */
export async function forgetJobWrites(store: Store, jobId: string): Promise<void> {
  await immediateTransaction(store, (sqlite) => cachedStatement(sqlite, `DELETE FROM job_writes WHERE job_id = ?`).run(jobId));
}

/** Every line still pending becomes cancelled; the job's finish time is set. */
export async function cancelPendingRows(store: Store, jobId: string, finishedAt: string): Promise<void> {
  await immediateTransaction(store, (sqlite) => {
    const { changes } = cachedStatement(
      sqlite,
      `UPDATE job_rows SET status = 'cancelled', message = 'The job was cancelled before this row was sent.' WHERE job_id = ? AND status = 'pending'`,
    ).run(jobId);
    cachedStatement(sqlite, `UPDATE jobs SET cancelled = cancelled + ?, finished_at = ? WHERE id = ?`).run(changes, finishedAt, jobId);
  });
}
