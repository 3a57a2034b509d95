// How audit rows are chained. Each row stores the hash of the row before it (prev_hash) and its own
// hash over prev_hash + its canonical content. Rows written before the keyed chain existed carry a
// plain SHA-256 and stay exactly as they are; every later row carries an HMAC-SHA-256 under the
// audit key (audit-key.ts), so rewriting a row and recomputing the hashes after it needs the key.
// The first keyed row's MAC covers the last plain hash, so rewriting the old rows breaks that link.
// Where keyed rows begin is recorded once in audit_chain, with a MAC of that seq: without the key
// nobody can move the boundary to pass keyed rows off as old plain ones.
import { createHash, createHmac } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { AuditTable, Reader, Tx } from './database';
import { dialectOf, runStatement, selectRow, type Statement } from './sql';

export type AuditRow = Selectable<AuditTable>;
export type AuditContent = Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'>;

/** prev_hash of the very first row. */
export const GENESIS_HASH = '0'.repeat(64);

// The columns a plain (pre-key) row's hash covers, in a fixed list: a column added later must not
// change the hash of rows written before it existed.
export const HASHED_COLUMNS = [
  'id',
  'kind',
  'refers_to',
  'at',
  'staff',
  'chat_user',
  'conversation_type',
  'conversation_id',
  'requested_json',
  'before_json',
  'after_json',
  'status',
  'upstream_code',
  'message',
  'reason',
  'request_id',
  'revert_of',
] as const satisfies readonly (keyof AuditContent)[];

/** What a keyed row's MAC covers: the plain list and the columns admin and repair rows added. */
export const KEYED_COLUMNS = [...HASHED_COLUMNS, 'action', 'target', 'ip', 'user_agent', 'details_json'] as const satisfies readonly (keyof AuditContent)[];

type Canonical = { columns: readonly (keyof AuditContent)[]; prefixes: string[] };

function canonicalForm(columns: readonly (keyof AuditContent)[]): Canonical {
  const sorted = [...columns].sort();
  // `{"after_json":` … `,"at":` …: what JSON.stringify writes before each value of the sorted object.
  return { columns: sorted, prefixes: sorted.map((column, index) => `${index === 0 ? '{' : ','}${JSON.stringify(column)}:`) };
}

const PLAIN = canonicalForm(HASHED_COLUMNS);
const KEYED = canonicalForm(KEYED_COLUMNS);

function canonical(form: Canonical, row: AuditContent): string {
  let text = '';
  for (let index = 0; index < form.columns.length; index++) {
    const value = row[form.columns[index]!];
    text += form.prefixes[index]! + (value === null || value === undefined ? 'null' : JSON.stringify(value));
  }
  return `${text}}`;
}

/**
 * Canonical JSON of a plain row's content: the hashed columns in sorted key order, absent = null —
 * the text JSON.stringify gives for such an object, written out directly (no object per row).
 */
export function canonicalAuditContent(row: AuditContent): string {
  return canonical(PLAIN, row);
}

/** The plain SHA-256 link of rows written before the keyed chain. */
export function chainHash(prevHash: string, row: AuditContent): string {
  return createHash('sha256').update(prevHash + canonical(PLAIN, row)).digest('hex');
}

/** The HMAC-SHA-256 link of every row since. */
export function keyedChainHash(key: Buffer, prevHash: string, row: AuditContent): string {
  return createHmac('sha256', key).update(prevHash + canonical(KEYED, row)).digest('hex');
}

// SQLite stores text as UTF-8, which cannot hold a lone UTF-16 surrogate: it is stored as U+FFFD.
// A keyed row is hashed over the text as it will be stored, so it always re-hashes exactly.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** An empty row content; callers fill in what their kind of row carries. */
export function blankContent(id: string, kind: AuditContent['kind'], at: string): AuditContent {
  return {
    id,
    kind,
    refers_to: null,
    at,
    staff: null,
    chat_user: null,
    conversation_type: null,
    conversation_id: null,
    requested_json: null,
    before_json: null,
    after_json: null,
    status: null,
    upstream_code: null,
    message: null,
    reason: null,
    request_id: null,
    revert_of: null,
    action: null,
    target: null,
    ip: null,
    user_agent: null,
    details_json: null,
  };
}

// Bulk jobs append a row per mark at the upstream rate: rows go in ROWS_PER_INSERT at a time (one
// multi-row INSERT runs the statement's setup and the call into the database once for all of them),
// and each statement's text is built once, so the connection's prepared statement is reused. On
// PostgreSQL each statement is also a round trip under the write lock: more rows go at once
// (within its 65,535 parameters).
const ROWS_PER_INSERT = { sqlite: 32, postgres: 1000 } as const;
const INSERT_COLUMNS = [...KEYED_COLUMNS, 'prev_hash', 'hash'] as const;
/**
 * The highest seq ever given to an audit row (0 before the first): SQLite's sqlite_sequence, or
 * PostgreSQL's audit_high_water (postgres/baseline.ts). Rows cut off the end leave it higher than
 * the last row's seq, unless it was lowered too (audit-head.ts catches that).
 */
export const HIGHEST_AUDIT_SEQ: Statement = {
  sqlite: `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0) AS seq`,
  postgres: 'SELECT seq FROM audit_high_water',
};

const LAST_HASH = 'SELECT hash FROM audit ORDER BY seq DESC LIMIT 1';
/** Adds a (field, value) pair to the history search's values unless it is there (audit_terms, 0014_bulk_ledger). */
const ADD_TERM = 'INSERT INTO audit_terms (field, value) VALUES (?, ?) ON CONFLICT DO NOTHING';
/**
 * The same for many pairs in one statement, on PostgreSQL, where each statement is a round trip
 * made while the write lock is held (two arrays: the fields and the values).
 */
