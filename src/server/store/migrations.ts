import { type Kysely, type Migration, sql } from 'kysely';

// Versioned schema changes, applied in name order by Kysely's Migrator. Never edit a migration that
// has shipped: add the next one. Each runs inside one BEGIN IMMEDIATE transaction.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
type AnyDb = Kysely<any>;

const initial: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('staff')
      .addColumn('username', 'text', (c) => c.primaryKey().check(sql`username NOT GLOB '*[^a-z0-9._-]*' AND length(username) BETWEEN 1 AND 64`))
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('viewer', 'editor', 'admin')`))
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0).check(sql`disabled IN (0, 1)`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_login_at', 'text')
      .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().references('staff.username').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('user_agent', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_by_username').on('sessions').column('username').execute();

    await db.schema
      .createTable('audit')
      .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('intent', 'outcome', 'entry')`))
      .addColumn('refers_to', 'text', (c) => c.references('audit.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('staff', 'text')
      .addColumn('chat_user', 'text')
      .addColumn('conversation_type', 'text', (c) => c.check(sql`conversation_type IN ('c2c', 'group')`))
      .addColumn('conversation_id', 'text')
      .addColumn('requested_json', 'text')
      .addColumn('before_json', 'text')
      .addColumn('after_json', 'text')
      .addColumn('status', 'text', (c) => c.check(sql`status IN ('applied', 'unchanged', 'conflict', 'failed')`))
      .addColumn('upstream_code', 'integer')
      .addColumn('message', 'text')
      .addColumn('reason', 'text')
      .addColumn('request_id', 'text')
      .addColumn('revert_of', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addCheckConstraint(
        'audit_row_shape',
        sql`(kind = 'outcome' AND refers_to IS NOT NULL AND status IS NOT NULL)
            OR (kind = 'intent' AND refers_to IS NULL AND status IS NULL AND staff IS NOT NULL)
            OR (kind = 'entry' AND refers_to IS NULL AND status IS NOT NULL AND staff IS NOT NULL)`,
      )
      .execute();
    // An intent has at most one outcome: the unique index makes a second one impossible.
    await db.schema.createIndex('audit_outcome_of').on('audit').column('refers_to').unique().where('refers_to', 'is not', null).execute();
    // The history page filters by one of these and pages newest first (by seq). Partial indexes:
    // outcome rows carry none of these columns, and bulk jobs append one per mark.
    await db.schema.createIndex('audit_by_chat_user').on('audit').columns(['chat_user', 'seq']).where('chat_user', 'is not', null).execute();
    await db.schema.createIndex('audit_by_staff').on('audit').columns(['staff', 'seq']).where('staff', 'is not', null).execute();
    await db.schema
      .createIndex('audit_by_conversation')
      .on('audit')
      .columns(['conversation_id', 'conversation_type', 'seq'])
      .where('conversation_id', 'is not', null)
      .execute();
    await db.schema.createIndex('audit_by_revert_of').on('audit').column('revert_of').where('revert_of', 'is not', null).execute();
    await sql`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
              BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`.execute(db);
    await sql`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
              BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`.execute(db);

    await db.schema
      .createTable('mark_labels')
      .addColumn('bit', 'integer', (c) => c.primaryKey().check(sql`bit BETWEEN 32 AND 63`))
      .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) BETWEEN 1 AND 40`))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
  },
};

// Bulk jobs (uploaded CSV files): one row per job, one row per CSV data line. A line's status moves
// pending → claimed (taken by the runner, in memory or lost in a crash) → a final status; its audit
// entry is linked once known, so a restart can tell what was already confirmed.
const jobs: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('jobs')
      .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('state', 'text', (c) =>
        c.notNull().check(sql`state IN ('uploading', 'checked', 'running', 'paused', 'done', 'cancelled', 'failed')`),
      )
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_by', 'text')
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('total_rows', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('valid_rows', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('applied', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('conflicts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('cancelled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('message', 'text')
      .execute();
    await db.schema.createIndex('jobs_by_state').on('jobs').column('state').execute();

    await sql`CREATE TABLE job_rows (
      job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
      line INTEGER NOT NULL,
      input_json TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('invalid', 'pending', 'claimed', 'applied', 'unchanged', 'conflict', 'failed', 'cancelled')),
      chat_user TEXT,
      conversation_type TEXT CHECK (conversation_type IN ('c2c', 'group')),
      conversation_id TEXT,
      change_json TEXT,
      audit_id TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      upstream_code INTEGER,
      message TEXT,
      PRIMARY KEY (job_id, line),
      CHECK (status = 'invalid' OR (chat_user IS NOT NULL AND conversation_type IS NOT NULL AND conversation_id IS NOT NULL AND change_json IS NOT NULL))
    ) WITHOUT ROWID`.execute(db);
    // The runner takes the next pending lines of one chat user at a time. Partial: a line leaves the
    // index when it is claimed, and finishing it (claimed → applied …) touches no index at all.
    await sql`CREATE INDEX job_rows_pending ON job_rows (job_id, chat_user, line) WHERE status = 'pending'`.execute(db);
  },
};

// A bulk job announces each mark_contact call before sending it: one row per call (up to 100
// lines) naming its lines and the state read before each. It replaces a `claimed` status and an
// audit intent per line — each line now gets its one audit entry once its outcome is known — and
// is deleted with the commit that records those outcomes. Whatever is left after a crash names the
// calls whose answers were lost. Lines left `claimed` by the earlier scheme (a job interrupted
// under it) go back to pending: writes are deltas, so reading and sending them again is safe. Their
// open intents stay in the log as `unknown` (the log is append-only) and each such line gets its
// entry when it is settled.
const jobWrites: Migration = {
  async up(db: AnyDb) {
    await sql`CREATE TABLE job_writes (
      id INTEGER PRIMARY KEY,
      job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
      chat_user TEXT NOT NULL,
      lines_json TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX job_writes_by_job ON job_writes (job_id, id)`.execute(db);
    await sql`UPDATE job_rows SET status = 'pending' WHERE status = 'claimed'`.execute(db);
  },
};

// A bulk line's write guard (JSON, null for none): the state it must still be in (rollback jobs),
// or "custom mark only where none is set". Checked on the state read just before the line's write.
// And the audit entry a line undoes (rollback jobs): its own entry points to it (revert_of).
const jobRowGuards: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('job_rows').addColumn('guard_json', 'text').execute();
    await db.schema.alterTable('job_rows').addColumn('revert_of', 'text').execute();
  },
};

// The keyed chain and admin activity. Rows written from here on carry an HMAC-SHA-256 (with a key
// kept outside the database) instead of a plain SHA-256, so someone holding only the database file
// can no longer rewrite a row and recompute the hashes after it. Rows already written keep their
// SHA-256 (the log is never rewritten); `audit_chain` records, under the key, the seq from which
// rows are keyed, and is filled in when the database is first opened with a key.
// The audit table gains two kinds — `admin` (staff activity: sign-ins, staff and label changes …)
// and `repair` (a keyed note that an old row was stored with text SQLite could not keep exactly) —
// and the columns they use. SQLite cannot change a CHECK constraint in place, so the table is
// rebuilt: every row is copied as it is (seq and hashes included), the highest seq ever used is
// carried over (a lower one would hide rows cut off the end), and the indexes and the append-only
// triggers are created again.
const keyedChain: Migration = {
  async up(db: AnyDb) {
    const sequence = await sql<{ seq: number }>`SELECT seq FROM sqlite_sequence WHERE name = 'audit'`.execute(db);
    await sql`DROP TRIGGER IF EXISTS audit_no_update`.execute(db);
    await sql`DROP TRIGGER IF EXISTS audit_no_delete`.execute(db);
    await sql`ALTER TABLE audit RENAME TO audit_0003`.execute(db);
    await sql`CREATE TABLE audit (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL CHECK (kind IN ('intent', 'outcome', 'entry', 'admin', 'repair')),
      refers_to TEXT REFERENCES audit (id),
      at TEXT NOT NULL,
      staff TEXT,
      chat_user TEXT,
      conversation_type TEXT CHECK (conversation_type IN ('c2c', 'group')),
      conversation_id TEXT,
      requested_json TEXT,
      before_json TEXT,
      after_json TEXT,
      status TEXT CHECK (status IN ('applied', 'unchanged', 'conflict', 'failed')),
      upstream_code INTEGER,
      message TEXT,
      reason TEXT,
      request_id TEXT,
      revert_of TEXT,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL,
      action TEXT,
      target TEXT,
      ip TEXT,
      user_agent TEXT,
      details_json TEXT,
      CONSTRAINT audit_row_shape CHECK (
        (kind = 'outcome' AND refers_to IS NOT NULL AND status IS NOT NULL)
        OR (kind = 'intent' AND refers_to IS NULL AND status IS NULL AND staff IS NOT NULL)
        OR (kind = 'entry' AND refers_to IS NULL AND status IS NOT NULL AND staff IS NOT NULL)
        OR (kind = 'admin' AND refers_to IS NULL AND staff IS NOT NULL AND action IS NOT NULL)
        OR (kind = 'repair' AND refers_to IS NULL AND target IS NOT NULL AND details_json IS NOT NULL)
      )
    )`.execute(db);
    const columns = sql.raw(
      'seq, id, kind, refers_to, at, staff, chat_user, conversation_type, conversation_id, requested_json, before_json, after_json, status, upstream_code, message, reason, request_id, revert_of, prev_hash, hash',
    );
    await sql`INSERT INTO audit (${columns}) SELECT ${columns} FROM audit_0003 ORDER BY seq`.execute(db);
    await sql`DROP TABLE audit_0003`.execute(db);
    const highest = sequence.rows[0]?.seq;
    if (highest !== undefined) {
      await sql`DELETE FROM sqlite_sequence WHERE name = 'audit'`.execute(db);
      await sql`INSERT INTO sqlite_sequence (name, seq) VALUES ('audit', ${highest})`.execute(db);
    }
    await sql`CREATE UNIQUE INDEX audit_outcome_of ON audit (refers_to) WHERE refers_to IS NOT NULL`.execute(db);
    await sql`CREATE INDEX audit_by_chat_user ON audit (chat_user, seq) WHERE chat_user IS NOT NULL`.execute(db);
    await sql`CREATE INDEX audit_by_staff ON audit (staff, seq) WHERE staff IS NOT NULL`.execute(db);
    await sql`CREATE INDEX audit_by_conversation ON audit (conversation_id, conversation_type, seq) WHERE conversation_id IS NOT NULL`.execute(db);
    await sql`CREATE INDEX audit_by_revert_of ON audit (revert_of) WHERE revert_of IS NOT NULL`.execute(db);
    // Admin activity is a trickle beside millions of mark rows: its own index, newest first.
    await sql`CREATE INDEX audit_admin ON audit (seq) WHERE kind = 'admin'`.execute(db);
    await sql`CREATE INDEX audit_repairs ON audit (seq) WHERE kind = 'repair'`.execute(db);
    await sql`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
              BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`.execute(db);
    await sql`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
              BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`.execute(db);
    await sql`CREATE TABLE audit_chain (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      keyed_from INTEGER NOT NULL,
      mac TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
              BEGIN SELECT RAISE(ABORT, 'the audit chain record is written once'); END`.execute(db);
    await sql`CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
              BEGIN SELECT RAISE(ABORT, 'the audit chain record is written once'); END`.execute(db);
  },
};

// Label versions: one row that says which version of the custom-bit labels is current, who saved
// it and when. Every successful replace bumps the version inside the same transaction that
// replaces the labels, so a save can insist on the version it was based on (compare-and-swap) and
// two admins saving at once cannot silently overwrite each other. Existing labels start at
// version 1 with nobody named; an empty table starts at version 0.
const labelVersions: Migration = {
  async up(db: AnyDb) {
    await sql`CREATE TABLE mark_labels_version (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      version INTEGER NOT NULL CHECK (version >= 0),
      updated_by TEXT,
      updated_at TEXT
    )`.execute(db);
    await sql`INSERT INTO mark_labels_version (id, version, updated_by, updated_at)
              VALUES (1, CASE WHEN EXISTS (SELECT 1 FROM mark_labels) THEN 1 ELSE 0 END, NULL, NULL)`.execute(db);
  },
};

// What a job's check read in Chat before anything was written: one row per line that falls under
// an impact kind (a line may fall under more than one), with the state found, so the impact CSVs
// can be served later. And where a job came from: an uploaded file, the rollback of a job or the
// failed rows of a job (kind, source_job_id). An index on the audit request id finds a bulk line's
// entry (request id job:{id}:line:{n}) when a job is rolled back.
const jobChecks: Migration = {
  async up(db: AnyDb) {
    await sql`CREATE TABLE job_checks (
      job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
      kind TEXT NOT NULL CHECK (kind IN ('overwritesCustomMark', 'alreadyInState', 'wouldExceedCap', 'notImported')),
      line INTEGER NOT NULL,
      found_json TEXT,
      PRIMARY KEY (job_id, kind, line)
    ) WITHOUT ROWID`.execute(db);
    await sql`ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'upload' CHECK (kind IN ('upload', 'rollback', 'retry'))`.execute(db);
    await sql`ALTER TABLE jobs ADD COLUMN source_job_id TEXT`.execute(db);
    await sql`ALTER TABLE jobs ADD COLUMN impact_checked_at TEXT`.execute(db);
    await sql`CREATE INDEX audit_by_request_id ON audit (request_id) WHERE request_id IS NOT NULL`.execute(db);
  },
};

// Conversation group changes are audit intent/outcome/entry rows with an action (group.create …,
// store/group-audit.ts). Beside millions of mark rows they are a trickle: their own partial index
// lists a user's group changes, and finds the ones left unknown, without walking the mark rows.
const conversationGroups: Migration = {
  async up(db: AnyDb) {
    await sql`CREATE INDEX audit_group_changes ON audit (chat_user, seq)
              WHERE kind IN ('intent', 'entry') AND action IS NOT NULL AND action LIKE 'group.%'`.execute(db);
  },
};

// Identity: where a staff account comes from (a local password, or just-in-time from the identity
// provider), the break-glass flag (a local account that still signs in with a password when local
// sign-in is off), TOTP (its secret sealed with a key derived from the audit key, so the database
// alone does not hold it; a pending secret while enrolment is unconfirmed; the last time step used,
// so one code cannot be used twice) and the code throttle's own counters. Recovery codes are kept
// only as keyed hashes. A session records how and when its person last authenticated strongly
// (step-up), and for an SSO session the sealed refresh token and when the provider was last asked.
// A sign-in in progress (password accepted, second factor or enrolment outstanding; or an OIDC
// round trip) lives in auth_flows, named by the hash of a cookie-borne id.
const identity: Migration = {
  async up(db: AnyDb) {
    await sql`ALTER TABLE staff ADD COLUMN source TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'sso'))`.execute(db);
    await sql`ALTER TABLE staff ADD COLUMN break_glass INTEGER NOT NULL DEFAULT 0 CHECK (break_glass IN (0, 1))`.execute(db);
    await sql`ALTER TABLE staff ADD COLUMN sso_subject TEXT`.execute(db);
    await sql`ALTER TABLE staff ADD COLUMN totp_secret TEXT`.execute(db);
    await sql`ALTER TABLE staff ADD COLUMN totp_pending_secret TEXT`.execute(db);
    await sql`ALTER TABLE staff ADD COLUMN totp_last_step INTEGER`.execute(db);
    await sql`ALTER TABLE staff ADD COLUMN mfa_failures INTEGER NOT NULL DEFAULT 0`.execute(db);
    await sql`ALTER TABLE staff ADD COLUMN mfa_locked_until TEXT`.execute(db);
    await sql`CREATE UNIQUE INDEX staff_by_sso_subject ON staff (sso_subject) WHERE sso_subject IS NOT NULL`.execute(db);
    await sql`CREATE TABLE recovery_codes (
      username TEXT NOT NULL REFERENCES staff (username) ON DELETE CASCADE,
      code_hash TEXT NOT NULL,
      used_at TEXT,
      PRIMARY KEY (username, code_hash)
    ) WITHOUT ROWID`.execute(db);
    await sql`ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password' CHECK (method IN ('password', 'totp', 'sso'))`.execute(db);
    await sql`ALTER TABLE sessions ADD COLUMN auth_at TEXT`.execute(db);
    await sql`ALTER TABLE sessions ADD COLUMN refresh_token TEXT`.execute(db);
    await sql`ALTER TABLE sessions ADD COLUMN idp_checked_at TEXT`.execute(db);
    await sql`UPDATE sessions SET auth_at = created_at`.execute(db);
    await sql`CREATE TABLE auth_flows (
      id_hash TEXT PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('mfa', 'enrol', 'oidc')),
      username TEXT,
      session_hash TEXT,
      data_json TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`.execute(db);
    // Why a session ended, kept briefly so the sign-in page can say so (keyed by the session's hash).
    await sql`CREATE TABLE ended_sessions (
      id_hash TEXT PRIMARY KEY,
      reason TEXT NOT NULL CHECK (reason IN ('revoked', 'role_removed', 'expired')),
      ended_at TEXT NOT NULL
    )`.execute(db);
  },
};

