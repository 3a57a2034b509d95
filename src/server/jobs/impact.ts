// The check of a job against Chat, before anything is written: what each valid line would do to
// the conversation as it is now. It reads the job's lines back from the database one chat user at
// a time, a page at a time, so a 100,000-line job is never in memory at once; it asks Chat whether
// the users are imported (account_check, 100 per call) and reads the current marks (see checkUser)
// with a few calls in flight, through the one Chat client whose limiter keeps them within
// Tencent's rate. What it finds is stored per line (job_checks), so
// the impact CSVs can be served later.
import {
  JOB_IMPACT_EXAMPLES,
  MARKED_CONVERSATIONS_CAP,
  type JobImpact,
  type JobImpactExample,
  type JobImpactKind,
} from '../../shared/api/jobs';
import { applyChange, type MarkChange, type MarkState } from '../../shared/marks/change';
import { conversationKey, type Conversation, type ConversationType } from '../../shared/marks/conversation';
import { bitsFromMask } from '../../shared/marks/mask';
import type { ChatClient } from '../chat/client';
import { ACCOUNT_CHECK_MAX_ITEMS, accountCheck, getAllContactGroups } from '../chat/helpers';
import { EMPTY_MARK_STATE, readMarkStates } from '../services/mark-writer';
import { decideItem, type WriteGuard } from '../services/write-policy';
import type { Reader, Store } from '../store/database';
import { runStatement, selectRow, selectRows, type Statement } from '../store/sql';
import type { Clock } from '../clock';

export type ImpactDeps = { store: Store; chat: Pick<ChatClient, 'call'>; clock: Clock };
export type ImpactOptions = {
  /** Lines of one user read from the database and checked together. */
  pageRows?: number;
  /** Users checked at once. */
  usersAtOnce?: number;
  /** search_contact_group calls in flight per user. */
  readsPerUser?: number;
};

/** What the check stores for a line: the state found and, for the cap, the user's marked conversations before the file. */
export type ImpactFound = MarkState & { markedConversations?: number };

const DEFAULTS: Required<ImpactOptions> = { pageRows: 900, usersAtOnce: 4, readsPerUser: 2 };

/** A conversation counts against Chat's cap when it has any standard-mark bit or a custom mark. */
export const isMarked = (state: MarkState) => state.bits.length > 0 || state.customMark !== '';

type LineRow = { line: number; conversation_type: ConversationType; conversation_id: string; change_json: string; guard_json: string | null };
type Finding = { kind: JobImpactKind; line: number; found: ImpactFound | null };

// The check reads a job's pending lines a user and a page at a time, through the pending index
// (SQLite is told to; PostgreSQL's planner picks the partial index itself).
const PENDING_USERS: Statement = {
  sqlite: `SELECT DISTINCT chat_user FROM job_rows INDEXED BY job_rows_pending
     WHERE job_id = ? AND status = 'pending' AND chat_user > ? ORDER BY chat_user LIMIT ?`,
  postgres: `SELECT DISTINCT chat_user FROM job_rows WHERE job_id = ? AND status = 'pending' AND chat_user > ? ORDER BY chat_user LIMIT ?`,
};
const PENDING_LINES_OF_USER: Statement = {
  sqlite: `SELECT line, conversation_type, conversation_id, change_json, guard_json FROM job_rows INDEXED BY job_rows_pending
     WHERE job_id = ? AND status = 'pending' AND chat_user = ? AND line > ? ORDER BY line LIMIT ?`,
  postgres: `SELECT line, conversation_type, conversation_id, change_json, guard_json FROM job_rows
     WHERE job_id = ? AND status = 'pending' AND chat_user = ? AND line > ? ORDER BY line LIMIT ?`,
};
// A line that sets a bit or a non-empty custom mark may add a marked conversation (1 or 0).
const USER_MAY_MARK: Statement = {
  sqlite: `SELECT EXISTS (SELECT 1 FROM job_rows INDEXED BY job_rows_pending WHERE job_id = ? AND status = 'pending' AND chat_user = ?
       AND (json_array_length(change_json, '$.setBits') > 0 OR COALESCE(json_extract(change_json, '$.customMark'), '') != '')) AS found`,
  postgres: `SELECT CASE WHEN EXISTS (SELECT 1 FROM job_rows WHERE job_id = ? AND status = 'pending' AND chat_user = ?
       AND (json_array_length((change_json::json) -> 'setBits') > 0 OR COALESCE((change_json::json) ->> 'customMark', '') != '')) THEN 1 ELSE 0 END AS found`,
};
const INSERT_FINDING = `INSERT INTO job_checks (job_id, kind, line, found_json) VALUES (?, ?, ?, ?)
     ON CONFLICT (job_id, kind, line) DO UPDATE SET found_json = excluded.found_json`;