const ADD_TERMS_POSTGRES = 'INSERT INTO audit_terms (field, value) SELECT * FROM unnest(?::text[], ?::text[]) ON CONFLICT DO NOTHING';
/**
 * By number of rows: KEYED_COLUMNS' values in order, then prev_hash and hash, row after row
 * (positional: no object per row); with `seq` first on PostgreSQL (see appendChainRows). Only the
 * texts of the usual sizes are kept: a commit's last INSERT may have any number of rows.
 */
const insertTexts = new Map<string, string>();
const KEPT_INSERT_ROWS = 32;

function insertText(rows: number, withSeq: boolean): string {
  const key = `${withSeq ? 's' : ''}${rows}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    const columns = withSeq ? ['seq', ...INSERT_COLUMNS] : INSERT_COLUMNS;
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    text = `INSERT INTO audit (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`;
    if (rows <= KEPT_INSERT_ROWS || rows === ROWS_PER_INSERT.postgres) insertTexts.set(key, text);
  }
  return text;
}

/** Appends rows to the chain, in order, keyed under `auditKey`, inside the caller's transaction. */
export async function appendChainRows(tx: Tx, auditKey: Buffer, rows: readonly AuditContent[]): Promise<void> {
  if (rows.length === 0) return;
  let prevHash = (await selectRow<{ hash: string }>(tx, LAST_HASH))?.hash ?? GENESIS_HASH;
  // SQLite numbers the rows (AUTOINCREMENT, rolled back with its transaction). A PostgreSQL
  // sequence is not rolled back, and jumps after a crash: its gaps would read as rows removed from
  // the chain. There the rows are numbered from the highest seq ever used, under the write lock.
  const postgres = dialectOf(tx) === 'postgres';
  let nextSeq = postgres ? ((await selectRow<{ seq: number }>(tx, HIGHEST_AUDIT_SEQ))?.seq ?? 0) + 1 : 0;
  const lead = postgres ? 1 : 0;
  const width = INSERT_COLUMNS.length + lead;
  const perInsert = ROWS_PER_INSERT[postgres ? 'postgres' : 'sqlite'];
  for (let start = 0; start < rows.length; start += perInsert) {
    const count = Math.min(perInsert, rows.length - start);
    const values: unknown[] = new Array(count * width);
    for (let n = 0; n < count; n++) {
      const row = rows[start + n]!;
      const offset = n * width + lead;
      if (postgres) values[offset - 1] = nextSeq++;
      for (let index = 0; index < KEYED_COLUMNS.length; index++) {
        const column = KEYED_COLUMNS[index]!;
        const value = row[column];
        if (typeof value === 'string' && LONE_SURROGATE.test(value)) (row as Record<string, unknown>)[column] = storableText(value);
        LONE_SURROGATE.lastIndex = 0;
        values[offset + index] = row[column] ?? null;
      }
      const hash = keyedChainHash(auditKey, prevHash, row);
      values[offset + KEYED_COLUMNS.length] = prevHash;
      values[offset + KEYED_COLUMNS.length + 1] = hash;
      prevHash = hash;
    }
    // Rows of one INSERT get their seq in the order of its VALUES: the chain order.
    await runStatement(tx, insertText(count, postgres), values);
  }
  await addSearchTerms(tx, rows);
}

// The fields history search finds by part of their text (audit.ts, applyFilter).
const SEARCH_FIELDS = ['chat_user', 'conversation_id', 'staff', 'reason'] as const;

/**
 * Records the values of the mark entries (intents and one-shot entries) just appended that the
 * history search has not seen yet: each distinct value is indexed once, however many entries carry
 * it (0014_bulk_ledger). In the same transaction as the rows, so a value is known exactly when an
 * entry holding it is. Deduplicated here first: a bulk job's lines share one staff and one reason.
 */
async function addSearchTerms(tx: Tx, rows: readonly AuditContent[]): Promise<void> {
  const fields: string[] = [];
  const values: string[] = [];
  for (const field of SEARCH_FIELDS) {
    const seen = new Set<string>();
    for (const row of rows) {
      if (row.kind !== 'intent' && row.kind !== 'entry') continue;
      const value = row[field];
      if (value === null || seen.has(value)) continue;
      seen.add(value);
      fields.push(field);
      values.push(value);
    }
  }
  if (fields.length === 0) return;
  if (dialectOf(tx) === 'postgres') {
    await runStatement(tx, ADD_TERMS_POSTGRES, [fields, values]);
    return;
  }
  // SQLite's statements are calls within this process: one cached statement per pair costs less
  // than building a statement for each count of pairs.
  for (let index = 0; index < fields.length; index++) await runStatement(tx, ADD_TERM, [fields[index], values[index]]);
}

// ---- where the keyed rows start ----

export function keyedStartMac(key: Buffer, keyedFrom: number): string {
  return createHmac('sha256', key).update(`markdesk audit chain: keyed from seq ${keyedFrom}`).digest('hex');
}

/** The seq of the first keyed row, when its record is there and carries a valid MAC; else null. */
export async function readKeyedStart(db: Reader, auditKey: Buffer): Promise<number | null> {
  const record = await readKeyedStartRecord(db);
  if (!record || keyedStartMac(auditKey, record.keyed_from) !== record.mac) return null;
  return record.keyed_from;
}

/** The record of where keyed rows start, MAC unchecked (readKeyedStart checks it). */
export function readKeyedStartRecord(db: Reader): Promise<{ keyed_from: number; mac: string } | undefined> {
  return db.selectFrom('audit_chain').select(['keyed_from', 'mac']).where('id', '=', 1).executeTakeFirst();
}
