// Moving a SQLite database into PostgreSQL (`npm run migrate -- --from-sqlite FILE`): every table of
// the schema, rows as they are — the audit log's seq and hashes included — into an empty database,
// then checked against the file.
//
// - The tables are the file's own (every table but SQLite's, Kysely's and the search index's
//   shadow tables), so a table a later migration adds is copied without a change here; both sides
//   are first brought to the latest migration, and a column the PostgreSQL side lacks stops the copy.
// - Everything read from the file is read in one read transaction: the counts, the rows and the
//   chain's head agree with each other even if something still wrote to the file meanwhile.
// - Rows are streamed, a batch at a time (a multi-row INSERT), never the whole table in memory.
// - All of it is one PostgreSQL transaction, taken through the store's `write` (it holds the
//   store's write lock, so no instance writes meanwhile), checked inside that same transaction
//   before it commits: a failed or mismatching copy leaves nothing behind. Several transactions
//   would leave a half copy on any failure, and the audit table's triggers refuse DELETE and
//   TRUNCATE, so nothing but dropping the database would clear it. PostgreSQL has no limit on a
//   transaction's size that matters here (new rows are written in place; there is no undo log to
//   fill), and the client holds one batch at a time.
// - The record of where the keyed chain starts (audit_chain) is written once and never changed, and
//   opening the store writes one when there is none: the file's record is put in place first, so the
//   store opens on it and checks the key against it.
// - BIGSERIAL sequences are set past the highest copied id (or SQLite's AUTOINCREMENT counter, when
//   higher), and audit_high_water to SQLite's counter for the audit table: entries cut off the end
//   of the log before the copy are still seen as missing by the chain check.
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { existsSync } from 'node:fs';
import { HIGHEST_AUDIT_SEQ } from './audit-chain';
import { chainHead, verifyAuditChain, type AuditChainVerdict } from './audit-verify';
import { BUSY_TIMEOUT_MS, migrateToLatest, openDatabase, type Reader, type Tx } from './database';
import { openPostgresKysely } from './migrate';
import { postgresMigrations } from './migrations';
import { openPostgresStore, type PostgresLocation } from './postgres/store';
import type { Database } from './schema';
import { selectRow, selectRows } from './sql';

/** Rows per INSERT, unless the table is so wide that PostgreSQL's 65,535 parameters allow fewer. */
export const COPY_BATCH_ROWS = 1_000;
const MAX_PARAMETERS = 65_535;

/** Tables whose rows mean the database already has a history of its own: the copy refuses to merge. */
const HISTORY_TABLES = ['staff', 'audit', 'jobs', 'surveys', 'mark_labels'] as const;

export type CopyProgress = { table: string; copied: number; total: number };

export type CopyOptions = {
  /** The SQLite database to copy (brought to the latest migration first). */
  sqliteFile: string;
  /** The key its audit log is signed with; the PostgreSQL store must be opened with it from now on. */
  auditKey: Buffer;
  target: PostgresLocation;
  /** Copy a log whose chain check already fails on SQLite, as it is (its problems stay visible). */
  keepBrokenChain?: boolean;
  batchRows?: number;
  /** After each batch. */
  onProgress?: (progress: CopyProgress) => void;
};

export type TableCount = { table: string; sqlite: number; postgres: number };

export type CopyReport = {
  /** Every copied table, parents before children, with its rows on each side. */
  tables: TableCount[];
  /** The chain check on PostgreSQL, inside the copy's transaction. */
  chain: AuditChainVerdict;
  /** The newest audit entry on each side (equal, or the copy would not have committed). */
  head: { sqlite: Head | null; postgres: Head | null };
  /** The highest audit seq ever used (sqlite_sequence / audit_high_water). */
  highestSeq: { sqlite: number; postgres: number };
  /** The chain check already failed on SQLite, in the same way; copied as it is (keepBrokenChain). */
  brokenInSource: boolean;
  durationMs: number;
};

