// 0012_bulk_indexes: job_rows rebuilt, keyed by (job, chat user, line), with every line kept as it was.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, type Database } from './database';
import { migrations } from './migrations';

const before = (name: string) => name < '0012_bulk_indexes';

describe('migration 0012_bulk_indexes', () => {
  it('keeps every line, its columns and the job_rows indexes, and stores lines by chat user', async () => {
    const sqlite = new BetterSqlite3(':memory:');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    const older = Object.fromEntries(Object.entries(migrations).filter(([name]) => before(name)));
    const migrator = new Migrator({ db, provider: { getMigrations: async (): Promise<Record<string, Migration>> => older } });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    sqlite.prepare(`INSERT INTO jobs (id, state, created_by, created_at) VALUES ('j', 'running', 'editor', '2026-01-01T00:00:00.000Z')`).run();
    const insert = sqlite.prepare(
      `INSERT INTO job_rows (job_id, line, input_json, status, chat_user, conversation_type, conversation_id, change_json, guard_json, revert_of, message, upstream_code)
       VALUES ('j', ?, '[]', ?, ?, ?, ?, ?, NULL, NULL, ?, ?)`,
    );
    insert.run(2, 'pending', 'user.b', 'c2c', 'x', '{"setBits":[1],"clearBits":[]}', null, null);
    insert.run(3, 'failed', 'user.a', 'c2c', 'y', '{"setBits":[1],"clearBits":[]}', 'full', 51008);
    insert.run(4, 'invalid', null, null, null, null, 'Bit 5 is reserved.', null);
    insert.run(5, 'pending', 'user.a', 'group', '@TGS#1', '{"setBits":[2],"clearBits":[]}', null, null);
    const lines = () => sqlite.prepare(`SELECT line, status, chat_user, conversation_id, message, upstream_code FROM job_rows ORDER BY line`).all();
    const kept = lines();

    await migrateToLatest(db);
    expect(lines()).toEqual(kept);
    // Keyed (and so stored) by job, chat user ('' for an invalid line), line.
    expect(sqlite.prepare(`SELECT name FROM pragma_table_info('job_rows') WHERE pk > 0 ORDER BY pk`).all()).toEqual([{ name: 'job_id' }, { name: 'cluster' }, { name: 'line' }]);
    expect(sqlite.prepare(`SELECT cluster FROM job_rows ORDER BY line`).all()).toEqual([{ cluster: 'user.b' }, { cluster: 'user.a' }, { cluster: '' }, { cluster: 'user.a' }]);
    const indexes = (sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job_rows' AND sql IS NOT NULL ORDER BY name`).all() as { name: string }[]).map((row) => row.name);
    expect(indexes).toEqual(['job_rows_by_line', 'job_rows_pending']);
    // A line number is still unique within a job.
    const insertKeyed = sqlite.prepare(`INSERT INTO job_rows (job_id, cluster, line, input_json, status) VALUES ('j', ?, ?, '[]', 'invalid')`);
    expect(() => insertKeyed.run('user.c', 5)).toThrow(/UNIQUE/);
    // Every line says where it is stored.
    expect(() => insert.run(6, 'pending', 'user.c', 'c2c', 'z', '{}', null, null)).toThrow(/NOT NULL/);
    // Deleting a job still takes its lines with it.
    sqlite.prepare(`DELETE FROM jobs WHERE id = 'j'`).run();
    expect(lines()).toEqual([]);
    await db.destroy();
  });
});
