import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
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
import { AsyncLocalStorage } from 'node:async_hooks';
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

/**
 * What reads the database: a query builder without the statements that change it. Both the store
 * (`store.read`, outside any transaction) and a transaction (`Tx`, reading what it wrote) are one.
 */
export type Reader = Pick<Kysely<Database>, 'selectFrom' | 'selectNoFrom' | 'with' | 'fn' | 'executeQuery'>;

declare const writeHandle: unique symbol;
/**
 * An open write transaction: the only thing that can change the database. Repository functions
 * that write take one; only `Store.write` makes one, so writing always happens inside a transaction
 * a caller opened, and code that holds a Tx has no way to open another.
 */
export type Tx = Reader & Pick<Kysely<Database>, 'insertInto' | 'updateTable' | 'deleteFrom'> & { readonly [writeHandle]: true };

/** A database: a SQLite file (':memory:' for none) or a PostgreSQL URL (and a schema of its own, for tests). */
export type StoreLocation = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string; schema?: string };

/** The SQL engine behind a store: SQLite (a file in the data directory) or PostgreSQL (MARKDESK_DATABASE_URL). */
export type Dialect = 'sqlite' | 'postgres';



/**
 * How a write transaction's commit reaches the disk. 'synced' (the default) resolves once the
 * commit is on disk, as a COMMIT at synchronous = FULL would, but the fsync runs on the thread pool
 * (wal-sync.ts), not on the calling thread. 'relaxed' does not wait for an fsync: in WAL mode such
 * a commit is durable against a crash of the process at once (the WAL is written before COMMIT
 * returns) and against a power cut from the next synced commit of any connection on, or the next
 * checkpoint. Only for commits a power cut may lose without harm: records that something already
 * durably announced is known again afterwards (an audit outcome: its intent then reads 'unknown'
 * and reconcile.ts settles it from Chat, as after a crash before the outcome).
 */
export type Durability = 'synced' | 'relaxed';

/**
 * A lock table shared by every instance on one database, with a record of when each key's exclusive
 * holds ended: what lets a holder of a shared hold know whether an exclusive holder came and went
 * since a moment it noted (chat-user-locks.ts).
 */
export type InstanceLocks = {
  /** Runs `work` holding `key` alone among every instance; its end is recorded before the key is let go. */
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Takes `key` together with other shared holders, never with an exclusive one on any instance. */
  holdShared(key: string): Promise<SharedHold>;
  /** A point in the record of exclusive holds' ends, to compare a later SharedHold's `lastExclusiveEnd` with. */
  lastExclusiveEnd(): Promise<number>;
};

export type SharedHold = {
  /** Where the key's last exclusive hold ended in the record (0: never): fixed while this hold lasts. */
  lastExclusiveEnd: number;
  release(): void;
};

export type Store = {
  /** Reads outside any transaction. Inside one, read through its Tx (this one would wait for it). */
  read: Reader;
  /**
   * Runs `work` in one BEGIN IMMEDIATE transaction: committed when it resolves, rolled back when it
   * throws. Transactions on one store run one at a time. Calling `read` or `write` of the same
   * store from inside `work` would wait forever: under the test runner it throws
   * NestedTransactionError at once instead.
   */
  write<T>(work: (tx: Tx) => Promise<T>, options?: { durability?: Durability }): Promise<T>;
  /**
   * Runs `work`'s reads in one read transaction: they all see the database as it was at its first
   * read, whatever commits meanwhile (for several reads that must agree with each other). Nested
   * use of the store from inside `work` throws NestedTransactionError, as in `write`.
   */
  snapshot<T>(work: (db: Reader) => Promise<T>): Promise<T>;
  /**
   * Locks every instance on this database shares (PostgreSQL's advisory locks, postgres/store.ts).
   * Absent on SQLite: one process writes marks through a file, and its own locks suffice.
   */
  instanceLocks?: InstanceLocks;
  /** The HMAC key of the audit chain; kept outside the database, never logged or sent. */
  auditKey: Buffer;
  /** Where the database is: what another connection (the job ledger's thread) opens. Holds credentials: never logged. */
  location: StoreLocation;
  close(): Promise<void>;
};

// Kysely's SQLite driver opens transactions with a plain (deferred) BEGIN. A deferred transaction
// that reads and then writes fails with SQLITE_BUSY — without waiting — when another process wrote
// in between; BEGIN IMMEDIATE takes the write lock up front, so busy_timeout applies instead.
class ImmediateSqliteDriver extends SqliteDriver {
  // The single connection is held by a write transaction while its work runs: a nested use of the
  // store from inside that work would wait for the connection forever. It fails at once instead.
  override async acquireConnection(): Promise<DatabaseConnection> {
    if (transactionScope.getStore()?.open) throw new NestedTransactionError();
    return super.acquireConnection();
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

// SQLite does have transactional DDL: running each migration inside BEGIN IMMEDIATE also keeps a
// server and a staff CLI that start at the same moment from migrating the same file twice.
/**
 * The database cannot be reached (PostgreSQL down, restarting or out of connections): nothing was
 * read or written by the statement that met it. The HTTP layer answers 503 with a sentence.
 */
export class DatabaseUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('The database cannot be reached right now.', options);
    this.name = 'DatabaseUnavailableError';
  }
}