type Head = { seq: number; hash: string };

/** Why a copy did not happen or did not commit: one line, for a person. */
export class CopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyError';
  }
}

type TablePlan = {
  name: string;
  columns: string[];
  /** The INTEGER PRIMARY KEY, streamed in its order (the audit log in seq order). */
  orderBy: string | null;
  rows: number;
};

type ChainRecord = { keyed_from: number; mac: string };

type SourcePlan = {
  tables: TablePlan[];
  /** SQLite's AUTOINCREMENT counters by table. */
  counters: Map<string, number>;
  chainRecord: ChainRecord;
  head: Head | null;
  highestSeq: number;
};

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The file's tables in an order that puts each table after those its foreign keys point to. */
function sourceTables(sqlite: BetterSqlite3.Database): TablePlan[] {
  const listed = sqlite.prepare(`SELECT name, type FROM pragma_table_list WHERE schema = 'main'`).all() as { name: string; type: string }[];
  // 'shadow' and 'virtual': the search index (FTS5), rebuilt by nothing on PostgreSQL (baseline.ts).
  const names = listed
    .filter((table) => table.type === 'table' && !table.name.startsWith('sqlite_') && !table.name.startsWith('kysely_'))
    .map((table) => table.name)
    .sort();
  const parents = new Map(
    names.map((name) => [
      name,
      (sqlite.prepare('SELECT "table" AS parent FROM pragma_foreign_key_list(?)').all(name) as { parent: string }[])
        .map((row) => row.parent)
        .filter((parent) => parent !== name),
    ]),
  );
  const ordered: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (ordered.includes(name)) return;
    if (path.includes(name)) throw new CopyError(`The SQLite tables' foreign keys form a cycle (${[...path, name].join(' → ')}); they cannot be copied in order.`);
    for (const parent of parents.get(name) ?? []) if (names.includes(parent)) visit(parent, [...path, name]);
    ordered.push(name);
  };
  for (const name of names) visit(name, []);
  return ordered.map((name) => {
    const info = sqlite.prepare('SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid').all(name) as { name: string; type: string; pk: number }[];
    const keys = info.filter((column) => column.pk > 0);
    const rowidAlias = keys.length === 1 && keys[0]!.type.toUpperCase() === 'INTEGER' ? keys[0]!.name : null;
    const { rows } = sqlite.prepare(`SELECT count(*) AS rows FROM ${quote(name)}`).get() as { rows: number };
    return { name, columns: info.map((column) => column.name), orderBy: rowidAlias, rows };
  });
}

function readSourcePlan(sqlite: BetterSqlite3.Database, head: Head | null, highestSeq: number): SourcePlan {
  const tables = sourceTables(sqlite);
  const hasCounters = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'`).get() !== undefined;
  const counters = new Map(
    hasCounters ? (sqlite.prepare('SELECT name, seq FROM sqlite_sequence').all() as { name: string; seq: number }[]).map((row) => [row.name, row.seq]) : [],
  );
  const chainRecord = sqlite.prepare('SELECT keyed_from, mac FROM audit_chain WHERE id = 1').get() as ChainRecord | undefined;
  if (!chainRecord) throw new CopyError('The SQLite database has no record of where its keyed audit chain starts; open it once with Markdesk, then copy it.');
  return { tables, counters, chainRecord, head, highestSeq };
}

async function historyCounts(db: Reader): Promise<string[]> {
  const held: string[] = [];
  for (const table of HISTORY_TABLES) {
    const row = await selectRow<{ rows: number }>(db, `SELECT count(*) AS rows FROM ${quote(table)}`);
    if (row && row.rows > 0) held.push(`${table}: ${row.rows}`);
  }
  return held;
}

