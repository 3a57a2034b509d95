// Reading the audit log of mark changes (audit.ts appends to it): filtered, cursor-paged, newest first.
import { type RawBuilder, sql, type InferResult } from 'kysely';
import { AUDIT_PAGE_MAX, auditStatusSchema, type AuditEntry, type AuditStatus } from '../../shared/api/audit';
import { MARK_REQUEST_MAX_ITEMS } from '../../shared/api/marks';
import type { MarkChange, MarkState } from '../../shared/marks/change';
import type { ConversationType } from '../../shared/marks/conversation';
import { AuditError } from './audit';
import type { Reader } from './database';
import { dialectOf } from './sql';
import { cursorPages } from './pages';

/** An entry as the API shows it (audit.ts's AuditEntry), with when its outcome was written. */
export type AuditEntryView = Omit<AuditEntry, 'kind' | 'revertedBy'> & {
  /** When the outcome of an intent was written. */
  completedAt?: string;
};

export type AuditFilter = {
  chatUser?: string;
  conversationType?: ConversationType;
  conversationId?: string;
  staff?: string;
  status?: AuditStatus;
  /** Entries that revert this entry id. */
  revertOf?: string;
  /** exact (default): chatUser, conversationId and staff are whole values; contains: case-insensitive substrings. */
  match?: 'exact' | 'contains';
  /** Words that must all occur in the reason (substrings, case-insensitive). */
  reasonSearch?: string;
  /** The entries of one bulk job's lines. */
  jobId?: string;
  /** The entries of one request. */
  requestId?: string;
  /** One entry by its id. */
  entryId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** 1..AUDIT_PAGE_MAX, the API's own page limit. */
  limit: number;
  /** nextCursor of the previous page. */
  cursor?: string;
};

function entriesQuery(db: Reader) {
  return db
    .selectFrom('audit as e')
    .leftJoin('audit as o', 'o.refers_to', 'e.id')
    .select([
      'e.seq',
      'e.id',
      'e.kind',
      'e.at',
      'e.staff',
      'e.chat_user',
      'e.conversation_type',
      'e.conversation_id',
      'e.requested_json',
      'e.before_json',
      'e.after_json',
      'e.status',
      'e.upstream_code',
      'e.message',
      'e.reason',
      'e.request_id',
      'e.revert_of',
      'o.at as outcome_at',
      'o.status as outcome_status',
      'o.before_json as outcome_before_json',
      'o.after_json as outcome_after_json',
      'o.upstream_code as outcome_upstream_code',
      'o.message as outcome_message',
    ])
    .where('e.kind', 'in', ['intent', 'entry'])
    // Conversation group changes (store/group-audit.ts) carry an action; mark entries never do.
    .where('e.action', 'is', null);
}

type EntryRow = InferResult<ReturnType<typeof entriesQuery>>[number];

function toView(row: EntryRow): AuditEntryView {
  const completed = row.kind === 'entry' || row.outcome_status !== null;
  const status: AuditStatus = row.kind === 'entry' ? (row.status ?? 'unknown') : (row.outcome_status ?? 'unknown');
  const beforeJson = row.outcome_before_json ?? row.before_json;
  const afterJson = row.kind === 'entry' ? row.after_json : row.outcome_after_json;
  const upstreamCode = row.kind === 'entry' ? row.upstream_code : row.outcome_upstream_code;
  const message = row.kind === 'entry' ? row.message : row.outcome_message;
  const view: AuditEntryView = {
    id: row.id,
    at: row.at,
    staff: row.staff ?? '',
    chatUser: row.chat_user ?? '',
    conversation: { type: row.conversation_type ?? 'c2c', id: row.conversation_id ?? '' },
    requested: JSON.parse(row.requested_json ?? '{"setBits":[],"clearBits":[]}') as MarkChange,
    before: beforeJson === null ? null : (JSON.parse(beforeJson) as MarkState),
    after: afterJson === null ? null : (JSON.parse(afterJson) as MarkState),
    status,
    requestId: row.request_id ?? '',
  };
  if (row.kind === 'intent' && completed && row.outcome_at !== null) view.completedAt = row.outcome_at;
  if (upstreamCode !== null) view.upstreamCode = upstreamCode;
  if (message !== null) view.message = message;
  if (row.reason !== null) view.reason = row.reason;
  if (row.revert_of !== null) view.revertOf = row.revert_of;
  return view;
}

