import { type Migration, sql } from 'kysely';
import type { AnyDb } from './any-db';

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
export const keyedChain: Migration = {
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
