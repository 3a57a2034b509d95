import { type Migration, sql } from 'kysely';
import type { AnyDb } from './any-db';

// Bulk lines stored in the order a job works on them. A job takes one chat user's pending lines at a
// time and settles them together; keyed by (job, line), a file in random row order scatters each
// user's lines over the whole table, so every group commit rewrote (and logged to the WAL) a page
// per line, and taking a chunk read one. Keyed by (job, chat user, line) a chunk's lines share a
// few pages. The key needs a value on invalid lines too (they have no chat user): `cluster` is the
// chat user, '' when there is none, and only the store reads it. A unique index keeps lookups by
// line. The table is rebuilt from its own definition, so columns and indexes added by earlier
// migrations come along as they are.
export const bulkIndexes: Migration = {
  async up(db: AnyDb) {
    const table = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'job_rows'`.execute(db);
    const indexes = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job_rows' AND sql IS NOT NULL`.execute(db);
    const columns = (await sql<{ name: string }>`SELECT name FROM pragma_table_info('job_rows')`.execute(db)).rows.map((row) => `"${row.name}"`).join(', ');
    const definition = table.rows[0]!.sql;
    const key = /PRIMARY KEY \(job_id, line\)/;
    if (!key.test(definition)) throw new Error('job_rows does not have the primary key this migration expects');
    const rebuilt = definition
      .replace(/^CREATE TABLE job_rows \(/, `CREATE TABLE job_rows_0012 (\n      cluster TEXT NOT NULL,`)
      .replace(key, 'PRIMARY KEY (job_id, cluster, line)');
    await sql.raw(rebuilt).execute(db);
    await sql.raw(`INSERT INTO job_rows_0012 (cluster, ${columns}) SELECT COALESCE(chat_user, ''), ${columns} FROM job_rows`).execute(db);
    await sql`DROP TABLE job_rows`.execute(db);
    await sql`ALTER TABLE job_rows_0012 RENAME TO job_rows`.execute(db);
    for (const { sql: index } of indexes.rows) await sql.raw(index).execute(db);
    await sql`CREATE UNIQUE INDEX job_rows_by_line ON job_rows (job_id, line)`.execute(db);
  },
};
