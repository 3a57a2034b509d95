import type BetterSqlite3 from 'better-sqlite3';
import { stringify } from 'csv-stringify/sync';
import { sql, type InferResult } from 'kysely';
import { MARK_REQUEST_MAX_ITEMS } from '../../shared/api/marks';
import { appendChainRows, blankContent, timeOrderedId, type AuditContent, type AuditRow } from './audit-chain';
import { immediateTransaction, relaxedTransaction, selectSync, type Store } from './database';
import { type Clock, systemClock } from '../clock';

// The audit log of mark changes. Rows are only ever appended — triggers refuse UPDATE and DELETE —
// and each is chained to the previous one under the audit key (audit-chain.ts), so an edit made
// behind the database's back shows up in the chain check (audit-verify.ts). A mark write appends an INTENT row before the upstream call and an
// OUTCOME row after it: a crash in between leaves an intent that reads back as status 'unknown',
// never a write without its entry.

export type ConversationRef = { type: 'c2c' | 'group'; id: string };
export type MarkState = { bits: number[]; customMark: string };
export type RequestedChange = { setBits: number[]; clearBits: number[]; customMark?: string };

export type AuditIntent = {
  staff: string;
  chatUser: string;
  conversation: ConversationRef;
  requested: RequestedChange;
  before: MarkState | null;
  reason?: string;
  requestId: string;
  revertOf?: string;
};

export type AuditFinalStatus = 'applied' | 'unchanged' | 'conflict' | 'failed';
export type AuditStatus = AuditFinalStatus | 'unknown';
export const AUDIT_STATUSES: readonly AuditStatus[] = ['applied', 'unchanged', 'conflict', 'failed', 'unknown'];

export type AuditOutcome = {
  /** The id recordIntents returned for the intent. */
  entryId: string;
  status: AuditFinalStatus;
  /** The state read just before the write, when it is better known now than at intent time. */
  before: MarkState | null;
  after: MarkState | null;
  upstreamCode?: number;
  message?: string;
};

/** An entry written in one go, when there was no upstream write to bracket (unchanged, conflict…). */
export type AuditOneShotEntry = AuditIntent & {
  status: AuditFinalStatus;
  after: MarkState | null;
  upstreamCode?: number;
  message?: string;
};

export type AuditEntryView = {
  id: string;
  /** When the entry (or its intent) was written. */
  at: string;
  staff: string;
  chatUser: string;
  conversation: ConversationRef;
  requested: RequestedChange;
  before: MarkState | null;
  after: MarkState | null;
  status: AuditStatus;
  /** When the outcome of an intent was written. */
  completedAt?: string;
  upstreamCode?: number;
  message?: string;
  reason?: string;
  requestId: string;
  revertOf?: string;
};

export type AuditFilter = {
  chatUser?: string;
  conversationType?: 'c2c' | 'group';
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
  /** 1..MAX_AUDIT_QUERY_ROWS */
  limit: number;
  /** nextCursor of the previous page. */
  cursor?: string;
};

/**
 * The most entries one query returns: every entry of one request (a save lists at most
 * MARK_REQUEST_MAX_ITEMS conversations), which Undo request reads at once. The HTTP API's pages are
 * smaller (AUDIT_PAGE_MAX, checked by its schema).
 */
export const MAX_AUDIT_QUERY_ROWS = MARK_REQUEST_MAX_ITEMS;

export type AuditErrorCode = 'INVALID_FILTER' | 'INVALID_CURSOR' | 'UNKNOWN_ENTRY' | 'ALREADY_COMPLETED';

export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuditError';
  }
}

export { canonicalAuditContent, chainHash, GENESIS_HASH, timeOrderedId } from './audit-chain';
export { verifyAuditChain, verifyAuditChainAsync, type AuditChainVerdict } from './audit-verify';

function markStateJson(state: MarkState | null): string | null {
  return state === null ? null : JSON.stringify({ bits: [...state.bits], customMark: state.customMark });
}