async function refuseHistory(db: Reader): Promise<void> {
  const held = await historyCounts(db);
  if (held.length > 0) {
    throw new CopyError(
      `The PostgreSQL database already holds data (${held.join(', ')} rows): the copy goes only into an empty database, so that two histories are never merged. Copy before any instance starts on it.`,
    );
  }
}

const CHAIN_RECORD_DIFFERS =
  'The PostgreSQL database already has an audit chain record of its own (an instance started on it with another key, or another log was copied into it): copy into a new, empty database.';

async function targetChainRecord(db: Reader): Promise<ChainRecord | undefined> {
  return selectRow<ChainRecord>(db, 'SELECT keyed_from, mac FROM audit_chain WHERE id = 1');
}

/**
 * Puts the file's chain record in place before the store opens (opening writes one of its own,
 * keyed from seq 1, when there is none, and the record can never be changed afterwards). Written
 * only into a database without a history; two starts at once both end with the same record.
 */
async function placeChainRecord(target: Kysely<Database>, record: ChainRecord): Promise<void> {
  await refuseHistory(target);
  await target.executeQuery(
    CompiledQuery.raw('INSERT INTO audit_chain (id, keyed_from, mac) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING', [record.keyed_from, record.mac]),
  );
  const placed = await targetChainRecord(target);
  if (placed?.keyed_from !== record.keyed_from || placed.mac !== record.mac) throw new CopyError(CHAIN_RECORD_DIFFERS);
}

async function checkTargetColumns(tx: Tx, tables: readonly TablePlan[]): Promise<void> {
  const rows = await selectRows<{ table_name: string; column_name: string }>(
    tx,
    'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()',
  );
  const columns = new Map<string, Set<string>>();
  for (const row of rows) columns.set(row.table_name, (columns.get(row.table_name) ?? new Set()).add(row.column_name));
  for (const table of tables) {
    const target = columns.get(table.name);
    if (!target) throw new CopyError(`The PostgreSQL schema has no table ${table.name}, which the SQLite file has: both must be at the same migration.`);
    const missing = table.columns.filter((column) => !target.has(column));
    if (missing.length > 0) throw new CopyError(`The PostgreSQL table ${table.name} has no column ${missing.join(', ')}, which the SQLite file has: both must be at the same migration.`);
  }
}

/** The multi-row INSERT of `rows` rows into a table. */
function insertText(table: TablePlan, rows: number): string {
  const width = table.columns.length;
  const values = Array.from({ length: rows }, (_, row) => `(${table.columns.map((_, column) => `$${row * width + column + 1}`).join(', ')})`);
  return `INSERT INTO ${quote(table.name)} (${table.columns.map(quote).join(', ')}) VALUES ${values.join(', ')}`;
}

async function copyTable(tx: Tx, sqlite: BetterSqlite3.Database, table: TablePlan, options: CopyOptions): Promise<void> {
  const perBatch = Math.max(1, Math.min(options.batchRows ?? COPY_BATCH_ROWS, Math.floor(MAX_PARAMETERS / table.columns.length)));
  const fullBatch = insertText(table, perBatch);
  // Integers as bigint: exact whatever their size (pg sends them as text).
  const select = sqlite
    .prepare(`SELECT ${table.columns.map(quote).join(', ')} FROM ${quote(table.name)}${table.orderBy ? ` ORDER BY ${quote(table.orderBy)}` : ''}`)
    .raw(true)
    .safeIntegers(true);
  let parameters: unknown[] = [];
  let copied = 0;
  const flush = async () => {
    const rows = parameters.length / table.columns.length;
    if (rows === 0) return;
    try {
      await tx.executeQuery(CompiledQuery.raw(rows === perBatch ? fullBatch : insertText(table, rows), parameters));
    } catch (error) {
      throw new CopyError(`Copying ${table.name} failed after ${copied} of its ${table.rows} rows: ${(error as Error).message}`);
    }
    copied += rows;
    parameters = [];
    options.onProgress?.({ table: table.name, copied, total: table.rows });
  };
  for (const row of select.iterate() as IterableIterator<unknown[]>) {
    for (const value of row) {
      if (Buffer.isBuffer(value)) throw new CopyError(`The SQLite table ${table.name} holds binary data, which no Markdesk column stores: the file is not a Markdesk database as written by Markdesk.`);
      parameters.push(value);
    }
    if (parameters.length === perBatch * table.columns.length) await flush();
  }
  await flush();
}

