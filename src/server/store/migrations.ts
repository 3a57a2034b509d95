import type { Migration } from 'kysely';
import { POSTGRES_BASELINE_NAME, postgresBaseline } from './postgres/baseline';
import { initial } from './migrations/0001_initial';
import { jobs } from './migrations/0002_jobs';
import { jobWrites } from './migrations/0003_job_writes';
import { keyedChain } from './migrations/0004_keyed_chain';
import { labelVersions } from './migrations/0005_label_versions';
import { jobRowGuards } from './migrations/0007_job_row_guards';
import { jobChecks } from './migrations/0008_job_checks';
import { identity } from './migrations/0009_identity';
import { insights } from './migrations/0010_insights';
import { historySearch } from './migrations/0011_history_search';
import { bulkIndexes } from './migrations/0012_bulk_indexes';
import { conversationGroups } from './migrations/0013_conversation_groups';
import { bulkLedger } from './migrations/0014_bulk_ledger';
import { dropDeadJobFields } from './migrations/0015_drop_dead_job_fields';
import { markWritesInFlight } from './migrations/0016_mark_writes_in_flight';
import { jobLeases } from './migrations/0017_job_leases';
import { loginThrottle } from './migrations/0018_login_throttle';
import { oneRollbackAtATime } from './migrations/0019_one_rollback_at_a_time';
import { exclusiveEnds } from './migrations/0020_exclusive_ends';

// Versioned schema changes, applied in name order by Kysely's Migrator, one file each in
// migrations/. Never edit a migration that has shipped: add the next one. Each runs inside one
// transaction (BEGIN IMMEDIATE on SQLite). From 0017 on, migrations run on both engines, so they
// use Kysely's portable schema builder only; PostgreSQL starts from a baseline equal to 0016.
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
  '0015_drop_dead_job_fields': dropDeadJobFields,
  '0016_mark_writes_in_flight': markWritesInFlight,
  '0017_job_leases': jobLeases,
  '0018_login_throttle': loginThrottle,
  '0019_one_rollback_at_a_time': oneRollbackAtATime,
  '0020_exclusive_ends': exclusiveEnds,
};

/** PostgreSQL's migrations: the baseline in place of SQLite's first ones, then the shared ones after it. */
export const postgresMigrations: Record<string, Migration> = {
  [POSTGRES_BASELINE_NAME]: postgresBaseline,
  ...Object.fromEntries(Object.entries(migrations).filter(([name]) => name > POSTGRES_BASELINE_NAME)),
};