function requestedJson(requested: RequestedChange): string {
  return JSON.stringify({
    setBits: [...requested.setBits],
    clearBits: [...requested.clearBits],
    ...(requested.customMark === undefined ? {} : { customMark: requested.customMark }),
  });
}

// Rows are written out in full rather than spread over a template: bulk jobs build two per mark.
function intentContent(intent: AuditIntent, at: Date): AuditContent {
  return {
    id: timeOrderedId(at),
    kind: 'intent',
    refers_to: null,
    at: at.toISOString(),
    staff: intent.staff,
    chat_user: intent.chatUser,
    conversation_type: intent.conversation.type,
    conversation_id: intent.conversation.id,
    requested_json: requestedJson(intent.requested),
    before_json: markStateJson(intent.before),
    after_json: null,
    status: null,
    upstream_code: null,
    message: null,
    reason: intent.reason ?? null,
    request_id: intent.requestId,
    revert_of: intent.revertOf ?? null,
    action: null,
    target: null,
    ip: null,
    user_agent: null,
    details_json: null,
  };
}

function outcomeContent(outcome: AuditOutcome, at: Date): AuditContent {
  const row = blankContent(timeOrderedId(at), 'outcome', at.toISOString());
  row.refers_to = outcome.entryId;
  row.before_json = markStateJson(outcome.before);
  row.after_json = markStateJson(outcome.after);
  row.status = outcome.status;
  row.upstream_code = outcome.upstreamCode ?? null;
  row.message = outcome.message ?? null;
  return row;
}

// Whether an id is an intent, and whether it already has its outcome (through audit_outcome_of);
// prepared once per connection.
type IntentStateStatement = BetterSqlite3.Statement<[string], { kind: AuditRow['kind']; completed: 0 | 1 }>;
const intentStatements = new WeakMap<BetterSqlite3.Database, IntentStateStatement>();

function statementsFor(sqlite: BetterSqlite3.Database): { intentState: IntentStateStatement } {
  let intentState = intentStatements.get(sqlite);
  if (!intentState) {
    intentState = sqlite.prepare(
      `SELECT kind, EXISTS (SELECT 1 FROM audit AS o WHERE o.refers_to = e.id AND o.refers_to IS NOT NULL) AS completed FROM audit AS e WHERE e.id = ?`,
    );
    intentStatements.set(sqlite, intentState);
  }
  return { intentState };
}

/** Appends rows to the chain. Call only inside an IMMEDIATE transaction (immediateTransaction). */
function appendRows(store: Store, rows: AuditContent[]): void {
  appendChainRows(store, rows);
}

/** Writes one intent row per item, in one transaction, before the upstream write. Returns their ids. */
export async function recordIntents(store: Store, intents: AuditIntent[], clock: Clock = systemClock): Promise<string[]> {
  if (intents.length === 0) return [];
  const at = new Date(clock.now());
  return immediateTransaction(store, () => appendIntents(store, intents, at));
}

/** recordIntents' work, for a caller that commits it with its own writes: only inside an IMMEDIATE transaction. */
export function appendIntents(store: Store, intents: readonly AuditIntent[], at: Date): string[] {
  const rows = intents.map((intent) => intentContent(intent, at));
  appendRows(store, rows);
  return rows.map((row) => row.id);
}

/**
 * Writes the outcome of earlier intents, in one transaction. Each intent takes exactly one outcome.
 * Its commit does not wait for an fsync (relaxedTransaction): the intent, synced before the write
 * was sent, already holds what must survive a power cut. An outcome lost to one leaves its intent
 * 'unknown', as a crash between the write and the outcome does, and reconcile.ts settles it from
 * Chat's state. What this saves is one fsync per save, which the person would wait for.
 */
export async function recordOutcomes(store: Store, outcomes: AuditOutcome[], clock: Clock = systemClock): Promise<void> {
  if (outcomes.length === 0) return;
  const at = new Date(clock.now());
  await relaxedTransaction(store, () => appendOutcomes(store, outcomes, at));
}

