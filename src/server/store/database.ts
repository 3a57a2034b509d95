import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type Compilable,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  Kysely,
  type Migration,
  Migrator,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type SqliteDialectConfig,
} from 'kysely';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openKeyedChain } from './audit-repair';
import { resolveAuditKey } from './audit-key';
import { migrations } from './migrations';
import { WalSync } from './wal-sync';

/** The database file inside MARKDESK_DATA_DIR; the server and the staff CLI both open this. */
export const DATABASE_FILE_NAME = 'markdesk.sqlite';

/** How long a connection waits for another process (server ↔ staff CLI) to release its write lock. */
export const BUSY_TIMEOUT_MS = 5_000;

// The roles are the API's own vocabulary; the store keeps them as the same words.
export { ROLES, type Role } from '../../shared/api/session';

export type * from './schema';
import type { Database } from './schema';

export type Store = {
  db: Kysely<Database>;
  /** The same single connection Kysely uses; for synchronous reads and `exclusive` writes. */
  sqlite: BetterSqlite3.Database;
  /** The HMAC key of the audit chain; kept outside the database, never logged or sent. */
  auditKey: Buffer;
  close(): Promise<void>;
};

// Kysely's SQLite driver opens transactions with a plain (deferred) BEGIN. A deferred transaction
// that reads and then writes fails with SQLITE_BUSY — without waiting — when another process wrote
// in between; BEGIN IMMEDIATE takes the write lock up front, so busy_timeout applies instead.
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

// SQLite does have transactional DDL: running each migration inside BEGIN IMMEDIATE also keeps a
// server and a staff CLI that start at the same moment from migrating the same file twice.
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class MarkdeskSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * Opens (creating if needed) the database and brings its schema to the latest migration. The audit
 * key is the one given, else (for a file) the key file beside the database (created when there is
 * none yet), else (in memory) a random one. Refuses a key that does not match the chain's record.
 */
