// Jobs made from a finished job: its rollback (the inverse of every line it applied, written only
// where the conversation is still as the job left it) and the retry of its failed lines. Both are
// read from the database a page at a time and stored as a new job through storeCheckedJob, so
// they keep the line numbers of the job they come from.
import { inverseChange, isNoopChange, type MarkChange } from '../../shared/marks/change';
import type { Conversation, ConversationType } from '../../shared/marks/conversation';
import { getAuditEntry, type AuditEntryView } from '../store/audit-query';
import type { Store } from '../store/database';
import type { WriteGuard } from '../services/write-policy';
import type { CheckedRow } from './csv';
import { jobLineRequestId } from './ledger';

const PAGE_ROWS = 1000;

type SourceRow = {
  line: number;
  input_json: string;
  chat_user: string;
  conversation_type: ConversationType;
  conversation_id: string;
  change_json: string;
  guard_json: string | null;
  revert_of: string | null;
};

function* sourceRows(store: Store, jobId: string, status: 'applied' | 'failed'): Generator<SourceRow> {
  const page = store.sqlite.prepare<[string, string, number, number], SourceRow>(
    `SELECT line, input_json, chat_user, conversation_type, conversation_id, change_json, guard_json, revert_of FROM job_rows
     WHERE job_id = ? AND status = ? AND line > ? ORDER BY line LIMIT ?`,
  );
  for (let after = 0; ; ) {
    const rows = page.all(jobId, status, after, PAGE_ROWS);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.line;
    yield* rows;
  }
}

/** Lines of a job in `status`, counted. */
export function countRows(store: Store, jobId: string, status: 'applied' | 'failed'): number {
  return store.sqlite.prepare<[string, string], { n: number }>(`SELECT COUNT(*) AS n FROM job_rows WHERE job_id = ? AND status = ?`).get(jobId, status)!.n;
}

/** The applied audit entry of a job's line (request id job:{id}:line:{n}), or null. */
export function appliedLineEntry(store: Store, jobId: string, line: number): AuditEntryView | null {
  const ids = store.sqlite
    .prepare<[string], { id: string }>(`SELECT id FROM audit WHERE request_id = ? AND kind != 'outcome' ORDER BY seq DESC`)
    .all(jobLineRequestId(jobId, line));
  for (const { id } of ids) {
    const entry = getAuditEntry(store, id);
    if (entry?.status === 'applied' && entry.before && entry.after) return entry;
  }
  return null;
}

/** A line's input cells (JOB_INPUT_COLUMNS order) for a change written by Markdesk itself. */
function inputOf(chatUser: string, conversation: Conversation, change: MarkChange): string[] {
  const custom = change.customMark === undefined ? ['', ''] : change.customMark === '' ? ['', 'true'] : [change.customMark, ''];
  return [chatUser, conversation.type, conversation.id, change.setBits.join(' '), change.clearBits.join(' '), ...custom, ''];
}

/**
 * The rollback of a job: for each line it applied, the inverse of what its audit entry recorded,
 * guarded by the state the entry left (a conversation changed since ends conflict with the state
 * found then), pointing to that entry.
 */
export async function* rollbackRows(store: Store, jobId: string): AsyncGenerator<CheckedRow> {
  for (const row of sourceRows(store, jobId, 'applied')) {
    const entry = appliedLineEntry(store, jobId, row.line);
    if (!entry?.before || !entry.after) continue;
    const change = inverseChange(entry.before, entry.requested);
    if (isNoopChange(entry.after, change)) continue;
    const conversation = entry.conversation as Conversation;
    yield {
      line: row.line,
      input: inputOf(entry.chatUser, conversation, change),
      ok: true,
      chatUser: entry.chatUser,
      conversation,
      change,
      guard: { expectedState: entry.after },
      revertOf: entry.id,
    };
  }
}

/** The failed lines of a job, as they were: same change, same guard, same entry undone. */
export async function* retryRows(store: Store, jobId: string): AsyncGenerator<CheckedRow> {
  for (const row of sourceRows(store, jobId, 'failed')) {
    yield {
      line: row.line,
      input: JSON.parse(row.input_json) as string[],
      ok: true,
      chatUser: row.chat_user,
      conversation: { type: row.conversation_type, id: row.conversation_id } as Conversation,
      change: JSON.parse(row.change_json) as MarkChange,
      ...(row.guard_json === null ? {} : { guard: JSON.parse(row.guard_json) as WriteGuard }),
      ...(row.revert_of === null ? {} : { revertOf: row.revert_of }),
    };
  }
}