const CURSOR_PREFIX = 'a1.';

function encodeCursor(seq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: unknown): number {
  const text = typeof cursor === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^a1\.(\d{1,15})$/.exec(text);
  if (!match?.[1]) throw new AuditError('INVALID_CURSOR', 'The cursor is not one this server handed out.');
  return Number(match[1]);
}

function isoOf(date: Date, field: string): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new AuditError('INVALID_FILTER', `${field} is not a valid time.`);
  return date.toISOString();
}

type SearchColumn = 'chat_user' | 'conversation_id' | 'staff' | 'reason';

// The trigram index over the distinct values (migration 0014_bulk_ledger) finds a run of 3 or more
// characters; a shorter term is matched with instr() on the rows the rest of the filter leaves.
const TRIGRAM = 3;

/** Whether `text` holds `term`, ignoring case (SQLite's instr, PostgreSQL's strpos). */
function containsText(postgres: boolean, text: RawBuilder<unknown>, term: string): RawBuilder<boolean> {
  return postgres ? sql<boolean>`strpos(lower(${text}), lower(${term})) > 0` : sql<boolean>`instr(lower(${text}), lower(${term})) > 0`;
}

/** An FTS5 phrase: the text in double quotes, inner quotes doubled, so no character is syntax. */
function phrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

function searchTerms(filter: Omit<AuditFilter, 'limit'>): { column: SearchColumn; term: string }[] {
  const terms: { column: SearchColumn; term: string }[] = [];
  if (filter.match === 'contains') {
    if (filter.chatUser !== undefined) terms.push({ column: 'chat_user', term: filter.chatUser });
    if (filter.conversationId !== undefined) terms.push({ column: 'conversation_id', term: filter.conversationId });
    if (filter.staff !== undefined) terms.push({ column: 'staff', term: filter.staff });
  }
  for (const word of (filter.reasonSearch ?? '').split(/\s+/u)) if (word !== '') terms.push({ column: 'reason', term: word });
  return terms.filter(({ term }) => term !== '');
}

