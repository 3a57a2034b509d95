// Conversation group changes in the audit chain. They are intent/outcome (or one-shot entry) rows
// like mark changes, so a crash between the intent and Chat's answer leaves an 'unknown' entry that
// reconcile settles, and the same chain check covers them. What sets them apart is `action`
// (`group.create`, `group.rename`, `group.delete`, `group.add`, `group.remove`); the mark-entry
// readers (store/audit.ts) skip every row that has one. The change asked for is the intent's
// details_json; what came of it the outcome's (or the entry's). Migration 0013 gives them an index.
import type { AuditStatus } from '../../shared/api/audit';
import type { GroupAction, GroupAuditEntry, GroupConversationFailure } from '../../shared/api/groups';
import type { MarkResultStatus } from '../../shared/api/marks';
import type { GroupProblem } from '../../shared/chat-errors/groups';
import type { Conversation } from '../../shared/marks/conversation';
import { appendChainRows, blankContent, type AuditContent } from './audit-chain';
import { timeOrderedId } from './ids';
import type { Reader, Store } from './database';
import { selectRow, selectRows } from './sql';
import { type Clock, systemClock } from '../clock';

export const GROUP_ACTION_PREFIX = 'group.';

/** The change asked for, as the intent records it. */
export type GroupChangeRecord = {
  action: GroupAction;
  /** The group as it was called when the change started; id null before it is created. */
  group: { id: number | null; name: string };
  newName?: string;
  conversations: Conversation[];
  /** add/remove: those actually sent (the others were already so); what reconcile reads back. */
  sending?: Conversation[];
};

export type GroupChangeIntent = {
  staff: string;
  chatUser: string;
  requestId: string;
  reason?: string;
  revertOf?: string;
  record: GroupChangeRecord;
};

/** What came of it. */
export type GroupChangeResult = {
  status: MarkResultStatus;
  /** The group's id once known (a created group's new id). */
  groupId?: number;
  changed: Conversation[];
  failed: GroupConversationFailure[];
  problem?: GroupProblem;
  upstreamCode?: number;
  message?: string;
};

type ResultJson = Pick<GroupChangeResult, 'groupId' | 'changed' | 'failed' | 'problem'>;

function intentRow(intent: GroupChangeIntent, kind: 'intent' | 'entry', at: Date): AuditContent {
  const row = blankContent(timeOrderedId(at), kind, at.toISOString());
  row.staff = intent.staff;
  row.chat_user = intent.chatUser;
  row.request_id = intent.requestId;
  row.reason = intent.reason ?? null;
  row.revert_of = intent.revertOf ?? null;
  row.action = `${GROUP_ACTION_PREFIX}${intent.record.action}`;
  row.target = intent.record.group.name;
  row.requested_json = JSON.stringify(intent.record);
  return row;
}

function fillResult(row: AuditContent, result: GroupChangeResult): void {
  const json: ResultJson = { changed: result.changed, failed: result.failed };
  if (result.groupId !== undefined) json.groupId = result.groupId;
  if (result.problem !== undefined) json.problem = result.problem;
  row.status = result.status;
  row.details_json = JSON.stringify(json);
  row.upstream_code = result.upstreamCode ?? null;
  row.message = result.message ?? null;
}

/** The intent, durable before anything is sent to Chat. Returns its id. */
export function recordGroupIntent(store: Store, intent: GroupChangeIntent, clock: Clock = systemClock): Promise<string> {
  const row = intentRow(intent, 'intent', new Date(clock.now()));
  return store.write(async (tx) => {
    await appendChainRows(tx, store.auditKey, [row]);
    return row.id;
  });
}

/** The outcome of an intent written by recordGroupIntent (exactly one per intent: the unique index says so). */
export function recordGroupOutcome(store: Store, entryId: string, result: GroupChangeResult, clock: Clock = systemClock): Promise<void> {
  const at = new Date(clock.now());
  const row = blankContent(timeOrderedId(at), 'outcome', at.toISOString());
  row.refers_to = entryId;
  fillResult(row, result);
  return store.write((tx) => appendChainRows(tx, store.auditKey, [row]));
}

/** A change settled without writing to Chat (unchanged, conflict, refused): one row. */
export function recordGroupEntry(store: Store, intent: GroupChangeIntent, result: GroupChangeResult, clock: Clock = systemClock): Promise<string> {
  const row = intentRow(intent, 'entry', new Date(clock.now()));
  fillResult(row, result);
  return store.write(async (tx) => {
    await appendChainRows(tx, store.auditKey, [row]);
    return row.id;
  });
}

// ---- reading ----

