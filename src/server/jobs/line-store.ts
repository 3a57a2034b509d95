// A running job's lines in the database: the few statements the runner repeats thousands of times a
// second (prepared once per connection, run synchronously inside BEGIN IMMEDIATE transactions so no
// two runners' steps interleave) — taking pending lines, announcing mark_contact calls, settling lines.
import type { MarkResultStatus } from '../../shared/api/marks';
import type { MarkChange, MarkState } from '../../shared/marks/change';
import type { Conversation, ConversationType } from '../../shared/marks/conversation';
import type { WriteGuard } from '../services/write-policy';
import { statementsPerConnection, type Store } from '../store/database';

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

const statements = statementsPerConnection((sqlite) => ({
  // The first chat user with a pending line after (user, line), through the pending index.
  nextPendingUser: sqlite.prepare<[{ job: string; user: string; line: number }], { chat_user: string }>(
    `SELECT chat_user FROM job_rows INDEXED BY job_rows_pending
     WHERE job_id = @job AND status = 'pending' AND (chat_user, line) > (@user, @line) ORDER BY chat_user, line LIMIT 1`,
  ),
  // That user's pending lines after a line, read from the table itself: a user's lines are stored
  // together in line order (keyed by job, cluster = chat user, line), so this reads a few
  // consecutive pages instead of looking each line up from the index — pages which, while the
  // ledger worker commits, this connection reads again from the WAL each time.
  pendingOfUser: sqlite.prepare<[string, string, number, number], WorkColumns>(
    `SELECT ${WORK_COLUMNS} FROM job_rows WHERE job_id = ? AND cluster = ? AND line > ? AND status = 'pending' ORDER BY line LIMIT ?`,
  ),
  pendingLine: sqlite.prepare<[string, number], WorkColumns>(`SELECT ${WORK_COLUMNS} FROM job_rows WHERE job_id = ? AND line = ? AND status = 'pending'`),
  finishRow: sqlite.prepare<[MarkResultStatus, number | null, string | null, string, number]>(
    `UPDATE job_rows SET status = ?, upstream_code = ?, message = ? WHERE job_id = ? AND line = ? AND status = 'pending'`,
  ),
  // With the chat user: straight to the line's place in the table (job, chat user, line).
  finishUserRow: sqlite.prepare<[MarkResultStatus, number | null, string | null, string, string, number]>(
    `UPDATE job_rows SET status = ?, upstream_code = ?, message = ? WHERE job_id = ? AND cluster = ? AND line = ? AND status = 'pending'`,
  ),
  finishRun: sqlite.prepare<[MarkResultStatus, string, string, number, number]>(
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
}));

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
  const counts: Record<MarkResultStatus, number> = { applied: 0, unchanged: 0, conflict: 0, failed: 0 };
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