function applyFilter(db: Reader, filter: Omit<AuditFilter, 'limit'>) {
  let query = entriesQuery(db);
  const exact = filter.match !== 'contains';
  if (exact && filter.chatUser !== undefined) query = query.where('e.chat_user', '=', filter.chatUser);
  if (exact && filter.staff !== undefined) query = query.where('e.staff', '=', filter.staff);
  if (filter.conversationType !== undefined) query = query.where('e.conversation_type', '=', filter.conversationType);
  if (exact && filter.conversationId !== undefined) query = query.where('e.conversation_id', '=', filter.conversationId);
  const terms = searchTerms(filter);
  const indexed = terms.filter(({ term }) => Array.from(term).length >= TRIGRAM);
  // Each column's terms are matched against the distinct values of that column (all of them must
  // occur in one value), and the entries are those holding one of the matching values.
  const postgres = dialectOf(db) === 'postgres';
  for (const column of new Set(indexed.map(({ column }) => column))) {
    const columnTerms = indexed.filter((term) => term.column === column);
    if (postgres) {
      // No trigram index on PostgreSQL (postgres/baseline.ts): the distinct values are scanned.
      const contains = sql.join(
        columnTerms.map(({ term }) => containsText(true, sql.ref('value'), term)),
        sql` AND `,
      );
      query = query.where(sql<boolean>`${sql.ref(`e.${column}`)} IN (SELECT value FROM audit_terms WHERE field = ${column} AND ${contains})`);
      continue;
    }
    const expression = columnTerms.map(({ term }) => `${column} : ${phrase(term)}`).join(' AND ');
    query = query.where(
      sql<boolean>`${sql.ref(`e.${column}`)} IN (SELECT value FROM audit_terms WHERE id IN (SELECT rowid FROM audit_terms_search WHERE audit_terms_search MATCH ${expression}) AND +field = ${column})`,
    );
  }
  for (const { column, term } of terms.filter(({ term }) => Array.from(term).length < TRIGRAM)) {
    query = query.where(containsText(postgres, sql.ref(`e.${column}`), term));
  }
  if (filter.requestId !== undefined) query = query.where('e.request_id', '=', filter.requestId);
  if (filter.entryId !== undefined) query = query.where('e.id', '=', filter.entryId);
  if (filter.jobId !== undefined) {
    // Bulk lines carry the request id job:{id}:line:{n}; a range on it uses audit_by_request_id.
    const prefix = `job:${filter.jobId}:line:`;
    query = query.where('e.request_id', '>=', prefix).where('e.request_id', '<', `job:${filter.jobId}:line;`);
  }
  if (filter.revertOf !== undefined) query = query.where('e.revert_of', '=', filter.revertOf);
  if (filter.from !== undefined) query = query.where('e.at', '>=', isoOf(filter.from, 'from'));
  if (filter.to !== undefined) query = query.where('e.at', '<', isoOf(filter.to, 'to'));
  const status = filter.status;
  if (status !== undefined) {
    if (!auditStatusSchema.options.includes(status)) throw new AuditError('INVALID_FILTER', `Unknown status "${String(status)}".`);
    query =
      status === 'unknown'
        ? query.where('e.kind', '=', 'intent').where('o.id', 'is', null)
        : query.where((eb) => eb(eb.fn.coalesce('o.status', 'e.status'), '=', status));
  }
  if (filter.cursor !== undefined) query = query.where('e.seq', '<', decodeCursor(filter.cursor));
  return query;
}

/**
 * One page of entries, newest first. The cursor marks a position in the append order, so entries
 * appended while someone pages never shift, repeat or skip what the later pages show.
 */
export async function queryAudit(db: Reader, filter: AuditFilter): Promise<{ entries: AuditEntryView[]; nextCursor: string | null }> {
  if (!Number.isInteger(filter.limit) || filter.limit < 1 || filter.limit > AUDIT_PAGE_MAX) {
    throw new AuditError('INVALID_FILTER', `limit must be an integer from 1 to ${AUDIT_PAGE_MAX}.`);
  }
  const rows = await applyFilter(db, filter).orderBy('e.seq', 'desc').limit(filter.limit + 1).execute();
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    entries: page.map(toView),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.seq) : null,
  };
}

/** One entry by the id recordIntents/recordEntries returned, or null. */
export async function getAuditEntry(db: Reader, id: string): Promise<AuditEntryView | null> {
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) return null;
  const row = await entriesQuery(db).where('e.id', '=', id).executeTakeFirst();
  return row ? toView(row) : null;
}

/**
 * Every entry of one request, newest first, read a page at a time: a save lists at most
 * MARK_REQUEST_MAX_ITEMS conversations, so that many are read at the most. `more` says the request
 * has more entries than that (a bulk job's lines each carry a request id of their own).
 */
export async function requestAuditEntries(db: Reader, requestId: string): Promise<{ entries: AuditEntryView[]; more: boolean }> {
  const entries: AuditEntryView[] = [];
  for await (const page of auditPages(db, { requestId })) {
    if (entries.length + page.length > MARK_REQUEST_MAX_ITEMS) return { entries: [...entries, ...page].slice(0, MARK_REQUEST_MAX_ITEMS), more: true };
    entries.push(...page);
  }
  return { entries, more: false };
}

/** Every entry matching the filter, newest first, a page (AUDIT_PAGE_MAX entries at most) at a time. */
export function auditPages(db: Reader, filter: Omit<AuditFilter, 'limit' | 'cursor'>): AsyncGenerator<AuditEntryView[]> {
  return cursorPages((cursor) => queryAudit(db, { ...filter, limit: AUDIT_PAGE_MAX, ...(cursor === undefined ? {} : { cursor }) }));
}
