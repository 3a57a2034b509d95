import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type Compilable,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type Generated,
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

export type Role = 'viewer' | 'editor' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

// Timestamps are stored as ISO-8601 UTC strings (Date#toISOString), which sort correctly as text.

export interface StaffTable {
  username: string;
  role: Role;
  password_hash: string;
  /** 0 or 1 */
  disabled: number;
  created_at: string;
  last_login_at: string | null;
  failed_logins: number;
  locked_until: string | null;
  source: Generated<'local' | 'sso'>;
  /** 0 or 1: a local account that signs in with its password even when local sign-in is off. */
  break_glass: Generated<number>;
  /** `{issuer} {sub}` of an SSO account. */
  sso_subject: Generated<string | null>;
  /** The confirmed TOTP secret, sealed (auth/secret-box.ts); null without TOTP. */
  totp_secret: Generated<string | null>;
  /** A secret shown for enrolment and not yet confirmed with a code, sealed. */
  totp_pending_secret: Generated<string | null>;
  /** The last TOTP time step accepted: a code is good once. */
  totp_last_step: Generated<number | null>;
  mfa_failures: Generated<number>;
  mfa_locked_until: Generated<string | null>;
}

export interface RecoveryCodesTable {
  username: string;
  /** HMAC-SHA-256 of the normalised code under a key derived from the audit key. */
  code_hash: string;
  used_at: string | null;
}

export type AuthMethod = 'password' | 'totp' | 'sso';

export interface AuthFlowsTable {
  id_hash: string;
  kind: 'mfa' | 'enrol' | 'oidc';
  username: string | null;
  /** The session a step-up flow belongs to (hash), else null. */
  session_hash: string | null;
  data_json: string;
  created_at: string;
}

export interface EndedSessionsTable {
  id_hash: string;
  reason: 'revoked' | 'role_removed' | 'expired';
  ended_at: string;
}

export interface SessionsTable {
  /** SHA-256 hex of the session id; the id itself is never stored. */
  id_hash: string;
  username: string;
  created_at: string;
  last_seen_at: string;
  ip: string;
  user_agent: string;
  method: Generated<AuthMethod>;
  /** When this session's person last authenticated strongly (sign-in or step-up). */
  auth_at: Generated<string | null>;
  /** SSO: the provider's refresh token, sealed; null when none was issued. */
  refresh_token: Generated<string | null>;
  /** SSO: when the provider last confirmed the person's groups. */
  idp_checked_at: Generated<string | null>;
}

export type AuditRowKind = 'intent' | 'outcome' | 'entry' | 'admin' | 'repair';
export type AuditRowStatus = 'applied' | 'unchanged' | 'conflict' | 'failed';

/**
 * One appended row of the audit log. An `intent` row is written before an upstream write and an
 * `outcome` row (refers_to = the intent's id) after it; an `entry` row is a one-shot entry that
 * needed no upstream write; an `admin` row is staff activity (action, target, ip, user_agent,
 * details_json) and a `repair` row vouches, under the audit key, for an old row whose text SQLite
 * could not store exactly. JSON columns hold text so the hash covers exactly what is stored.
 */
export interface AuditTable {
  seq: Generated<number>;
  id: string;
  kind: AuditRowKind;
  refers_to: string | null;
  at: string;
  staff: string | null;
  chat_user: string | null;
  conversation_type: 'c2c' | 'group' | null;
  conversation_id: string | null;
  requested_json: string | null;
  before_json: string | null;
  after_json: string | null;
  status: AuditRowStatus | null;
  upstream_code: number | null;
  message: string | null;
  reason: string | null;
  request_id: string | null;
  revert_of: string | null;
  prev_hash: string;
  hash: string;
  action: string | null;
  target: string | null;
  ip: string | null;
  user_agent: string | null;
  details_json: string | null;
}

/** One row: the seq from which audit rows carry an HMAC, with a MAC of that seq under the audit key. */
export interface AuditChainTable {
  id: number;
  keyed_from: number;
  mac: string;
}

export interface MarkLabelsTable {
  bit: number;
  name: string;
  description: string;
}

/** The single row (id 1) naming the current version of the labels and who saved it, when. */
export interface MarkLabelsVersionTable {
  id: number;
  /** Goes up by one with every successful replace of the labels. */
  version: number;
  /** Staff username of the last save; null before the first save (or for a save by no one in particular). */
  updated_by: string | null;
  updated_at: string | null;
}

/** 'uploading' is internal: the file is still being read (never shown; removed if the server dies). */
export type JobTableState = 'uploading' | 'checked' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

