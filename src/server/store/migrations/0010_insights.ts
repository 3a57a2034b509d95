import { type Migration, sql } from 'kysely';
import type { AnyDb } from './any-db';

// Insights: surveys (read-only jobs that read many Chat users' marks) with one row per surveyed
// user, so progress survives a restart and the per-user CSV and comparisons can be served later;
// and the effect measurements of finished bulk jobs, kept with the job.
export const insights: Migration = {
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
