import type { Migration } from 'kysely';
import type { AnyDb } from './any-db';

// Sign-in throttling shared by every instance on one database (auth/login-throttle.ts), until now
// kept in each process's memory:
// - login_ip_attempts: the places held in a client address's sliding window (the address as IPv4,
//   or its IPv6 /64), one row each, named so that a successful sign-in gives its own place back.
//   Taking a place deletes that address's attempts that left the window; a periodic sweep deletes
//   those of addresses not seen since (by time).
// - login_unknown_names: failures and the wait for names without an account, kept like
//   staff.failed_logins / locked_until so that being throttled does not tell whether a name exists;
//   swept a while after their last failure. The name is kept as a keyed hash only: what someone
//   typed as a user name may be a password typed into the wrong field.
// Times are milliseconds since the epoch (bigint). Only Kysely's portable schema builder: this file
// also runs on PostgreSQL.
export const loginThrottle: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('login_ip_attempts')
      .addColumn('attempt_id', 'text', (column) => column.primaryKey().notNull())
      .addColumn('ip_key', 'text', (column) => column.notNull())
      .addColumn('at_ms', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('login_ip_attempts_by_key').on('login_ip_attempts').columns(['ip_key', 'at_ms']).execute();
    await db.schema.createIndex('login_ip_attempts_by_time').on('login_ip_attempts').column('at_ms').execute();

    await db.schema
      .createTable('login_unknown_names')
      .addColumn('name_hash', 'text', (column) => column.primaryKey().notNull())
      .addColumn('failures', 'integer', (column) => column.notNull())
      .addColumn('locked_until_ms', 'bigint', (column) => column.notNull())
      .addColumn('last_failure_ms', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('login_unknown_names_by_last_failure').on('login_unknown_names').column('last_failure_ms').execute();
  },
};