export interface JobsTable {
  seq: Generated<number>;
  id: string;
  state: JobTableState;
  created_by: string;
  created_at: string;
  started_by: string | null;
  started_at: string | null;
  finished_at: string | null;
  /** Data rows in the file. */
  total_rows: number;
  /** Rows that passed the check. */
  valid_rows: number;
  applied: number;
  unchanged: number;
  conflicts: number;
  failed: number;
  cancelled: number;
  message: string | null;
  kind: Generated<'upload' | 'rollback' | 'retry'>;
  source_job_id: string | null;
  /** When the check read the rows' current state in Chat (null: not read, or the read failed). */
  impact_checked_at: string | null;
}

export type JobRowTableStatus = 'invalid' | 'pending' | 'applied' | 'unchanged' | 'conflict' | 'failed' | 'cancelled';

/** A line that falls under an impact kind of its job's check, with the state found (JSON). */
export interface JobChecksTable {
  job_id: string;
  kind: 'overwritesCustomMark' | 'alreadyInState' | 'wouldExceedCap' | 'notImported';
  line: number;
  found_json: string | null;
}

export interface JobRowsTable {
  job_id: string;
  /** Where the line is stored: its chat user, '' for an invalid line (see 0012_bulk_indexes). */
  cluster: string;
  /** Line of the file where the row starts (the header is line 1). */
  line: number;
  /** The seven input fields as written, in JOB_CSV_COLUMNS order (JSON array). */
  input_json: string;
  status: JobRowTableStatus;
  chat_user: string | null;
  conversation_type: 'c2c' | 'group' | null;
  conversation_id: string | null;
  /** The checked MarkChange (JSON), bit names already resolved. */
  change_json: string | null;
  /** Unused since 0003_job_writes: a line's audit entry is the one with its request id. */
  audit_id: string | null;
  /** Unused since 0003_job_writes (attempts are counted in memory, per run). */
  attempts: Generated<number>;
  upstream_code: number | null;
  message: string | null;
  /** The line's WriteGuard (JSON), when it has one. */
  guard_json: string | null;
  /** The audit entry this line undoes (a rollback job's lines). */
  revert_of: string | null;
}

/** One mark_contact call of a bulk job, recorded before it is sent and deleted once its lines are settled. */
export interface JobWritesTable {
  id: Generated<number>;
  job_id: string;
  chat_user: string;
  /** [{line, before: {bits, customMark}}] (JSON), the call's lines and the state read before each. */
  lines_json: string;
}

export type SurveyTableState = 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

/** A survey: a read-only job over many Chat users (src/server/insights). */
export interface SurveysTable {
  seq: Generated<number>;
  id: string;
  label: Generated<string>;
  state: SurveyTableState;
  /** The SurveySource (JSON). */
  source_json: string;
  /** 0 or 1: whether each user's recent list is read too. */
  include_recent: number;
  total: number;
  done: Generated<number>;
  failed: Generated<number>;
  created_by: string;
  created_at: string;
  finished_at: string | null;
  message: string | null;
  /** The SurveyResults (JSON), once done. */
  results_json: string | null;
}

/** One surveyed user: pending until read, then its UserSummary (JSON) or the failure. */
export interface SurveyUsersTable {
  survey_id: string;
  position: number;
  user_id: string;
  state: 'pending' | 'read' | 'failed';
  result_json: string | null;
}

/** One measurement of a finished bulk job's effect (JobEffect, JSON). */
export interface JobEffectsTable {
  id: Generated<number>;
  job_id: string;
  measured_at: string;
  result_json: string;
}

export interface Database {
  staff: StaffTable;
  sessions: SessionsTable;
  audit: AuditTable;
  audit_chain: AuditChainTable;
  mark_labels: MarkLabelsTable;
  mark_labels_version: MarkLabelsVersionTable;
  jobs: JobsTable;
  job_rows: JobRowsTable;
  job_writes: JobWritesTable;
  job_checks: JobChecksTable;
  recovery_codes: RecoveryCodesTable;
  auth_flows: AuthFlowsTable;
  ended_sessions: EndedSessionsTable;
  surveys: SurveysTable;
  survey_users: SurveyUsersTable;
  job_effects: JobEffectsTable;
}

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

/**
 * `immediateTransaction` whose COMMIT does not wait for an fsync (synchronous = NORMAL for this one
 * transaction; the connection stays FULL for every other). In WAL mode such a commit is durable
 * against a crash of the process at once — the WAL is written before COMMIT returns — and against a
 * power cut from the next FULL commit of any connection on, or the next checkpoint (the WAL is one
 * file, synced up to that point). Only for commits a power cut may lose without harm: records that
 * something already durably announced is known again afterwards (an audit outcome: its intent then
 * reads 'unknown' and reconcile.ts settles it from Chat, as after a crash before the outcome).
 */
export function relaxedTransaction<T>(store: Store, work: (sqlite: BetterSqlite3.Database) => T): Promise<T> {
  return exclusive(store, (sqlite) => {
    sqlite.pragma('synchronous = NORMAL');
    try {
      return sqlite.transaction(() => work(sqlite)).immediate();
    } finally {
      sqlite.pragma('synchronous = FULL');
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
