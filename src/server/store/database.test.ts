import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedStatement, DATABASE_FILE_NAME, migrateToLatest, openDatabase, relaxedTransaction, selectSync, type Store } from './database';
import { migrations } from './migrations';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'markdesk-db-'));
  dirs.push(dir);
  return join(dir, 'nested', DATABASE_FILE_NAME);
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const pragma = (store: Store, name: string): unknown => store.sqlite.pragma(name, { simple: true });

describe('openDatabase', () => {
  it('creates the schema in memory with foreign keys and a busy timeout', async () => {
    const store = await openDatabase({ file: ':memory:' });
    const tables = (store.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['staff', 'sessions', 'audit', 'mark_labels']));
    expect(pragma(store, 'foreign_keys')).toBe(1);
    expect(pragma(store, 'busy_timeout')).toBeGreaterThan(0);
    await store.close();
  });

  it('uses WAL on a file, creates its folder, and reopening applies no migration twice and keeps data', async () => {
    const file = tempFile();
    const first = await openDatabase({ file });
    expect(pragma(first, 'journal_mode')).toBe('wal');
    await first.db.insertInto('mark_labels').values({ bit: 40, name: 'VIP', description: '' }).execute();
    await first.close();

    const second = await openDatabase({ file });
    expect(await migrateToLatest(second.db)).toEqual([]);
    const applied = await second.db.selectFrom('kysely_migration' as never).selectAll().execute();
    expect(applied).toHaveLength(Object.keys(migrations).length);
    expect(await second.db.selectFrom('mark_labels').select('name').execute()).toEqual([{ name: 'VIP' }]);
    await second.close();
  });

  it('lets a second connection (the staff CLI beside a running server) open and write the same file', async () => {
    const file = tempFile();
    // One after the other: in a single thread, a connection waiting on busy_timeout would block the
    // very thread that has to finish the other's transaction (across processes it simply waits).
    const server = await openDatabase({ file });
    const cli = await openDatabase({ file });
    await cli.db.insertInto('mark_labels').values({ bit: 33, name: 'From CLI', description: '' }).execute();
    await server.db.insertInto('mark_labels').values({ bit: 34, name: 'From server', description: '' }).execute();
    expect((await server.db.selectFrom('mark_labels').select('bit').orderBy('bit').execute()).map((r) => r.bit)).toEqual([33, 34]);
    await Promise.all([server.close(), cli.close()]);
  });
});

describe('statements and commits', () => {
  it('reuses a prepared statement for the same SQL, but never one still iterating', async () => {
    const store = await openDatabase({ file: tempFile() });
    const text = 'SELECT bit FROM mark_labels ORDER BY bit';
    const first = cachedStatement(store.sqlite, text);
    expect(cachedStatement(store.sqlite, text)).toBe(first);
    await store.db.insertInto('mark_labels').values([{ bit: 32, name: 'A', description: '' }, { bit: 33, name: 'B', description: '' }]).execute();
    const rows = first.iterate();
    rows.next();
    const meanwhile = cachedStatement(store.sqlite, text);
    expect(meanwhile).not.toBe(first);
    expect(meanwhile.all()).toEqual([{ bit: 32 }, { bit: 33 }]);
    rows.return?.();
    // Kysely's queries and selectSync go through the same statements and see the same data.
    expect(selectSync(store, store.db.selectFrom('mark_labels').select('bit').orderBy('bit'))).toEqual([{ bit: 32 }, { bit: 33 }]);
    expect((await store.db.selectFrom('mark_labels').select('bit').orderBy('bit').execute()).map((row) => row.bit)).toEqual([32, 33]);
    await store.close();
  });

  it('commits a relaxed transaction at synchronous NORMAL and leaves the connection at FULL', async () => {
    const store = await openDatabase({ file: tempFile() });
    const seen = await relaxedTransaction(store, (sqlite) => {
      sqlite.prepare(`INSERT INTO mark_labels (bit, name, description) VALUES (40, 'X', '')`).run();
      return sqlite.pragma('synchronous', { simple: true });
    });
    expect(seen).toBe(1); // NORMAL
    expect(pragma(store, 'synchronous')).toBe(2); // FULL
    await expect(
      relaxedTransaction(store, () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(pragma(store, 'synchronous')).toBe(2);
    await store.close();
  });
});