/** Sets each copied table's sequences past its highest id, and the audit log's highest seq ever used. */
async function continueSequences(tx: Tx, plan: SourcePlan): Promise<void> {
  const serials = await selectRows<{ table_name: string; column_name: string; sequence: string }>(
    tx,
    `SELECT c.relname AS table_name, a.attname AS column_name,
            pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) AS sequence
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) IS NOT NULL`,
  );
  const copied = new Set(plan.tables.map((table) => table.name));
  for (const serial of serials) {
    if (!copied.has(serial.table_name)) continue;
    const highest = (await selectRow<{ highest: number | null }>(tx, `SELECT max(${quote(serial.column_name)}) AS highest FROM ${quote(serial.table_name)}`))?.highest ?? 0;
    // SQLite never reuses an AUTOINCREMENT id, even of a row no longer there: neither does the copy.
    const next = Math.max(highest, plan.counters.get(serial.table_name) ?? 0);
    if (next > 0) await tx.executeQuery(CompiledQuery.raw('SELECT setval($1, $2)', [serial.sequence, next]));
  }
  await tx.executeQuery(CompiledQuery.raw('UPDATE audit_high_water SET seq = GREATEST(seq, $1)', [plan.highestSeq]));
}

/** The parts of two verdicts that must agree for the copy to hold the same log. */
function sameVerdict(a: AuditChainVerdict, b: AuditChainVerdict): boolean {
  const key = (v: AuditChainVerdict) => JSON.stringify([v.ok, v.checked, v.breakCount, v.breaks, v.repaired, v.head]);
  return key(a) === key(b);
}

function describeBreak(verdict: AuditChainVerdict): string {
  return `${verdict.breakCount} problem${verdict.breakCount === 1 ? '' : 's'}, the first ${verdict.problem} at ${verdict.brokenAt}`;
}

/**
 * Copies the SQLite database into the empty PostgreSQL one and checks the copy, or throws a
 * CopyError and leaves the PostgreSQL database as it was (but for the chain record: see
 * placeChainRecord). The PostgreSQL database must from now on be opened with the same audit key.
 */
export async function copySqliteToPostgres(options: CopyOptions): Promise<CopyReport> {
  const started = performance.now();
  if (!existsSync(options.sqliteFile)) throw new CopyError(`There is no SQLite database at ${options.sqliteFile}.`);
  // Opened as the server would: brought to the latest migration, and the key checked against the
  // log's record of it (a wrong key is refused here, before anything is written).
  const migrated = await openDatabase({ file: options.sqliteFile, auditKey: options.auditKey });
  // Kept open until the end: its connection keeps the WAL in place for the read-only one below.
  try {
    const sqlite = new BetterSqlite3(options.sqliteFile, { readonly: true, fileMustExist: true });
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const source = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    try {
      // One read transaction for every read of the file: it starts at the first read below.
      sqlite.exec('BEGIN');
      const head = await chainHead(source);
      const highestSeq = (await selectRow<{ seq: number }>(source, HIGHEST_AUDIT_SEQ))?.seq ?? 0;
      const plan = readSourcePlan(sqlite, head, highestSeq);

      const target = await openPostgresKysely(options.target);
      try {
        await migrateToLatest(target.db, postgresMigrations, target.schema);
        await placeChainRecord(target.db, plan.chainRecord);
      } finally {
        await target.db.destroy();
      }
      const store = await openPostgresStore({ ...options.target, auditKey: options.auditKey });
      try {
        return await store.write(async (tx) => {
          // Again under the write lock: nothing was written between the check above and the copy.
          await refuseHistory(tx);
          const record = await targetChainRecord(tx);
          if (record?.keyed_from !== plan.chainRecord.keyed_from || record.mac !== plan.chainRecord.mac) throw new CopyError(CHAIN_RECORD_DIFFERS);
          await checkTargetColumns(tx, plan.tables);
          // What an empty database may hold (the labels' version row, sign-in throttling) gives way
          // to the file's rows; children first.
          for (const table of [...plan.tables].reverse()) {
            if (table.name !== 'audit' && table.name !== 'audit_chain') await tx.executeQuery(CompiledQuery.raw(`DELETE FROM ${quote(table.name)}`));
          }
          for (const table of plan.tables) if (table.name !== 'audit_chain') await copyTable(tx, sqlite, table, options);
          await continueSequences(tx, plan);
          return await checkCopy(tx, source, plan, options, started);
        });
      } finally {
        await store.close();
      }
    } finally {
      if (sqlite.inTransaction) sqlite.exec('COMMIT');
      await source.destroy();
    }
  } finally {
    await migrated.close();
  }
}

