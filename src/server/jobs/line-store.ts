// A running job's lines in the database: the few statements the runner repeats thousands of times a
// second — taking pending lines, announcing mark_contact calls, settling lines. Hand-written SQL
// (store/sql.ts), each statement's text one constant, so the connection prepares it once; the
// writes run inside the caller's transaction (the ledger's commit, ledger.ts).
import type { MarkResultStatus } from '../../shared/api/marks';
import type { MarkChange, MarkState } from '../../shared/marks/change';
import type { Conversation, ConversationType } from '../../shared/marks/conversation';
import type { WriteGuard } from '../services/write-policy';
import type { Reader, Tx } from '../store/database';
import { dialectOf, runStatement, selectRow, selectRows, type Statement } from '../store/sql';

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
  status: MarkResultStatus;
  upstreamCode?: number;
  message?: string;
};

/** The columns a pending line is worked on from (workRowFrom). */
export const WORK_COLUMNS = 'chat_user, line, conversation_type, conversation_id, change_json, guard_json, revert_of';
export type WorkColumns = {
  chat_user: string;
  line: number;
  conversation_type: ConversationType;
  conversation_id: string;
  change_json: string;
  guard_json: string | null;
  revert_of: string | null;
};

// The first chat user with a pending line after (user, line), through the pending index.
const NEXT_PENDING_USER: Statement = {
  sqlite: `SELECT chat_user FROM job_rows INDEXED BY job_rows_pending
     WHERE job_id = ? AND status = 'pending' AND (chat_user, line) > (?, ?) ORDER BY chat_user, line LIMIT 1`,
  postgres: `SELECT chat_user FROM job_rows WHERE job_id = ? AND status = 'pending' AND (chat_user, line) > (?, ?) ORDER BY chat_user, line LIMIT 1`,
};
// That user's pending lines after a line, read from the table itself: a user's lines are stored
// together in line order (keyed by job, cluster = chat user, line), so this reads a few
// consecutive pages instead of looking each line up from the index — pages which, while the
// ledger worker commits, this connection reads again from the WAL each time.
const PENDING_OF_USER = `SELECT ${WORK_COLUMNS} FROM job_rows WHERE job_id = ? AND cluster = ? AND line > ? AND status = 'pending' ORDER BY line LIMIT ?`;
const PENDING_LINE = `SELECT ${WORK_COLUMNS} FROM job_rows WHERE job_id = ? AND line = ? AND status = 'pending'`;
const FINISH_ROW = `UPDATE job_rows SET status = ?, upstream_code = ?, message = ? WHERE job_id = ? AND line = ? AND status = 'pending'`;
// With the chat user: straight to the line's place in the table (job, chat user, line).
const FINISH_USER_ROW = `UPDATE job_rows SET status = ?, upstream_code = ?, message = ? WHERE job_id = ? AND cluster = ? AND line = ? AND status = 'pending'`;
const FINISH_RUN = `UPDATE job_rows SET status = ? WHERE job_id = ? AND cluster = ? AND line BETWEEN ? AND ? AND status = 'pending'`;
// Lines of one chat user that ended the same way, given as a JSON array: one statement for all of
// them, each still found through the table's key (job, chat user, line).
const FINISH_LINES: Statement = {
  sqlite: `UPDATE job_rows SET status = ? WHERE job_id = ? AND cluster = ? AND line IN (SELECT value FROM json_each(?)) AND status = 'pending'`,
  postgres: `UPDATE job_rows SET status = ? WHERE job_id = ? AND cluster = ? AND line IN (SELECT value::integer FROM json_array_elements_text(?::json)) AND status = 'pending'`,
};
const ANNOUNCE_WRITE = `INSERT INTO job_writes (job_id, chat_user, lines_json) VALUES (?, ?, ?) RETURNING id`;
const ANNOUNCED_WRITES = `SELECT id, chat_user, lines_json FROM job_writes WHERE job_id = ? ORDER BY id`;
const FORGET_WRITE = `DELETE FROM job_writes WHERE id = ?`;
// PostgreSQL: every announcement of a commit, and every plain line of it (chat user, line,
// status), in one statement each: each statement is a round trip made under the write lock.
const FORGET_WRITES_POSTGRES = `DELETE FROM job_writes WHERE id = ANY(?::bigint[])`;
const FINISH_PLAIN_POSTGRES = `UPDATE job_rows SET status = u.status
     FROM unnest(?::text[], ?::integer[], ?::text[]) AS u(cluster, line, status)
     WHERE job_rows.job_id = ? AND job_rows.cluster = u.cluster AND job_rows.line = u.line AND job_rows.status = 'pending'
     RETURNING job_rows.status`;
const ADD_COUNTS = `UPDATE jobs SET applied = applied + ?, unchanged = unchanged + ?, conflicts = conflicts + ?, failed = failed + ? WHERE id = ?`;

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

export const workRowFrom = (row: Omit<WorkColumns, 'chat_user'>, cells?: ParsedCells): WorkRow => {
  const work: WorkRow = { line: row.line, conversation: { type: row.conversation_type, id: row.conversation_id }, change: parsedCell<MarkChange>(cells, row.change_json) };
  if (row.guard_json !== null) work.guard = parsedCell<WriteGuard>(cells, row.guard_json);
  if (row.revert_of !== null) work.revertOf = row.revert_of;
  return work;
};

/**
 * Up to `maxRows` pending lines of one chat user: the first pending lines after `after` in
 * (chat user, line) order. The runner keeps what it has taken in memory and moves `after` on, so
 * taking lines writes nothing. Null when no pending line comes after `after`.
 */
