// The store on PostgreSQL (MARKDESK_DATABASE_URL): the same Store as SQLite's (database.ts), for
// several instances sharing one database.
//
// Write transactions are serialised across every instance by one transaction-scoped advisory lock,
// taken right after BEGIN: the guarantee SQLite's BEGIN IMMEDIATE gives, which the code above the
// store relies on (a read-then-write in one transaction sees nothing change in between; the audit
// chain's appends form one chain; a label save's compare-and-swap). Reads never take it. Writes are
// short (a bulk job commits a group of lines at once), so one writer at a time is not the limit:
// Tencent's rate ceiling is.
import { CompiledQuery, type DatabaseConnection, type Driver, Kysely, PostgresDialect, type PostgresDialectConfig, PostgresDriver, sql } from 'kysely';
import pg from 'pg';
import { openKeyedChain } from '../audit-repair';
import { DatabaseUnavailableError, type Durability, type InstanceLocks, type SharedHold, isDatabaseUnavailable, migrateToLatest, NestedTransactionError, type Reader, type Store, type Tx, transactionScope } from '../database';
import { postgresMigrations } from '../migrations';
import type { Database } from '../schema';

/** How long a request waits for a connection before it fails (the database is down or saturated). */
export const CONNECT_TIMEOUT_MS = 5_000;
/** A transaction left idle this long by its instance is ended by the server (its locks with it). */
const IDLE_IN_TRANSACTION_MS = 60_000;
/**
 * The server's side of keepalive: it ends the session of a peer gone silent within about a minute,
 * and with it any lock the session held (instanceLocks' are held outside a transaction,
 * where the idle timeout does not reach). Set as the connection starts, so no query is needed.
 */
const SERVER_KEEPALIVE = ['tcp_keepalives_idle=30', 'tcp_keepalives_interval=10', 'tcp_keepalives_count=3'];
/** Connections per instance. */
export const POOL_SIZE = 10;
/** Connections for exclusive holds across instances (InstanceLocks.exclusive): interactive saves in flight at once. */
const LOCK_POOL_SIZE = 8;
// A key space of its own (two int4 keys), apart from the write lock's (one bigint); keyed by schema
// as the write lock is, so that databases in different schemas do not hold each other up.
const KEY = `7301, hashtext(current_schema() || '.' || $1)`;
const LOCK_KEY = `SELECT pg_advisory_lock(${KEY})`;
const UNLOCK_KEY = `SELECT pg_advisory_unlock(${KEY})`;
const LOCK_KEY_SHARED = `SELECT pg_advisory_lock_shared(${KEY})`;
const TRY_LOCK_KEY_SHARED = `SELECT pg_try_advisory_lock_shared(${KEY}) AS taken`;
const UNLOCK_KEY_SHARED = `SELECT pg_advisory_unlock_shared(${KEY})`;
// The end of an exclusive hold, numbered after every end recorded when it starts: a point noted
// (LAST_END) before the end began is below it. Two ends of different keys may share a number.
const RECORD_END = `INSERT INTO exclusive_ends (key, seq) SELECT $1, COALESCE(MAX(seq), 0) + 1 FROM exclusive_ends
                    ON CONFLICT (key) DO UPDATE SET seq = excluded.seq`;
const END_OF_KEY = `SELECT seq FROM exclusive_ends WHERE key = $1`;
const LAST_END = CompiledQuery.raw(`SELECT COALESCE(MAX(seq), 0) AS seq FROM exclusive_ends`);

