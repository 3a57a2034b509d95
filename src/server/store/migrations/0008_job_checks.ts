import { type Migration, sql } from 'kysely';
import type { AnyDb } from './any-db';

// What a job's check read in Chat before anything was written: one row per line that falls under
// an impact kind (a line may fall under more than one), with the state found, so the impact CSVs
// can be served later. And where a job came from: an uploaded file, the rollback of a job or the
// failed rows of a job (kind, source_job_id). An index on the audit request id finds a bulk line's
// entry (request id job:{id}:line:{n}) when a job is rolled back.
export const jobChecks: Migration = {
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
