import type { Migration } from 'kysely';
import type { AnyDb } from './any-db';

// Two columns of job_rows unused since 0003_job_writes go: `audit_id` (a line's audit entry is the
// one carrying its request id) and `attempts` (attempts are counted in memory, per run). Neither is
// in an index, a key or a check, so they are dropped in place.
export const dropDeadJobFields: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('job_rows').dropColumn('audit_id').execute();
    await db.schema.alterTable('job_rows').dropColumn('attempts').execute();
  },
};
