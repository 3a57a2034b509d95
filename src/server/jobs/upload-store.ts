// Storing a checked file as a new job: its record and one row per CSV data line.
import { JOB_INVALID_ROWS_LISTED, JOB_PREVIEW_ROWS, type JobCheckedResponse, type JobKind, type JobPreviewRow } from '../../shared/api/jobs';
import type { Clock } from '../clock';
import { cachedStatement, immediateTransaction, statementsPerConnection, type JobRowsTable, type Store } from '../store/database';
import { timeOrderedId } from '../store/ids';
import type { CheckedRow } from './csv';
import { WORK_COLUMNS, workRowFrom, type WorkColumns } from './line-store';

/** Rows written per transaction while a file is read. */
const INSERT_BATCH_ROWS = 1000;

/** A line as stored: no answer from Chat yet. */
type InsertedRow = Omit<JobRowsTable, 'upstream_code'>;

const statements = statementsPerConnection((sqlite) => ({
  insertJob: sqlite.prepare<[string, string, string, JobKind, string | null]>(
    `INSERT INTO jobs (id, state, created_by, created_at, kind, source_job_id) VALUES (?, 'uploading', ?, ?, ?, ?)`,
  ),
  insertRow: sqlite.prepare<[InsertedRow]>(
    `INSERT INTO job_rows (job_id, cluster, line, input_json, status, chat_user, conversation_type, conversation_id, change_json, guard_json, revert_of, message)
     VALUES (@job_id, @cluster, @line, @input_json, @status, @chat_user, @conversation_type, @conversation_id, @change_json, @guard_json, @revert_of, @message)`,
  ),
}));

function insertedRow(jobId: string, row: CheckedRow): InsertedRow {
  return {
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
  };
}

/** Refuses a second line for the same conversation, counts the lines and answers what the person sees. */
function concludeUpload(store: Store, jobId: string): JobCheckedResponse {
  const statement = (text: string) => cachedStatement(store.sqlite, text);
  statement(
    `UPDATE job_rows SET status = 'invalid', change_json = NULL,
       message = 'This conversation is already on line ' || first.line || '; put all its changes in one row.'
     FROM (SELECT chat_user, conversation_type, conversation_id, MIN(line) AS line FROM job_rows
           WHERE job_id = @job AND status = 'pending'
           GROUP BY chat_user, conversation_type, conversation_id HAVING COUNT(*) > 1) AS first
     WHERE job_rows.job_id = @job AND job_rows.status = 'pending' AND job_rows.chat_user = first.chat_user
       AND job_rows.conversation_type = first.conversation_type AND job_rows.conversation_id = first.conversation_id
       AND job_rows.line > first.line`,
  ).run({ job: jobId });
  const counts = statement(`SELECT COUNT(*) AS total, COALESCE(SUM(status = 'pending'), 0) AS valid FROM job_rows WHERE job_id = ?`).get(jobId) as { total: number; valid: number };
  statement(`UPDATE jobs SET state = 'checked', total_rows = ?, valid_rows = ? WHERE id = ?`).run(counts.total, counts.valid, jobId);
  const invalid = statement(`SELECT line, message AS error FROM job_rows WHERE job_id = ? AND status = 'invalid' ORDER BY line LIMIT ?`).all(jobId, JOB_INVALID_ROWS_LISTED) as {
    line: number;
    error: string;
  }[];
  const previewRows = statement(`SELECT ${WORK_COLUMNS} FROM job_rows WHERE job_id = ? AND status = 'pending' ORDER BY line LIMIT ?`).all(jobId, JOB_PREVIEW_ROWS) as WorkColumns[];
  const preview = previewRows.map((row): JobPreviewRow => {
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
}

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
  const createdAt = new Date(context.clock.now());
  const jobId = timeOrderedId(createdAt);
  await immediateTransaction(store, () => s.insertJob.run(jobId, context.createdBy, createdAt.toISOString(), context.kind ?? 'upload', context.sourceJobId ?? null));
  try {
    let batch: CheckedRow[] = [];
    const flush = async () => {
      const rowsToWrite = batch;
      batch = [];
      await immediateTransaction(store, () => {
        for (const row of rowsToWrite) s.insertRow.run(insertedRow(jobId, row));
      });
    };
    for await (const row of rows) {
      batch.push(row);
      if (batch.length >= INSERT_BATCH_ROWS) await flush();
    }
    if (batch.length > 0) await flush();
    return await immediateTransaction(store, () => concludeUpload(store, jobId));
  } catch (error) {
    await immediateTransaction(store, () => cachedStatement(store.sqlite, `DELETE FROM jobs WHERE id = ?`).run(jobId));
    throw error;
  }
}
