// Storing a checked file as a new job: its record and one row per CSV data line.
import { JOB_INVALID_ROWS_LISTED, JOB_PREVIEW_ROWS, type JobCheckedResponse, type JobKind, type JobPreviewRow } from '../../shared/api/jobs';
import type { Clock } from '../clock';
import type { JobRowsTable, Store, Tx } from '../store/database';
import { runStatement, selectRow, selectRows } from '../store/sql';
import { timeOrderedId } from '../store/ids';
import type { CheckedRow } from './csv';
import { WORK_COLUMNS, workRowFrom, type WorkColumns } from './line-store';

/** Rows written per transaction while a file is read. */
const INSERT_BATCH_ROWS = 1000;

/** A line as stored: no answer from Chat yet. */
type InsertedRow = Omit<JobRowsTable, 'upstream_code'>;

// The job's counters start at their columns' defaults (0).
const INSERT_JOB = `INSERT INTO jobs (id, state, created_by, created_at, kind, source_job_id) VALUES (?, 'uploading', ?, ?, ?, ?)`;
// A job's lines go in at thousands a second: ROWS_PER_INSERT to a statement (one call into the
// database for all of them), positional values; each statement's text is built once per row count.
const ROWS_PER_INSERT = 50;
const INSERT_ROWS_HEAD = `INSERT INTO job_rows (job_id, cluster, line, input_json, status, chat_user, conversation_type, conversation_id, change_json, guard_json, revert_of, message) VALUES `;
const ROW_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const insertTexts = new Map<number, string>();
function insertRowsText(rows: number): string {
  let text = insertTexts.get(rows);
  if (text === undefined) insertTexts.set(rows, (text = INSERT_ROWS_HEAD + Array.from({ length: rows }, () => ROW_PLACEHOLDERS).join(', ')));
  return text;
}

// A second pending line for a conversation is refused, pointing to the first (the job's id twice).
const REFUSE_REPEATED_CONVERSATIONS = `UPDATE job_rows SET status = 'invalid', change_json = NULL,
       message = 'This conversation is already on line ' || first.line || '; put all its changes in one row.'
     FROM (SELECT chat_user, conversation_type, conversation_id, MIN(line) AS line FROM job_rows
           WHERE job_id = ? AND status = 'pending'
           GROUP BY chat_user, conversation_type, conversation_id HAVING COUNT(*) > 1) AS first
     WHERE job_rows.job_id = ? AND job_rows.status = 'pending' AND job_rows.chat_user = first.chat_user
       AND job_rows.conversation_type = first.conversation_type AND job_rows.conversation_id = first.conversation_id
       AND job_rows.line > first.line`;
const COUNT_ROWS = `SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) AS valid FROM job_rows WHERE job_id = ?`;
const PREVIEW_ROWS = `SELECT ${WORK_COLUMNS} FROM job_rows WHERE job_id = ? AND status = 'pending' ORDER BY line LIMIT ?`;

/** A row's values in the order of the INSERT's columns. */
const insertValues = (row: InsertedRow) => [
  row.job_id,
  row.cluster,
  row.line,
  row.input_json,
  row.status,
  row.chat_user,
  row.conversation_type,
  row.conversation_id,
  row.change_json,
  row.guard_json,
  row.revert_of,
  row.message,
];

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
async function concludeUpload(tx: Tx, jobId: string): Promise<JobCheckedResponse> {
  await runStatement(tx, REFUSE_REPEATED_CONVERSATIONS, [jobId, jobId]);
  const counts = (await selectRow<{ total: number; valid: number }>(tx, COUNT_ROWS, [jobId]))!;
  await tx.updateTable('jobs').set({ state: 'checked', total_rows: counts.total, valid_rows: counts.valid }).where('id', '=', jobId).execute();
  const invalid = await tx
    .selectFrom('job_rows')
    .select(['line', 'message as error'])
    .where('job_id', '=', jobId)
    .where('status', '=', 'invalid')
    .orderBy('line')
    .limit(JOB_INVALID_ROWS_LISTED)
    .$narrowType<{ error: string }>()
    .execute();
  const previewRows = await selectRows<WorkColumns>(tx, PREVIEW_ROWS, [jobId, JOB_PREVIEW_ROWS]);
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
  const createdAt = new Date(context.clock.now());
  const jobId = timeOrderedId(createdAt);
  await store.write((tx) => runStatement(tx, INSERT_JOB, [jobId, context.createdBy, createdAt.toISOString(), context.kind ?? 'upload', context.sourceJobId ?? null]));
  try {
    let batch: CheckedRow[] = [];
    const flush = async () => {
      const rowsToWrite = batch;
      batch = [];
      await store.write(async (tx) => {
        for (let start = 0; start < rowsToWrite.length; start += ROWS_PER_INSERT) {
          const part = rowsToWrite.slice(start, start + ROWS_PER_INSERT);
          await runStatement(tx, insertRowsText(part.length), part.flatMap((row) => insertValues(insertedRow(jobId, row))));
        }
      });
    };
    for await (const row of rows) {
      batch.push(row);
      if (batch.length >= INSERT_BATCH_ROWS) await flush();
    }
    if (batch.length > 0) await flush();
    return await store.write((tx) => concludeUpload(tx, jobId));
  } catch (error) {
    await store.write((tx) => tx.deleteFrom('jobs').where('id', '=', jobId).execute());
    throw error;
  }
}