const BEGIN = CompiledQuery.raw('BEGIN');
// Keyed by schema, so that databases in different schemas (the tests') do not wait for each other.
const WRITE_LOCK = CompiledQuery.raw(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.markdesk.write'))`);
// A relaxed commit does not wait for its WAL flush (see Durability): the same trade as SQLite's.
const RELAXED = CompiledQuery.raw('SET LOCAL synchronous_commit = off');
const BEGIN_SNAPSHOT = CompiledQuery.raw('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
const COMMIT = CompiledQuery.raw('COMMIT');
const ROLLBACK = CompiledQuery.raw('ROLLBACK');

// bigint (int8: counts, sums of integers, BIGSERIAL ids) and numeric (sums of bigints, averages)
// arrive as strings by default; every such value the store holds is far below 2^53.
const INT8 = 20;
const NUMERIC = 1700;
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

class CheckedPostgresDriver extends PostgresDriver {
  // As on SQLite: a nested use of the store from inside a transaction's work would wait for the
  // write lock its own transaction holds. It fails at once instead (under the test runner).
  override async acquireConnection(): Promise<DatabaseConnection> {
    if (transactionScope.getStore()?.open) throw new NestedTransactionError();
    try {
      return await super.acquireConnection();
    } catch (error) {
      // Refused, timed out or out of connections: the same sentence for all (errors.ts answers 503).
      throw new DatabaseUnavailableError({ cause: error });
    }
  }
}

class MarkdeskPostgresDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;
  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new CheckedPostgresDriver(this.#config);
  }
}

export type PostgresLocation = {
  url: string;
  /** A schema of its own (created when missing) instead of the connection's default: for tests. */
  schema?: string;
};

/** How a connection is made: the store's type parsing, the session settings given (`name=value`) and, when given, its schema first in the search path. */
function connectionConfig(location: PostgresLocation, settings: readonly string[] = []): pg.ClientConfig {
  return {
    connectionString: location.url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // An instance that dies without closing its sockets (power, a frozen VM, a cut network) must not
    // keep the write lock: the server ends a session idle inside a transaction after a minute (no
    // transaction waits that long for Markdesk between two statements), and TCP keepalive finds a
    // dead peer of an idle one.
    keepAlive: true,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    types: typeParsers,
    options: [...SERVER_KEEPALIVE, ...settings, ...(location.schema ? [`search_path=${location.schema}`] : [])].map((setting) => `-c ${setting}`).join(' '),
  };
}

/** A pool on the database, its connections made as connectionConfig says. */
export function createPool(location: PostgresLocation, max = POOL_SIZE, settings: readonly string[] = []): pg.Pool {
  // Idle connections do not keep a stopping process alive.
  const pool = new pg.Pool({ ...connectionConfig(location, settings), max, allowExitOnIdle: true });
  // An idle connection the server closed (a restart, a failover) is dropped from the pool; the
  // next query opens a new one. Without a listener the error would end the process.
  pool.on('error', () => undefined);
  // The same for a connection lost while checked out between two statements: the next statement
  // on it fails (and the transaction with it) instead of the process.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

/**
 * This instance's shared holds (InstanceLocks.holdShared). A hold is taken without waiting
 * (pg_try_advisory_lock_shared) on one connection kept for them all, so any number of Chat users
 * with calls in flight cost one connection and no hold waits for a pool. A key held exclusively
 * elsewhere, or awaited so (PostgreSQL puts a new shared request behind a waiting exclusive one, and
 * refuses the try), is waited for on a connection opened for that wait and closed when the hold is
 * let go, which ends the hold with it.
 */
function sharedHolds(location: PostgresLocation): { hold(key: string): Promise<SharedHold>; close(): Promise<void> } {
  let holder: Promise<pg.Client> | null = null;
  const waiting = new Set<pg.Client>();
  const open = async (): Promise<pg.Client> => {
    const client = new pg.Client(connectionConfig(location));
    // A connection lost (a restart, a failover) fails its next statement, not the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      throw new DatabaseUnavailableError({ cause: error });
    }
    return client;
  };
  const theHolder = (): Promise<pg.Client> => {
    if (holder) return holder;
    const opening = open();
    holder = opening;
    const forget = () => {
      if (holder === opening) holder = null;
    };
    opening.then((client) => client.on('end', forget), forget);
    return opening;
  };
  const letGo = (client: pg.Client, holderClient: pg.Client, key: string) => {
    if (client === holderClient) {
      client.query(UNLOCK_KEY_SHARED, [key]).catch(() => undefined);
      return;
    }
    waiting.delete(client);
    client.end().catch(() => undefined);
  };
  return {
    async hold(key) {
      const holderClient = await theHolder();
      let client = holderClient;
      let taken = false;
      try {
        taken = (await holderClient.query<{ taken: boolean }>(TRY_LOCK_KEY_SHARED, [key])).rows[0]!.taken;
        if (!taken) {
          client = await open();
          waiting.add(client);
          await client.query(LOCK_KEY_SHARED, [key]);
          taken = true;
        }
        const lastExclusiveEnd = (await client.query<{ seq: number }>(END_OF_KEY, [key])).rows[0]?.seq ?? 0;
        let released = false;
        return {
          lastExclusiveEnd,
          release() {
            if (released) return;
            released = true;
            letGo(client, holderClient, key);
          },
        };
      } catch (error) {
        if (taken || client !== holderClient) letGo(client, holderClient, key);
        throw error;
      }
    },
    async close() {
      const closing = holder;
      holder = null;
      await Promise.all([...waiting].map((client) => client.end().catch(() => undefined)));
      await closing?.then((client) => client.end()).catch(() => undefined);
    },
  };
}

/** A connection of the pool, or the store's sentence for a database out of reach. */
function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  return pool.connect().catch((error: unknown) => {
    throw new DatabaseUnavailableError({ cause: error });
  });
}

