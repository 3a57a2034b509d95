// Bulk jobs in the database: the job record, its state and counters. A job's lines are in
// upload-store.ts (storing a checked file) and line-store.ts (the runner's steps); its downloads in
// reports.ts.
import type { JobKind, JobState, JobStatus } from '../../shared/api/jobs';
import type { JobTableState, JobsTable, Reader, Store, Tx } from '../store/database';
import { holdLeaseInTransaction, type LeaseFence } from './leases';

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
type JobRow = Omit<JobsTable, 'seq' | 'kind' | 'impact_checked_at' | 'lease_owner' | 'lease_expires_at' | 'lease_epoch'> & { kind: JobKind };

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

const JOB_COLUMNS = [
  'id',
  'state',
  'created_by',
  'created_at',
  'started_by',
  'started_at',
  'finished_at',
  'total_rows',
  'valid_rows',
  'applied',
  'unchanged',
  'conflicts',
  'failed',
  'cancelled',
  'message',
  'kind',
  'source_job_id',
] as const satisfies readonly (keyof JobRow)[];

/**
 * An upload still unfinished this long after it began was abandoned (its server stopped while
 * reading the file): no upload of the largest file takes a minute. Younger ones may be in progress
 * on another instance sharing the database.
 */
export const UPLOAD_ABANDONED_MS = 60 * 60 * 1000;

/** Removes jobs whose upload began before `before` and never finished. */
export async function deleteUnfinishedUploads(store: Store, before: Date): Promise<number> {
  const result = await store.write((tx) =>
    tx.deleteFrom('jobs').where('state', '=', 'uploading').where('created_at', '<', before.toISOString()).executeTakeFirst(),
  );
  return Number(result.numDeletedRows);
}

export async function getJob(db: Reader, jobId: string): Promise<JobRecord | null> {
  const row = await db.selectFrom('jobs').select(JOB_COLUMNS).where('id', '=', jobId).where('state', '!=', 'uploading').executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function listJobs(db: Reader, limit: number): Promise<JobRecord[]> {
  const rows = await db.selectFrom('jobs').select(JOB_COLUMNS).where('state', '!=', 'uploading').orderBy('seq', 'desc').limit(limit).execute();
  return rows.map(toRecord);
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

/**
 * Moves a job to `to` if it is in one of `from`; false (nothing changed) otherwise. With a fence
 * (a run ending its job), only while the run's lease is still the one it was started under.
 */
export async function transitionJob(
  store: Store,
  jobId: string,
  from: readonly JobTableState[],
  to: JobTableState,
  changes: JobChanges = {},
  fence?: LeaseFence,
): Promise<boolean> {
  return store.write((tx) => transitionJobInTransaction(tx, jobId, from, to, changes, fence));
}

/** transitionJob in the caller's transaction. */
export async function transitionJobInTransaction(
  tx: Tx,
  jobId: string,
  from: readonly JobTableState[],
  to: JobTableState,
  changes: JobChanges = {},
  fence?: LeaseFence,
): Promise<boolean> {
  // A change not given stays as it is: Kysely leaves out a column whose value is undefined.
  let update = tx
    .updateTable('jobs')
    .set({ state: to, started_by: changes.startedBy, started_at: changes.startedAt, finished_at: changes.finishedAt, message: changes.message })
    .where('id', '=', jobId)
    .where('state', 'in', [...from]);
  if (fence) update = update.where('lease_owner', '=', fence.owner).where('lease_epoch', '=', fence.epoch);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes every announced call of a job that has nothing in flight any more (done or cancelled). */
export async function forgetJobWrites(store: Store, jobId: string): Promise<void> {
  await store.write((tx) => tx.deleteFrom('job_writes').where('job_id', '=', jobId).execute());
}

/** Every line still pending becomes cancelled; the job's finish time is set. Only while `fence` still holds the job's lease. */
export async function cancelPendingRows(store: Store, jobId: string, finishedAt: string, fence: LeaseFence): Promise<void> {
  await store.write(async (tx) => {
    await holdLeaseInTransaction(tx, 'jobs', jobId, fence);
    const { numUpdatedRows } = await tx
      .updateTable('job_rows')
      .set({ status: 'cancelled', message: 'The job was cancelled before this row was sent.' })
      .where('job_id', '=', jobId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    await tx
      .updateTable('jobs')
      .set((eb) => ({ cancelled: eb('cancelled', '+', Number(numUpdatedRows)), finished_at: finishedAt }))
      .where('id', '=', jobId)
      .execute();
  });
}