/**
 * recordOutcomes' work, for a caller that commits it together with its own writes: call only inside
 * an IMMEDIATE transaction (immediateTransaction). Throws AuditError, rolling that transaction back.
 */
export function appendOutcomes(store: Store, outcomes: readonly AuditOutcome[], at: Date): void {
  if (outcomes.length === 0) return;
  const ids = new Set(outcomes.map((outcome) => outcome.entryId));
  if (ids.size !== outcomes.length) throw new AuditError('ALREADY_COMPLETED', 'An intent appears twice in one batch of outcomes.');
  const { intentState } = statementsFor(store.sqlite);
  for (const id of ids) {
    const state = intentState.get(id);
    if (state?.kind !== 'intent') throw new AuditError('UNKNOWN_ENTRY', `There is no audit intent ${id}.`);
    if (state.completed) throw new AuditError('ALREADY_COMPLETED', `Audit intent ${id} already has its outcome.`);
  }
  appendRows(
    store,
    outcomes.map((outcome) => outcomeContent(outcome, at)),
  );
}

/** Appends complete entries (no upstream write to bracket), in one transaction. Returns their ids. */
export async function recordEntries(
  store: Store,
  entries: AuditOneShotEntry[],
  clock: Clock = systemClock,
): Promise<string[]> {
  if (entries.length === 0) return [];
  const at = new Date(clock.now());
  return immediateTransaction(store, () => appendEntries(store, entries, at));
}

/** recordEntries' work, for a caller that commits it with its own writes: only inside an IMMEDIATE transaction. */
export function appendEntries(store: Store, entries: readonly AuditOneShotEntry[], at: Date): string[] {
  const rows = entries.map((entry): AuditContent => {
    const row = intentContent(entry, at);
    row.kind = 'entry';
    row.after_json = markStateJson(entry.after);
    row.status = entry.status;
    row.upstream_code = entry.upstreamCode ?? null;
    row.message = entry.message ?? null;
    return row;
  });
  appendRows(store, rows);
  return rows.map((row) => row.id);
}

export async function recordEntry(store: Store, entry: AuditOneShotEntry, clock: Clock = systemClock): Promise<string> {
  const [id] = await recordEntries(store, [entry], clock);
  return id as string;
}

// ---- reading ----

function entriesQuery(store: Store) {
  return store.db
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
    requested: JSON.parse(row.requested_json ?? '{"setBits":[],"clearBits":[]}') as RequestedChange,
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

function applyFilter(store: Store, filter: Omit<AuditFilter, 'limit'>) {
  let query = entriesQuery(store);
  const exact = filter.match !== 'contains';
  if (exact && filter.chatUser !== undefined) query = query.where('e.chat_user', '=', filter.chatUser);
  if (exact && filter.staff !== undefined) query = query.where('e.staff', '=', filter.staff);
  if (filter.conversationType !== undefined) query = query.where('e.conversation_type', '=', filter.conversationType);
  if (exact && filter.conversationId !== undefined) query = query.where('e.conversation_id', '=', filter.conversationId);
  const terms = searchTerms(filter);
  const indexed = terms.filter(({ term }) => Array.from(term).length >= TRIGRAM);
  // Each column's terms are matched against the distinct values of that column (all of them must
  // occur in one value), and the entries are those holding one of the matching values.
  for (const column of new Set(indexed.map(({ column }) => column))) {
    const expression = indexed
      .filter((term) => term.column === column)
      .map(({ term }) => `${column} : ${phrase(term)}`)
      .join(' AND ');
    query = query.where(
      sql<boolean>`${sql.ref(`e.${column}`)} IN (SELECT value FROM audit_terms WHERE id IN (SELECT rowid FROM audit_terms_search WHERE audit_terms_search MATCH ${expression}) AND +field = ${column})`,
    );
  }
  for (const { column, term } of terms.filter(({ term }) => Array.from(term).length < TRIGRAM)) {
    query = query.where(sql<boolean>`instr(lower(${sql.ref(`e.${column}`)}), lower(${term})) > 0`);
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
    if (!AUDIT_STATUSES.includes(status)) throw new AuditError('INVALID_FILTER', `Unknown status "${String(status)}".`);
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
export function queryAudit(store: Store, filter: AuditFilter): { entries: AuditEntryView[]; nextCursor: string | null } {
  if (!Number.isInteger(filter.limit) || filter.limit < 1 || filter.limit > MAX_AUDIT_QUERY_ROWS) {
    throw new AuditError('INVALID_FILTER', `limit must be an integer from 1 to ${MAX_AUDIT_QUERY_ROWS}.`);
  }
  const rows = selectSync(store, applyFilter(store, filter).orderBy('e.seq', 'desc').limit(filter.limit + 1));
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    entries: page.map(toView),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.seq) : null,
  };
}

/** One entry by the id recordIntents/recordEntries returned, or null. */
export function getAuditEntry(store: Store, id: string): AuditEntryView | null {
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) return null;
  const row = selectSync(store, entriesQuery(store).where('e.id', '=', id))[0];
  return row ? toView(row) : null;
}

