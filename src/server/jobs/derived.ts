// Jobs made from a finished job: its rollback (the inverse of every line it applied, written only
// where the conversation is still as the job left it) and the retry of its failed lines. Both are
// read from the database a page at a time and stored as a new job through storeCheckedJob, so
// they keep the line numbers of the job they come from.
import { inverseChange, isNoopChange, type MarkChange } from '../../shared/marks/change';
import type { Conversation, ConversationType } from '../../shared/marks/conversation';
import { getAuditEntry, type AuditEntryView } from '../store/audit-query';
import type { Reader } from '../store/database';
import type { WriteGuard } from '../services/write-policy';
import type { CheckedRow } from './csv';
import { jobLineRequestId } from './ledger';

const PAGE_ROWS = 1000;

/** A line that was applied or failed: a valid line, with its chat user, conversation and change. */
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

/** A job's lines in `status`, in line order, read a page at a time (nothing held open between pages). */
async function* sourceRows(db: Reader, jobId: string, status: 'applied' | 'failed'): AsyncGenerator<SourceRow> {
  for (let after = 0; ; ) {
    const rows = await db
      .selectFrom('job_rows')
      .select(['line', 'input_json', 'chat_user', 'conversation_type', 'conversation_id', 'change_json', 'guard_json', 'revert_of'])
      .where('job_id', '=', jobId)
      .where('status', '=', status)
      .where('line', '>', after)
      .orderBy('line')
      .limit(PAGE_ROWS)
      .$narrowType<SourceRow>()
      .execute();
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.line;
    yield* rows;
  }
}

/** Lines of a job in `status`, counted. */
export async function countRows(db: Reader, jobId: string, status: 'applied' | 'failed'): Promise<number> {
  const { n } = await db
    .selectFrom('job_rows')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('job_id', '=', jobId)
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return n;
}

/** The applied audit entry of a job's line (request id job:{id}:line:{n}), or null. */
export async function appliedLineEntry(db: Reader, jobId: string, line: number): Promise<AuditEntryView | null> {
  const ids = await db
    .selectFrom('audit')
    .select('id')
    .where('request_id', '=', jobLineRequestId(jobId, line))
    .where('kind', '!=', 'outcome')
    .orderBy('seq', 'desc')
    .execute();
  for (const { id } of ids) {
    const entry = await getAuditEntry(db, id);
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
export async function* rollbackRows(db: Reader, jobId: string): AsyncGenerator<CheckedRow> {
  for await (const row of sourceRows(db, jobId, 'applied')) {
    const entry = await appliedLineEntry(db, jobId, row.line);
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
export async function* retryRows(db: Reader, jobId: string): AsyncGenerator<CheckedRow> {
  for await (const row of sourceRows(db, jobId, 'failed')) {
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
