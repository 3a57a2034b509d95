// 0015_drop_dead_job_fields: job_rows loses audit_id and attempts, and keeps every line, its key and indexes.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, type Database } from './database';
import { migrations } from './migrations';

describe('migration 0015_drop_dead_job_fields', () => {
  it('drops the two unused columns and keeps every line as it was', async () => {
    const sqlite = new BetterSqlite3(':memory:');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    const older = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0015_drop_dead_job_fields'));
    const migrator = new Migrator({ db, provider: { getMigrations: async (): Promise<Record<string, Migration>> => older } });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    sqlite.prepare(`INSERT INTO jobs (id, state, created_by, created_at) VALUES ('j', 'running', 'editor', '2026-01-01T00:00:00.000Z')`).run();
    const insert = sqlite.prepare(
      `INSERT INTO job_rows (job_id, cluster, line, input_json, status, chat_user, conversation_type, conversation_id, change_json, audit_id, attempts, message)
       VALUES ('j', ?, ?, '[]', ?, ?, 'c2c', ?, ?, ?, ?, ?)`,
    );
    insert.run('user.a', 2, 'pending', 'user.a', 'x', '{"setBits":[1],"clearBits":[]}', null, 0, null);
    insert.run('user.a', 3, 'failed', 'user.a', 'y', '{"setBits":[1],"clearBits":[]}', 'old-entry', 2, 'full');
    const columns = () => (sqlite.prepare(`SELECT name FROM pragma_table_info('job_rows') ORDER BY cid`).all() as { name: string }[]).map((row) => row.name);
    const lines = () => sqlite.prepare(`SELECT job_id, cluster, line, status, chat_user, conversation_id, change_json, message FROM job_rows ORDER BY line`).all();
    const indexes = () => sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job_rows' ORDER BY name`).all();
    const kept = { lines: lines(), indexes: indexes(), columns: columns().filter((name) => name !== 'audit_id' && name !== 'attempts') };
    expect(columns()).toEqual(expect.arrayContaining(['audit_id', 'attempts']));

    await migrateToLatest(db);
    expect(columns()).toEqual(kept.columns);
    expect(lines()).toEqual(kept.lines);
    expect(indexes()).toEqual(kept.indexes);
    expect(sqlite.prepare(`SELECT name FROM pragma_table_info('job_rows') WHERE pk > 0 ORDER BY pk`).all()).toEqual([{ name: 'job_id' }, { name: 'cluster' }, { name: 'line' }]);
    await db.destroy();
  });
});