const INSERT_NOT_IMPORTED = `INSERT INTO job_checks (job_id, kind, line, found_json)
     SELECT job_id, 'notImported', line, NULL FROM job_rows WHERE job_id = ? AND status = 'pending' AND chat_user = ?
     ON CONFLICT (job_id, kind, line) DO UPDATE SET found_json = excluded.found_json`;

/** The Chat users of a job's pending lines, ACCOUNT_CHECK_MAX_ITEMS at a time, in order. */
async function* userBatches(db: Reader, jobId: string): AsyncGenerator<string[]> {
  let after = '';
  for (;;) {
    const users = (await selectRows<{ chat_user: string }>(db, PENDING_USERS, [jobId, after, ACCOUNT_CHECK_MAX_ITEMS])).map((row) => row.chat_user);
    if (users.length === 0) return;
    yield users;
    after = users[users.length - 1]!;
  }
}

/** What one line would do, given the state read now; `newlyMarked` when it would add a marked conversation. */
export function lineImpact(current: MarkState, change: MarkChange, guard: WriteGuard): { kind?: JobImpactKind; newlyMarked: boolean } {
  const decision = decideItem(current, change, guard);
  if (decision === 'unchanged') return { kind: 'alreadyInState', newlyMarked: false };
  // A guarded line that will end conflict writes nothing: it neither overwrites nor adds.
  if (decision === 'conflict') return { newlyMarked: false };
  const overwrites = change.customMark !== undefined && current.customMark !== '' && change.customMark !== current.customMark;
  const newlyMarked = !isMarked(current) && isMarked(applyChange(current, change));
  return overwrites ? { kind: 'overwritesCustomMark', newlyMarked } : { newlyMarked };
}

/**
 * Checks one imported user's lines. When a line of the user may add a marked conversation (it sets
 * a bit or a custom mark), the user's marked conversations are read whole (all pages of
 * get_contact_group, at most about 1,000 under Chat's cap): that gives both their count and the
 * current state of every line (a conversation it does not list has no marks), with no
 * search_contact_group at all. Otherwise (lines that only clear) the lines' conversations are read
 * with search_contact_group, 300 per call, and the cap cannot be passed. Lines that add a marked
 * conversation are taken in line order; those beyond the cap are flagged. Lines that unmark a
 * conversation are not credited: a job runs its lines in no fixed order, so the slot may not be
 * free in time.
 */
async function checkUser(deps: ImpactDeps, jobId: string, chatUser: string, options: Required<ImpactOptions>): Promise<void> {
  const { store } = deps;
  let all: Map<string, MarkState> | null = null;
  let marked = 0;
  if ((await selectRow<{ found: number }>(store.read, USER_MAY_MARK, [jobId, chatUser]))!.found === 1) {
    const { items } = await getAllContactGroups(deps.chat, chatUser);
    all = new Map(items.map((item) => [conversationKey(item.conversation), { bits: bitsFromMask(item.mask), customMark: item.customMark }]));
    marked = [...all.values()].filter(isMarked).length;
  }
  const markedBefore = marked;
  let after = 0;
  for (;;) {
    const rows = await selectRows<LineRow>(store.read, PENDING_LINES_OF_USER, [jobId, chatUser, after, options.pageRows]);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.line;
    const conversations = rows.map((row): Conversation => ({ type: row.conversation_type, id: row.conversation_id }) as Conversation);
    const states = all ?? (await readMarkStates(deps.chat, chatUser, conversations, { concurrency: options.readsPerUser }));
    const findings: Finding[] = [];
    for (const [n, row] of rows.entries()) {
      const current = states.get(conversationKey(conversations[n]!)) ?? EMPTY_MARK_STATE;
      const guard = row.guard_json === null ? {} : (JSON.parse(row.guard_json) as WriteGuard);
      const impact = lineImpact(current, JSON.parse(row.change_json) as MarkChange, guard);
      if (impact.kind) findings.push({ kind: impact.kind, line: row.line, found: current });
      if (!impact.newlyMarked) continue;
      marked++;
      if (marked > MARKED_CONVERSATIONS_CAP) findings.push({ kind: 'wouldExceedCap', line: row.line, found: { ...current, markedConversations: markedBefore } });
    }
    await store.write(async (tx) => {
      for (const finding of findings) await runStatement(tx, INSERT_FINDING, [jobId, finding.kind, finding.line, finding.found === null ? null : JSON.stringify(finding.found)]);
    });
  }
}