export async function nextPendingChunk(db: Reader, jobId: string, after: { chatUser: string; line: number } | null, maxRows: number): Promise<PendingChunk | null> {
  const chatUser = (await selectRow<{ chat_user: string }>(db, NEXT_PENDING_USER, [jobId, after?.chatUser ?? '', after?.line ?? 0]))?.chat_user;
  if (chatUser === undefined) return null;
  const rows = await selectRows<WorkColumns>(db, PENDING_OF_USER, [jobId, chatUser, chatUser === after?.chatUser ? after.line : -1, maxRows]);
  const cells: ParsedCells = new Map();
  return { chatUser, rows: rows.map((row) => workRowFrom(row, cells)) };
}

/** The line if it is still pending (with its chat user), else null. */
export async function pendingLine(db: Reader, jobId: string, line: number): Promise<(WorkRow & { chatUser: string }) | null> {
  const row = await selectRow<WorkColumns>(db, PENDING_LINE, [jobId, line]);
  return row ? { ...workRowFrom(row), chatUser: row.chat_user } : null;
}

/** Records a mark_contact call about to be sent, in the caller's transaction. Returns its id. */
export async function announceWriteInTransaction(tx: Tx, jobId: string, chatUser: string, lines: readonly AnnouncedLine[]): Promise<number> {
  const json = JSON.stringify(lines.map(({ line, before }) => ({ line, before: { bits: before.bits, customMark: before.customMark } })));
  return (await selectRow<{ id: number }>(tx, ANNOUNCE_WRITE, [jobId, chatUser, json]))!.id;
}

/** The calls announced and not yet settled, oldest first: after a crash, those whose answers were lost. */
export async function announcedWrites(db: Reader, jobId: string): Promise<AnnouncedWrite[]> {
  const rows = await selectRows<{ id: number; chat_user: string; lines_json: string }>(db, ANNOUNCED_WRITES, [jobId]);
  return rows.map((row) => ({ id: row.id, chatUser: row.chat_user, lines: JSON.parse(row.lines_json) as AnnouncedLine[] }));
}

/** Deletes announced calls whose lines are settled, in the caller's transaction. */
export async function forgetWritesInTransaction(tx: Tx, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  if (dialectOf(tx) === 'postgres') {
    await runStatement(tx, FORGET_WRITES_POSTGRES, [ids]);
    return;
  }
  for (const id of ids) await runStatement(tx, FORGET_WRITE, [id]);
}

/** PostgreSQL: the plain lines of every chat user in one UPDATE; counts what it changed. */
async function finishPlainPostgres(
  tx: Tx,
  jobId: string,
  groups: readonly { chatUser: string; status: MarkResultStatus; lines: number[] }[],
  counts: Record<MarkResultStatus, number>,
): Promise<void> {
  const clusters: string[] = [];
  const lines: number[] = [];
  const statuses: string[] = [];
  for (const group of groups) {
    for (const line of new Set(group.lines)) {
      clusters.push(group.chatUser);
      lines.push(line);
      statuses.push(group.status);
    }
  }
  if (lines.length === 0) return;
  for (const row of await selectRows<{ status: MarkResultStatus }>(tx, FINISH_PLAIN_POSTGRES, [clusters, lines, statuses, jobId])) counts[row.status]++;
}

/**
 * Records final results of lines and adds them to the job's counters, inside the caller's
 * transaction. The lines of one chat user that ended the same way with nothing more to say — most
 * of a job — take one UPDATE: a range when their numbers follow each other (a grouped file), else
 * the list of their numbers (a file in any order). The others take one UPDATE each.
 */
export async function finishRowsInTransaction(tx: Tx, jobId: string, results: readonly RowResult[]): Promise<void> {
  if (results.length === 0) return;
  const counts: Record<MarkResultStatus, number> = { applied: 0, unchanged: 0, conflict: 0, failed: 0 };
  // Plain lines by chat user and status; in table order (job, chat user, line), so that
  // neighbouring updates touch the same pages.
  const plain = new Map<string, { chatUser: string; status: MarkResultStatus; lines: number[] }>();
  for (const result of results) {
    if (result.chatUser !== undefined && result.upstreamCode === undefined && result.message === undefined) {
      const key = `${result.status}\u0000${result.chatUser}`;
      let group = plain.get(key);
      if (!group) plain.set(key, (group = { chatUser: result.chatUser, status: result.status, lines: [] }));
      group.lines.push(result.line);
      continue;
    }
    const code = result.upstreamCode ?? null;
    const message = result.message ?? null;
    // Only pending lines change, and the counters count what changed: a line is counted once.
    const { changes } =
      result.chatUser !== undefined
        ? await runStatement(tx, FINISH_USER_ROW, [result.status, code, message, jobId, result.chatUser, result.line])
        : await runStatement(tx, FINISH_ROW, [result.status, code, message, jobId, result.line]);
    counts[result.status] += changes;
  }
  if (dialectOf(tx) === 'postgres') {
    await finishPlainPostgres(tx, jobId, [...plain.values()], counts);
    plain.clear();
  }
  for (const group of [...plain.values()].sort((a, b) => (a.chatUser < b.chatUser ? -1 : a.chatUser > b.chatUser ? 1 : 0))) {
    const { chatUser, status } = group;
    // Each line once: a range is taken only when the numbers leave no gap.
    const lines = [...new Set(group.lines)].sort((a, b) => a - b);
    const first = lines[0]!;
    const last = lines[lines.length - 1]!;
    const { changes } =
      last - first === lines.length - 1
        ? await runStatement(tx, FINISH_RUN, [status, jobId, chatUser, first, last])
        : await runStatement(tx, FINISH_LINES, [status, jobId, chatUser, JSON.stringify(lines)]);
    counts[status] += changes;
  }
  await runStatement(tx, ADD_COUNTS, [counts.applied, counts.unchanged, counts.conflict, counts.failed, jobId]);
}
