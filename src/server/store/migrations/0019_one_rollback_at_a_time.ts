import { sql, type Migration } from 'kysely';
import type { AnyDb } from './any-db';

// At most one rollback of a job under way at a time, whichever instance was asked: two people
// clicking Roll back on two instances both passed the check that read the jobs table, and two jobs
// wrote the same inverse. The second rollback's insert now fails on this index, and the route
// answers 409 (routes/job-follow-ups.ts). The states are those of a job not yet finished.
export const oneRollbackAtATime: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createIndex('jobs_one_active_rollback')
      .on('jobs')
      .column('source_job_id')
      .unique()
      .where(sql.ref('kind'), '=', sql.lit('rollback'))
      .where(sql.ref('state'), 'in', sql`(${sql.join(['uploading', 'checked', 'running', 'paused'].map((state) => sql.lit(state)))})`)
      .execute();
  },
};
