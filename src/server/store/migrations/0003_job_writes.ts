import { type Migration, sql } from 'kysely';
import type { AnyDb } from './any-db';

// A bulk job announces each mark_contact call before sending it: one row per call (up to 100
// lines) naming its lines and the state read before each. It replaces a `claimed` status and an
// audit intent per line — each line now gets its one audit entry once its outcome is known — and
// is deleted with the commit that records those outcomes. Whatever is left after a crash names the
// calls whose answers were lost. Lines left `claimed` by the earlier scheme (a job interrupted
// under it) go back to pending: writes are deltas, so reading and sending them again is safe. Their
// open intents stay in the log as `unknown` (the log is append-only) and each such line gets its
// entry when it is settled.
export const jobWrites: Migration = {
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