/** Creates the location's own schema when it names one that is not there yet (tests). */
export async function createSchemaIfMissing(location: PostgresLocation): Promise<void> {
  if (!location.schema) return;
  if (!/^[a-z_][a-z0-9_]*$/.test(location.schema)) throw new Error(`Not a plain schema name: ${location.schema}`);
  const setup = new pg.Client({ connectionString: location.url });
  await setup.connect();
  try {
    await setup.query(`CREATE SCHEMA IF NOT EXISTS ${location.schema}`);
  } catch (error) {
    // Two starts creating the same schema at once: one wins, the other finds it there.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await setup.end();
  }
}

/** Opens the store on PostgreSQL and brings its schema to the latest migration (under Kysely's migration lock). */
export async function openPostgresStore(options: PostgresLocation & { auditKey: Buffer }): Promise<Store> {
  await createSchemaIfMissing(options);
  const pool = createPool(options);
  const db = new Kysely<Database>({ dialect: new MarkdeskPostgresDialect({ pool }) });
  try {
    const { schema } = (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]!;
    await migrateToLatest(db, postgresMigrations, schema);
    const write = <T>(work: (tx: Tx) => Promise<T>, writeOptions?: { durability?: Durability }): Promise<T> =>
      db.connection().execute(async (connection) => {
        const scope = { open: true };
        await connection.executeQuery(BEGIN);
        try {
          await connection.executeQuery(WRITE_LOCK);
          if (writeOptions?.durability === 'relaxed') await connection.executeQuery(RELAXED);
          const value = await transactionScope.run(scope, () => work(connection as unknown as Tx));
          await connection.executeQuery(COMMIT);
          return value;
        } catch (error) {
          await connection.executeQuery(ROLLBACK).catch(() => undefined);
          throw error;
        } finally {
          scope.open = false;
        }
      });
    const snapshot = <T>(work: (reader: Reader) => Promise<T>): Promise<T> =>
      db.connection().execute(async (connection) => {
        const scope = { open: true };
        await connection.executeQuery(BEGIN_SNAPSHOT);
        try {
          return await transactionScope.run(scope, () => work(connection));
        } finally {
          scope.open = false;
          await connection.executeQuery(COMMIT).catch(() => undefined);
        }
      });
    // Locks held across a unit of work that makes its own transactions (an interactive save: read,
    // intent, Chat call, outcome) on connections of their own, so a holder never waits for the
    // store's pool. A holder whose connection drops loses the lock with it (the database ends it).
    // An exclusive hold's end is recorded without waiting for its WAL flush: it is seen by others
    // at once all the same, and one lost to a crash of the database loses nothing, since a job's
    // run stops when the database goes and the next run reads its lines again.
    const lockPool = createPool(options, LOCK_POOL_SIZE, ['synchronous_commit=off']);
    const shared = sharedHolds(options);
    const instanceLocks: InstanceLocks = {
      async exclusive(key, work) {
        const client = await connect(lockPool);
        let broken = false;
        try {
          await client.query(LOCK_KEY, [key]);
          try {
            return await work();
          } finally {
            // Recorded before the key is let go, whatever the work did (its write may have landed).
            // Not recorded — the database out of reach (the connection is dropped, and the lock
            // with it), or the process gone between its write and here — a job that read the user
            // before cannot learn of this write; its line's entry may then name an older state as
            // the one it replaced. The save's own entry stays unknown until reconcile settles it.
            await client.query(RECORD_END, [key]).catch(() => (broken = true));
          }
        } catch (error) {
          broken ||= isDatabaseUnavailable(error);
          throw error;
        } finally {
          if (!broken) await client.query(UNLOCK_KEY, [key]).catch(() => (broken = true));
          client.release(broken);
        }
      },
      holdShared: (key) => shared.hold(key),
      async lastExclusiveEnd() {
        return (await db.executeQuery<{ seq: number }>(LAST_END)).rows[0]!.seq;
      },
    };
    const store: Store = {
      read: db,
      write,
      snapshot,
      instanceLocks,
      auditKey: options.auditKey,
      location: { dialect: 'postgres', url: options.url, ...(options.schema ? { schema: options.schema } : {}) },
      close: async () => {
        await db.destroy();
        await lockPool.end();
        await shared.close();
      },
    };
    await openKeyedChain(store);
    return store;
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