export async function openDatabase(options: { file: string; auditKey?: Buffer }): Promise<Store> {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
  const sqlite = new BetterSqlite3(options.file);
  try {
    // busy_timeout first: the pragmas below may themselves need a lock another process holds.
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.pragma('journal_mode = WAL');
    // FULL, not NORMAL: an audit intent must be on disk before the upstream write it announces.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  // Kysely's SQLite driver prepares every query it runs anew; this connection hands it the
  // statement prepared the last time the same SQL ran.
  const cachingDatabase = { prepare: (text: string) => cachedStatement(sqlite, text), close: () => sqlite.close() };
  const db = new Kysely<Database>({ dialect: new MarkdeskSqliteDialect({ database: cachingDatabase }) });
  try {
    await migrateToLatest(db);
    const auditKey =
      options.auditKey ?? (options.file === ':memory:' ? randomBytes(32) : resolveAuditKey({ dataDir: dirname(options.file) }).key);
    const walSync = options.file === ':memory:' ? null : new WalSync(`${options.file}-wal`);
    if (walSync) walSyncs.set(sqlite, walSync);
    const store: Store = {
      db,
      sqlite,
      auditKey,
      close: async () => {
        await db.destroy();
        await walSync?.close();
      },
    };
    await exclusive(store, () => openKeyedChain(store));
    return store;
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/** Applies pending migrations; a no-op on an up-to-date database. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async (): Promise<Record<string, Migration>> => migrations },
  });
  // Kysely creates its bookkeeping tables before taking any lock; a second process doing the same at
  // the same instant can trip over that, and a retry then finds everything in place.
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (attempt >= 3) throw error instanceof Error ? error : new Error(`Database migration failed: ${String(error)}`);
  }
}

/**
 * Runs synchronous better-sqlite3 work while holding Kysely's connection lock, so it never lands in
 * the middle of an open Kysely transaction (which would make it part of — and roll back with — that
 * transaction). Never call it (or recordIntents, replaceLabels … which use it) from inside a
 * `db.transaction()` callback: it would wait for the lock that very transaction holds.
 */
export function exclusive<T>(store: Store, work: (sqlite: BetterSqlite3.Database) => T): Promise<T> {
  return store.db.connection().execute(async () => work(store.sqlite));
}

// Each file-backed connection's WAL syncer (wal-sync.ts); none for an in-memory database.
const walSyncs = new WeakMap<BetterSqlite3.Database, WalSync>();

/**
 * `exclusive` + one BEGIN IMMEDIATE transaction around `work`; resolves once the commit is on disk,
 * as a COMMIT at synchronous = FULL would, but the fsync runs on the thread pool (wal-sync.ts), not
 * on the event loop.
 */
export async function immediateTransaction<T>(store: Store, work: (sqlite: BetterSqlite3.Database) => T): Promise<T> {
  const result = await relaxedTransaction(store, work);
  await walSyncs.get(store.sqlite)?.sync();
  return result;
}

/**
 * `exclusive` + one BEGIN IMMEDIATE transaction, committed at the connection's own `synchronous`
 * setting on the calling thread. Only for the ledger's worker thread, which sets that per commit
 * and has no event loop to keep free.
 */
export function blockingTransaction<T>(store: Store, work: (sqlite: BetterSqlite3.Database) => T): Promise<T> {
  return exclusive(store, (sqlite) => sqlite.transaction(() => work(sqlite)).immediate());
}

/**
 * A BEGIN IMMEDIATE transaction whose COMMIT does not wait for an fsync (synchronous = NORMAL for
 * this one transaction; the connection stays FULL for every other). In WAL mode such a commit is
 * durable against a crash of the process at once — the WAL is written before COMMIT returns — and
 * against a power cut from the next durable commit of any connection on (immediateTransaction,
 * which is this plus a sync), or the next checkpoint (the WAL is one file, synced up to that point). Only for commits a power cut may lose without harm: records that
 * something already durably announced is known again afterwards (an audit outcome: its intent then
 * reads 'unknown' and reconcile.ts settles it from Chat, as after a crash before the outcome).
 */
export function relaxedTransaction<T>(store: Store, work: (sqlite: BetterSqlite3.Database) => T): Promise<T> {
  return exclusive(store, (sqlite) => {
    cachedStatement(sqlite, 'PRAGMA synchronous = NORMAL').run();
    try {
      return sqlite.transaction(() => work(sqlite)).immediate();
    } finally {
      cachedStatement(sqlite, 'PRAGMA synchronous = FULL').run();
    }
  });
}

// Prepared statements by their SQL, per connection. Preparing (parsing and planning) a statement
// costs more than running most of them: a one-item save ran about ten, each prepared afresh.
const STATEMENTS_CACHED = 256;
const statementCaches = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/**
 * The statement for `text` on this connection, prepared once and reused. A statement still busy
 * (an iteration over its rows not finished) is not shared: the caller gets a fresh one. Callers
 * must not switch a cached statement's modes (pluck, raw, expand, safeIntegers).
 */
export function cachedStatement(sqlite: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  let cache = statementCaches.get(sqlite);
  if (!cache) {
    cache = new Map();
    statementCaches.set(sqlite, cache);
  }
  const cached = cache.get(text);
  if (cached && !cached.busy) return cached;
  const statement = sqlite.prepare(text);
  if (!cached) {
    // Queries built with a varying number of parameters could grow the cache without end: the oldest goes.
    if (cache.size >= STATEMENTS_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(text, statement);
  }
  return statement;
}

/**
 * A module's typed statements, prepared once per connection the first time they are needed: for
 * what runs thousands of times a second (a bulk job's lines), where even the lookup by SQL text of
 * cachedStatement counts.
 */
export function statementsPerConnection<T>(prepare: (sqlite: BetterSqlite3.Database) => T): (store: Pick<Store, 'sqlite'>) => T {
  const prepared = new WeakMap<BetterSqlite3.Database, T>();
  return ({ sqlite }) => {
    let statements = prepared.get(sqlite);
    if (statements === undefined) {
      statements = prepare(sqlite);
      prepared.set(sqlite, statements);
    }
    return statements;
  };
}

/** Runs a Kysely-built read synchronously on the store's connection (the query stays portable). */
export function selectSync<R>(store: Store, query: Compilable<R>): R[] {
  const compiled = query.compile();
  return cachedStatement(store.sqlite, compiled.sql).all(...(compiled.parameters as unknown[])) as R[];
}

/** Runs a Kysely-built write synchronously; only inside `exclusive`/`immediateTransaction` work. */
export function executeSync(store: Store, query: Compilable<unknown>): BetterSqlite3.RunResult {
  const compiled = query.compile();
  return cachedStatement(store.sqlite, compiled.sql).run(...(compiled.parameters as unknown[]));
}
