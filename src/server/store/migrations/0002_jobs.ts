import { type Migration, sql } from 'kysely';
import type { AnyDb } from './any-db';

// Bulk jobs (uploaded CSV files): one row per job, one row per CSV data line. A line's status moves
// pending → claimed (taken by the runner, in memory or lost in a crash) → a final status; its audit
// entry is linked once known, so a restart can tell what was already confirmed.
export const jobs: Migration = {
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
