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

/** The database file inside MARKDESK_DATA_DIR; the server and the staff CLI both open this. */
export const DATABASE_FILE_NAME = 'markdesk.sqlite';

/** How long a connection waits for another process (server ↔ staff CLI) to release its write lock. */
export const BUSY_TIMEOUT_MS = 5_000;

/** The one source of "now" for everything time-dependent; tests pass a fake. */
export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };

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
  const db = new Kysely<Database>({ dialect: new MarkdeskSqliteDialect({ database: sqlite }) });
  try {
    await migrateToLatest(db);
    const auditKey =
      options.auditKey ?? (options.file === ':memory:' ? randomBytes(32) : resolveAuditKey({ dataDir: dirname(options.file) }).key);
    const store: Store = { db, sqlite, auditKey, close: () => db.destroy() };
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

/** `exclusive` + one BEGIN IMMEDIATE transaction around `work`. */
export function immediateTransaction<T>(store: Store, work: (sqlite: BetterSqlite3.Database) => T): Promise<T> {
  return exclusive(store, (sqlite) => sqlite.transaction(() => work(sqlite)).immediate());
}

/** Runs a Kysely-built read synchronously on the store's connection (the query stays portable). */
export function selectSync<R>(store: Store, query: Compilable<R>): R[] {
  const compiled = query.compile();
  return store.sqlite.prepare(compiled.sql).all(...(compiled.parameters as unknown[])) as R[];
}

/** Runs a Kysely-built write synchronously; only inside `exclusive`/`immediateTransaction` work. */
export function executeSync(store: Store, query: Compilable<unknown>): BetterSqlite3.RunResult {
  const compiled = query.compile();
  return store.sqlite.prepare(compiled.sql).run(...(compiled.parameters as unknown[]));
}