// Bulk lines stored in the order a job works on them. A job takes one chat user's pending lines at a
// time and settles them together; keyed by (job, line), a file in random row order scatters each
// user's lines over the whole table, so every group commit rewrote (and logged to the WAL) a page
// per line, and taking a chunk read one. Keyed by (job, chat user, line) a chunk's lines share a
// few pages. The key needs a value on invalid lines too (they have no chat user): `cluster` is the
// chat user, '' when there is none, and only the store reads it. A unique index keeps lookups by
// line. The table is rebuilt from its own definition, so columns and indexes added by earlier
// migrations come along as they are.
const bulkIndexes: Migration = {
  async up(db: AnyDb) {
    const table = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'job_rows'`.execute(db);
    const indexes = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job_rows' AND sql IS NOT NULL`.execute(db);
    const columns = (await sql<{ name: string }>`SELECT name FROM pragma_table_info('job_rows')`.execute(db)).rows.map((row) => `"${row.name}"`).join(', ');
    const definition = table.rows[0]!.sql;
    const key = /PRIMARY KEY \(job_id, line\)/;
    if (!key.test(definition)) throw new Error('job_rows does not have the primary key this migration expects');
    const rebuilt = definition
      .replace(/^CREATE TABLE job_rows \(/, `CREATE TABLE job_rows_0012 (\n      cluster TEXT NOT NULL,`)
      .replace(key, 'PRIMARY KEY (job_id, cluster, line)');
    await sql.raw(rebuilt).execute(db);
    await sql.raw(`INSERT INTO job_rows_0012 (cluster, ${columns}) SELECT COALESCE(chat_user, ''), ${columns} FROM job_rows`).execute(db);
    await sql`DROP TABLE job_rows`.execute(db);
    await sql`ALTER TABLE job_rows_0012 RENAME TO job_rows`.execute(db);
    for (const { sql: index } of indexes.rows) await sql.raw(index).execute(db);
    await sql`CREATE UNIQUE INDEX job_rows_by_line ON job_rows (job_id, line)`.execute(db);
  },
};

// Insights: surveys (read-only jobs that read many Chat users' marks) with one row per surveyed
// user, so progress survives a restart and the per-user CSV and comparisons can be served later;
// and the effect measurements of finished bulk jobs, kept with the job.
const insights: Migration = {
  async up(db: AnyDb) {
    await sql`CREATE TABLE surveys (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      label TEXT NOT NULL DEFAULT '',
      state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'done', 'cancelled', 'failed')),
      source_json TEXT NOT NULL,
      include_recent INTEGER NOT NULL CHECK (include_recent IN (0, 1)),
      total INTEGER NOT NULL,
      done INTEGER NOT NULL DEFAULT 0,
      failed INTEGER NOT NULL DEFAULT 0,
      created_by TEXT NOT NULL,
      created_at TEXT NOT NULL,
      finished_at TEXT,
      message TEXT,
      results_json TEXT
    )`.execute(db);
    await sql`CREATE TABLE survey_users (
      survey_id TEXT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      user_id TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'read', 'failed')),
      result_json TEXT,
      PRIMARY KEY (survey_id, position)
    ) WITHOUT ROWID`.execute(db);
    await sql`CREATE INDEX survey_users_pending ON survey_users (survey_id, position) WHERE state = 'pending'`.execute(db);
    await sql`CREATE TABLE job_effects (
      id INTEGER PRIMARY KEY,
      job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
      measured_at TEXT NOT NULL,
      result_json TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX job_effects_by_job ON job_effects (job_id, id)`.execute(db);
    // Activity over time reads mark entries by time.
    await sql`CREATE INDEX audit_marks_by_at ON audit (at) WHERE kind IN ('intent', 'entry')`.execute(db);
  },
};

// History search. A contentless FTS5 table with the trigram tokenizer indexes, for each mark entry
// (intent or one-shot entry, by its seq), the chat user, the conversation ID, the staff name and the
// reason: any run of three or more characters is found through the index, case-insensitively and
// in any script (Chinese and Korean have no spaces to split words on, so a word tokenizer would not
// do). Shorter search terms are matched by a scan. The audit table is append-only, so an insert
// trigger is all it takes to keep the index whole; rows already there are indexed once here.
const historySearch: Migration = {
  async up(db: AnyDb) {
    await sql`CREATE VIRTUAL TABLE audit_search USING fts5(chat_user, conversation_id, staff, reason, content='', tokenize='trigram')`.execute(db);
    await sql`INSERT INTO audit_search (rowid, chat_user, conversation_id, staff, reason)
              SELECT seq, chat_user, conversation_id, staff, reason FROM audit WHERE kind IN ('intent', 'entry')`.execute(db);
    await sql`CREATE TRIGGER audit_search_index AFTER INSERT ON audit WHEN new.kind IN ('intent', 'entry')
              BEGIN
                INSERT INTO audit_search (rowid, chat_user, conversation_id, staff, reason)
                VALUES (new.seq, new.chat_user, new.conversation_id, new.staff, new.reason);
              END`.execute(db);
    // The language each person chose, so it follows them to another browser (null: not chosen yet).
    await sql`CREATE TABLE staff_preferences (
      username TEXT PRIMARY KEY REFERENCES staff (username) ON DELETE CASCADE,
      language TEXT CHECK (language IN ('en', 'ko', 'zh-CN'))
    ) WITHOUT ROWID`.execute(db);
  },
};

// History search without indexing every row's text. 0011 tokenised the chat user, conversation ID,
// staff name and reason of every mark entry into trigrams — about 60 index entries a row, most of
// them the same reason and staff repeated over each line of a bulk job. Now each distinct value is
// indexed once: `audit_terms` holds the distinct (field, value) pairs of mark entries, a contentless
// FTS5 trigram table indexes those values (one column per field, as before), and a search matches
// the values first, then finds their entries through the equality indexes on audit (chat user,
// conversation, staff and, new here, reason). The code that appends audit rows (audit-chain.ts)
// adds a value the first time it appears, once per distinct value of a batch, in the same
// transaction; a trigger on audit cost as much per row as the trigrams did. The trigram table of
// 0011 and its trigger go; the values already in the log are collected here.
const bulkLedger: Migration = {
  async up(db: AnyDb) {
    await sql`DROP TRIGGER IF EXISTS audit_search_index`.execute(db);
    await sql`DROP TABLE IF EXISTS audit_search`.execute(db);
    await sql`CREATE TABLE audit_terms (
      id INTEGER PRIMARY KEY,
      field TEXT NOT NULL CHECK (field IN ('chat_user', 'conversation_id', 'staff', 'reason')),
      value TEXT NOT NULL,
      UNIQUE (field, value)
    )`.execute(db);
    await sql`CREATE VIRTUAL TABLE audit_terms_search USING fts5(chat_user, conversation_id, staff, reason, content='', tokenize='trigram')`.execute(db);
    await sql`CREATE TRIGGER audit_terms_search_index AFTER INSERT ON audit_terms
              BEGIN
                INSERT INTO audit_terms_search (rowid, chat_user, conversation_id, staff, reason)
                VALUES (new.id,
                        CASE new.field WHEN 'chat_user' THEN new.value END,
                        CASE new.field WHEN 'conversation_id' THEN new.value END,
                        CASE new.field WHEN 'staff' THEN new.value END,
                        CASE new.field WHEN 'reason' THEN new.value END);
              END`.execute(db);
    for (const field of ['chat_user', 'conversation_id', 'staff', 'reason']) {
      await sql`INSERT OR IGNORE INTO audit_terms (field, value)
                SELECT DISTINCT ${field}, ${sql.ref(field)} FROM audit WHERE kind IN ('intent', 'entry') AND ${sql.ref(field)} IS NOT NULL`.execute(db);
    }
    // A search on the reason finds its entries here, newest first. A bulk job's lines share one
    // reason, so they are appended side by side.
    await sql`CREATE INDEX audit_by_reason ON audit (reason, seq) WHERE reason IS NOT NULL`.execute(db);
  },
};

export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_jobs': jobs,
  '0003_job_writes': jobWrites,
  '0004_keyed_chain': keyedChain,
  '0005_label_versions': labelVersions,
  '0007_job_row_guards': jobRowGuards,
  '0008_job_checks': jobChecks,
  '0009_identity': identity,
  '0010_insights': insights,
  '0011_history_search': historySearch,
  '0012_bulk_indexes': bulkIndexes,
  '0013_conversation_groups': conversationGroups,
  '0014_bulk_ledger': bulkLedger,
};