// ---- CSV export ----

export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'staff',
  'chat_user',
  'conversation_type',
  'conversation_id',
  'set_bits',
  'clear_bits',
  'custom_mark_requested',
  'before_bits',
  'before_custom_mark',
  'after_bits',
  'after_custom_mark',
  'status',
  'upstream_code',
  'message',
  'reason',
  'request_id',
  'revert_of',
] as const;

const CSV_PAGE_SIZE = 500;
const BOM = '\uFEFF';

// Tencent's generated group ids start with "@TGS#". Exactly that shape (no operator, parenthesis or
// space) cannot carry a formula, and prefixing it would make every group id in the export wrong.
const GENERATED_GROUP_ID = /^@TGS#[A-Za-z0-9_-]+$/;

/**
 * A spreadsheet runs a cell that starts with = + - @ (or tab/CR, which some strip first) as a
 * formula; a leading ' makes it text (OWASP "CSV injection").
 */
export function neutralizeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) && !GENERATED_GROUP_ID.test(cell) ? `'${cell}` : cell;
}

function bitsCell(bits: number[] | undefined): string {
  return bits ? bits.join(' ') : '';
}

function csvRecord(entry: AuditEntryView): string[] {
  const cells = [
    entry.id,
    entry.at,
    entry.staff,
    entry.chatUser,
    entry.conversation.type,
    entry.conversation.id,
    bitsCell(entry.requested.setBits),
    bitsCell(entry.requested.clearBits),
    entry.requested.customMark ?? '',
    bitsCell(entry.before?.bits),
    entry.before?.customMark ?? '',
    bitsCell(entry.after?.bits),
    entry.after?.customMark ?? '',
    entry.status,
    entry.upstreamCode === undefined ? '' : String(entry.upstreamCode),
    entry.message ?? '',
    entry.reason ?? '',
    entry.requestId,
    entry.revertOf ?? '',
  ];
  return cells.map(neutralizeFormula);
}

function csvLines(records: string[][]): string {
  // RFC 4180: CRLF between records, and a field holding a line break is quoted — csv-stringify
  // quotes a lone \n or \r only when asked to (quoted_match).
  return stringify(records, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}

/**
 * Every entry matching the filter as CSV (UTF-8 with BOM, header row, RFC 4180), newest first, in
 * chunks: the first holds the BOM and the header, each further one a page of rows.
 */
export async function* auditCsv(store: Store, filter: Omit<AuditFilter, 'limit' | 'cursor'>): AsyncGenerator<string> {
  yield BOM + csvLines([[...AUDIT_CSV_COLUMNS]]);
  let cursor: string | undefined;
  do {
    const page = queryAudit(store, { ...filter, limit: CSV_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
    if (page.entries.length > 0) yield csvLines(page.entries.map(csvRecord));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}