/** Compares the copy with the file inside the copy's transaction; throws (rolling it back) on any difference. */
async function checkCopy(tx: Tx, source: Reader, plan: SourcePlan, options: CopyOptions, started: number): Promise<CopyReport> {
  const tables: TableCount[] = [];
  for (const table of plan.tables) {
    const copied = (await selectRow<{ rows: number }>(tx, `SELECT count(*) AS rows FROM ${quote(table.name)}`))?.rows ?? 0;
    tables.push({ table: table.name, sqlite: table.rows, postgres: copied });
  }
  const unequal = tables.filter((table) => table.sqlite !== table.postgres);
  if (unequal.length > 0) {
    throw new CopyError(`The copy does not match the file: ${unequal.map((table) => `${table.table} has ${table.postgres} rows, the file ${table.sqlite}`).join('; ')}. Nothing was committed.`);
  }
  const head = await chainHead(tx);
  if (JSON.stringify(head) !== JSON.stringify(plan.head)) {
    throw new CopyError(`The copy's newest audit entry (seq ${head?.seq ?? 'none'}) is not the file's (seq ${plan.head?.seq ?? 'none'}). Nothing was committed.`);
  }
  const highestSeq = (await selectRow<{ seq: number }>(tx, HIGHEST_AUDIT_SEQ))?.seq ?? 0;
  if (highestSeq !== Math.max(plan.highestSeq, plan.head?.seq ?? 0)) {
    throw new CopyError(`The copy's highest audit seq ever used is ${highestSeq}, the file's ${plan.highestSeq}. Nothing was committed.`);
  }
  const chain = await verifyAuditChain({ read: tx, auditKey: options.auditKey });
  let brokenInSource = false;
  if (!chain.ok) {
    // Broken on PostgreSQL: the same way on SQLite (the file's log was already broken), or not (the copy is wrong).
    const original = await verifyAuditChain({ read: source, auditKey: options.auditKey });
    if (!sameVerdict(chain, original)) {
      throw new CopyError(`The copy's audit chain does not verify (${describeBreak(chain)}) while the file's ${original.ok ? 'does' : `fails differently (${describeBreak(original)})`}. Nothing was committed.`);
    }
    if (!options.keepBrokenChain) {
      throw new CopyError(
        `The SQLite file's audit chain itself does not verify (${describeBreak(original)}); the copy would show the same. Nothing was committed. Look into it first (Settings → Audit log check), or copy it as it is with --keep-broken-chain.`,
      );
    }
    brokenInSource = true;
  }
  return { tables, chain, head: { sqlite: plan.head, postgres: head }, highestSeq: { sqlite: plan.highestSeq, postgres: highestSeq }, brokenInSource, durationMs: performance.now() - started };
}
