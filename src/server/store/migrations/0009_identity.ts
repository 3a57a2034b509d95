import { type Migration, sql } from 'kysely';
import type { AnyDb } from './any-db';

// Identity: where a staff account comes from (a local password, or just-in-time from the identity
// provider), the break-glass flag (a local account that still signs in with a password when local
// sign-in is off), TOTP (its secret sealed with a key derived from the audit key, so the database
// alone does not hold it; a pending secret while enrolment is unconfirmed; the last time step used,
// so one code cannot be used twice) and the code throttle's own counters. Recovery codes are kept
// only as keyed hashes. A session records how and when its person last authenticated strongly
// (step-up), and for an SSO session the sealed refresh token and when the provider was last asked.
// A sign-in in progress (password accepted, second factor or enrolment outstanding; or an OIDC
// round trip) lives in auth_flows, named by the hash of a cookie-borne id.
export const identity: Migration = {
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