/**
 * Runs `task` for every item `source` yields, `width` at a time. The first error stops the taking
 * of new items; it is thrown once the tasks under way have ended, so nothing runs after.
 */
async function forEachAtOnce<T>(source: Iterator<T>, width: number, task: (item: T) => Promise<void>): Promise<void> {
  let failed = false;
  const worker = async () => {
    for (let next = source.next(); !next.done && !failed; next = source.next()) {
      try {
        await task(next.value);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const ended = await Promise.allSettled(Array.from({ length: width }, worker));
  const rejected = ended.find((result) => result.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/**
 * Reads the current state of every valid line of a job in Chat and stores what it found. Throws
 * the Chat error when Chat cannot be read; nothing of a half-done check is kept then.
 */
export async function checkJobImpact(deps: ImpactDeps, jobId: string, options: ImpactOptions = {}): Promise<JobImpact> {
  const settings = { ...DEFAULTS, ...options };
  await clearImpact(deps.store, jobId);
  try {
    for await (const users of userBatches(deps.store.read, jobId)) {
      const accounts = await accountCheck(deps.chat, users);
      const absent = accounts.filter((account) => !account.imported).map((account) => account.userId);
      if (absent.length > 0) {
        await deps.store.write(async (tx) => {
          for (const user of absent) await runStatement(tx, INSERT_NOT_IMPORTED, [jobId, user]);
        });
      }
      const imported = accounts.filter((account) => account.imported).map((account) => account.userId);
      await forEachAtOnce(imported.values(), settings.usersAtOnce, (user) => checkUser(deps, jobId, user, settings));
    }
  } catch (error) {
    await clearImpact(deps.store, jobId);
    throw error;
  }
  const checkedAt = new Date(deps.clock.now()).toISOString();
  await deps.store.write((tx) => tx.updateTable('jobs').set({ impact_checked_at: checkedAt }).where('id', '=', jobId).execute());
  return (await jobImpact(deps.store.read, jobId))!;
}

async function clearImpact(store: Store, jobId: string): Promise<void> {
  await store.write(async (tx) => {
    await tx.deleteFrom('job_checks').where('job_id', '=', jobId).execute();
    await tx.updateTable('jobs').set({ impact_checked_at: null }).where('id', '=', jobId).execute();
  });
}

/** The stored impact of a job's check, or null when Chat was not read for it. */
export async function jobImpact(db: Reader, jobId: string): Promise<JobImpact | null> {
  const job = await db.selectFrom('jobs').select('impact_checked_at').where('id', '=', jobId).executeTakeFirst();
  if (!job || job.impact_checked_at === null) return null;
  const counts = await db
    .selectFrom('job_checks')
    .select((eb) => ['kind', eb.fn.countAll<number>().as('n')])
    .where('job_id', '=', jobId)
    .groupBy('kind')
    .execute();
  const count = (kind: JobImpactKind) => counts.find((row) => row.kind === kind)?.n ?? 0;
  const examples = await db
    .selectFrom('job_checks as c')
    .innerJoin('job_rows as r', (join) => join.onRef('r.job_id', '=', 'c.job_id').onRef('r.line', '=', 'c.line'))
    .select(['c.line', 'r.chat_user', 'r.conversation_type', 'r.conversation_id', 'r.change_json', 'c.found_json'])
    .where('c.job_id', '=', jobId)
    .where('c.kind', '=', 'overwritesCustomMark')
    .orderBy('c.line')
    .limit(JOB_IMPACT_EXAMPLES)
    // A line under a check's kind is a valid line (its chat user, conversation and change set) with the state found.
    .$narrowType<{ chat_user: string; conversation_type: ConversationType; conversation_id: string; change_json: string; found_json: string }>()
    .execute();
  return {
    overwritesCustomMark: count('overwritesCustomMark'),
    alreadyInState: count('alreadyInState'),
    wouldExceedCap: count('wouldExceedCap'),
    notImported: count('notImported'),
    examples: examples.map(
      (row): JobImpactExample => ({
        line: row.line,
        chatUser: row.chat_user,
        conversation: { type: row.conversation_type, id: row.conversation_id } as Conversation,
        from: (JSON.parse(row.found_json) as MarkState).customMark,
        to: (JSON.parse(row.change_json) as MarkChange).customMark ?? '',
      }),
    ),
  };
}

/** Bits of a state as a set_bits cell: indexes separated by spaces, low to high. */
export const bitsCell = (state: MarkState) => [...state.bits].sort((a, b) => a - b).join(' ');