// PostgreSQL's SQLSTATEs for a lost or refused connection: class 08, and the server shutting down
// or starting up (57P01–57P03); and the socket errors a connection dropped in the middle of a
// statement arrives as (a failover behind a proxy, a cut network).
const UNAVAILABLE_STATES = /^(08...|57P0[123])$/;
const SOCKET_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** Whether an error means the database could not be reached (see DatabaseUnavailableError). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_STATES.test(code) || SOCKET_ERRORS.has(code))) return true;
  return error instanceof Error && /^Connection terminated|is not queryable/.test(error.message);
}

/** A `store.read`/`store.write` from inside the work of a `store.write`: use its Tx instead. */
export class NestedTransactionError extends Error {
  constructor() {
    super('The store was used from inside one of its own write transactions; read and write through the transaction handle instead.');
    this.name = 'NestedTransactionError';
  }
}

// Set while a transaction's work runs (and seen by everything that work starts); `open` is cleared
// when the transaction ends, so work it left running afterwards may use the store again. The check
// runs under the test runner only: on Node 20 an AsyncLocalStorage makes every promise of the
// process carry it, which cost a one-item save about 0.4 ms at its median (npm run bench). Nested
// use is a programming error that the tests, which run every transaction's work, bring out.
type TransactionScope = { open: boolean };
type ScopeTracker = { run<R>(scope: TransactionScope, work: () => R): R; getStore(): TransactionScope | undefined };
export const transactionScope: ScopeTracker =
  process.env.VITEST === undefined ? { run: (_scope, work) => work(), getStore: () => undefined } : new AsyncLocalStorage<TransactionScope>();

const PRAGMA_RELAXED = CompiledQuery.raw('PRAGMA synchronous = NORMAL');
const PRAGMA_SYNCED = CompiledQuery.raw('PRAGMA synchronous = FULL');
const BEGIN = CompiledQuery.raw('BEGIN IMMEDIATE');
const BEGIN_READ = CompiledQuery.raw('BEGIN');
const COMMIT = CompiledQuery.raw('COMMIT');
const ROLLBACK = CompiledQuery.raw('ROLLBACK');

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
    const write = async <T>(work: (tx: Tx) => Promise<T>, options?: { durability?: Durability }): Promise<T> => {
      const result = await db.connection().execute(async (connection) => {
        // Each commit is made at NORMAL, then synced here, off the calling thread, when asked.
        await connection.executeQuery(PRAGMA_RELAXED);
        const scope = { open: true };
        try {
          await connection.executeQuery(BEGIN);
          try {
            const value = await transactionScope.run(scope, () => work(connection as unknown as Tx));
            await connection.executeQuery(COMMIT);
            return value;
          } catch (error) {
            if (sqlite.inTransaction) await connection.executeQuery(ROLLBACK);
            throw error;
          }
        } finally {
          scope.open = false;
          await connection.executeQuery(PRAGMA_SYNCED);
        }
      });
      if (options?.durability !== 'relaxed') await walSync?.sync();
      return result;
    };
    const snapshot = <T>(work: (reader: Reader) => Promise<T>): Promise<T> =>
      db.connection().execute(async (connection) => {
        const scope = { open: true };
        await connection.executeQuery(BEGIN_READ);
        try {
          return await transactionScope.run(scope, () => work(connection));
        } finally {
          scope.open = false;
          // A read transaction has nothing to keep: ending it is all COMMIT does here.
          if (sqlite.inTransaction) await connection.executeQuery(COMMIT);
        }
      });
    const store: Store = {
      read: db,
      write,
      snapshot,
      auditKey,
      location: { dialect: 'sqlite', file: options.file },
      close: async () => {
        await db.destroy();
        await walSync?.close();
      },
    };
    await openKeyedChain(store);
    return store;
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/** Applies pending migrations; a no-op on an up-to-date database. */
export async function migrateToLatest(db: Kysely<Database>, steps: Record<string, Migration> = migrations, schema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async (): Promise<Record<string, Migration>> => steps },
    // On PostgreSQL, the schema the store's tables live in: Kysely otherwise looks for its own
    // tables in every schema of the database, and takes another schema's for this one's.
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  // Kysely creates its bookkeeping tables before taking any lock; a second process doing the same at
  // the same instant can trip over that, and a retry then finds everything in place.
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (attempt >= 3) throw error instanceof Error ? error : new Error(`Database migration failed: ${String(error)}`);
  }
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