type Row = {
  seq: number;
  id: string;
  kind: 'intent' | 'entry';
  at: string;
  staff: string;
  chat_user: string;
  request_id: string;
  reason: string | null;
  revert_of: string | null;
  requested_json: string;
  status: MarkResultStatus | null;
  details_json: string | null;
  upstream_code: number | null;
  message: string | null;
  o_status: MarkResultStatus | null;
  o_details_json: string | null;
  o_upstream_code: number | null;
  o_message: string | null;
};

// The WHERE terms of the partial index audit_group_changes come first, word for word, so SQLite uses it.
const SELECT = `SELECT e.seq, e.id, e.kind, e.at, e.staff, e.chat_user, e.request_id, e.reason, e.revert_of, e.requested_json,
  e.status, e.details_json, e.upstream_code, e.message,
  o.status AS o_status, o.details_json AS o_details_json, o.upstream_code AS o_upstream_code, o.message AS o_message
  FROM audit AS e LEFT JOIN audit AS o ON o.refers_to = e.id
  WHERE e.kind IN ('intent', 'entry') AND e.action IS NOT NULL AND e.action LIKE 'group.%'`;

/** The change an entry records, with what came of it (status 'unknown' while an intent has no outcome). */
export type GroupEntryView = Omit<GroupAuditEntry, 'revertedBy'> & { groupId: number | null };

function toView(row: Row): GroupEntryView {
  const record = JSON.parse(row.requested_json) as GroupChangeRecord;
  const status: AuditStatus = (row.kind === 'entry' ? row.status : row.o_status) ?? 'unknown';
  const detailsJson = row.kind === 'entry' ? row.details_json : row.o_details_json;
  const result: ResultJson = detailsJson ? (JSON.parse(detailsJson) as ResultJson) : { changed: [], failed: [] };
  const upstreamCode = row.kind === 'entry' ? row.upstream_code : row.o_upstream_code;
  const message = row.kind === 'entry' ? row.message : row.o_message;
  const view: GroupEntryView = {
    kind: 'group',
    id: row.id,
    at: row.at,
    staff: row.staff,
    chatUser: row.chat_user,
    action: record.action,
    group: record.group,
    conversations: record.conversations,
    changed: result.changed,
    failed: result.failed,
    status,
    requestId: row.request_id,
    groupId: result.groupId ?? record.group.id,
  };
  if (record.newName !== undefined) view.newName = record.newName;
  if (result.problem !== undefined) view.problem = result.problem;
  if (upstreamCode !== null) view.upstreamCode = upstreamCode;
  if (message !== null) view.message = message;
  if (row.reason !== null) view.reason = row.reason;
  if (row.revert_of !== null) view.revertOf = row.revert_of;
  return view;
}

export async function getGroupAuditEntry(db: Reader, id: string): Promise<GroupEntryView | null> {
  const row = await selectRow<Row>(db, `${SELECT} AND e.id = ?`, [id]);
  return row ? toView(row) : null;
}

/** The id of the applied entry that undid `entryId`, if any. */
export async function groupEntryRevertedBy(db: Reader, entryId: string): Promise<string | undefined> {
  const row = await selectRow<Row>(db, `${SELECT} AND e.revert_of = ? AND coalesce(o.status, e.status) = 'applied' ORDER BY e.seq LIMIT 1`, [entryId]);
  return row?.id;
}

const CURSOR = /^g1\.(\d{1,15})$/;

export class GroupAuditCursorError extends Error {}

/** One page of a user's group changes (or everyone's), newest first. */
export async function queryGroupAudit(
  db: Reader,
  filter: { chatUser?: string; unknownOnly?: boolean; limit: number; cursor?: string },
): Promise<{ entries: GroupEntryView[]; nextCursor: string | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.chatUser !== undefined) {
    where.push('e.chat_user = ?');
    params.push(filter.chatUser);
  }
  if (filter.unknownOnly) where.push(`e.kind = 'intent' AND o.id IS NULL`);
  if (filter.cursor !== undefined) {
    const match = CURSOR.exec(Buffer.from(filter.cursor, 'base64url').toString('utf8'));
    if (!match?.[1]) throw new GroupAuditCursorError('The cursor is not one this server handed out.');
    where.push('e.seq < ?');
    params.push(Number(match[1]));
  }
  const sql = `${SELECT}${where.map((term) => ` AND ${term}`).join('')} ORDER BY e.seq DESC LIMIT ?`;
  const rows = await selectRows<Row>(db, sql, [...params, filter.limit + 1]);
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    entries: page.map(toView),
    nextCursor: rows.length > filter.limit && last ? Buffer.from(`g1.${last.seq}`, 'utf8').toString('base64url') : null,
  };
}
