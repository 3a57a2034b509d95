import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedStatement, DATABASE_FILE_NAME, NestedTransactionError, openDatabase, type Store } from './database';
import { migrations } from './migrations';
import { runStatement, selectRow } from './sql';
import { createGate } from '../testing/gate';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'markdesk-db-'));
  dirs.push(dir);
  return join(dir, 'nested', DATABASE_FILE_NAME);
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const pragma = async (db: Store['read'], name: string): Promise<unknown> => Object.values((await selectRow<Record<string, unknown>>(db, `PRAGMA ${name}`))!)[0];
const labelBits = async (store: Store) => (await store.read.selectFrom('mark_labels').select('bit').orderBy('bit').execute()).map((row) => row.bit);
const addLabel = (store: Store, bit: number, name = `L${bit}`) => store.write((tx) => tx.insertInto('mark_labels').values({ bit, name, description: '' }).execute());

describe('openDatabase', () => {
  it('creates the schema in memory with foreign keys and a busy timeout', async () => {
    const store = await openDatabase({ file: ':memory:' });
    const tables = (await store.read.selectFrom('sqlite_master' as never).select('name' as never).where('type' as never, '=', 'table' as never).execute()).map(
      (row) => (row as { name: string }).name,
    );
    expect(tables).toEqual(expect.arrayContaining(['staff', 'sessions', 'audit', 'mark_labels']));
    expect(await pragma(store.read, 'foreign_keys')).toBe(1);
    expect(await pragma(store.read, 'busy_timeout')).toBeGreaterThan(0);
    await store.close();
  });

  it('uses WAL on a file, creates its folder, and reopening applies no migration twice and keeps data', async () => {
    const file = tempFile();
    const first = await openDatabase({ file });
    expect(await pragma(first.read, 'journal_mode')).toBe('wal');
    await addLabel(first, 40, 'VIP');
    await first.close();

    const second = await openDatabase({ file });
    const applied = await second.read.selectFrom('kysely_migration' as never).selectAll().execute();
    expect(applied).toHaveLength(Object.keys(migrations).length);
    expect(await second.read.selectFrom('mark_labels').select('name').execute()).toEqual([{ name: 'VIP' }]);
    await second.close();
  });

  it('lets a second connection (the staff CLI beside a running server) open and write the same file', async () => {
    const file = tempFile();
    // One after the other: in a single thread, a connection waiting on busy_timeout would block the
    // very thread that has to finish the other's transaction (across processes it simply waits).
    const server = await openDatabase({ file });
    const cli = await openDatabase({ file });
    await addLabel(cli, 33, 'From CLI');
    await addLabel(server, 34, 'From server');
    expect(await labelBits(server)).toEqual([33, 34]);
    await Promise.all([server.close(), cli.close()]);
  });
});

describe('write transactions', () => {
  it('commits what the work wrote, and rolls all of it back when the work throws', async () => {
    const store = await openDatabase({ file: tempFile() });
    await store.write(async (tx) => {
      await tx.insertInto('mark_labels').values({ bit: 32, name: 'A', description: '' }).execute();
      // A transaction reads what it wrote.
      expect((await tx.selectFrom('mark_labels').select('bit').execute()).map((row) => row.bit)).toEqual([32]);
    });
    await expect(
      store.write(async (tx) => {
        await tx.insertInto('mark_labels').values({ bit: 33, name: 'B', description: '' }).execute();
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await labelBits(store)).toEqual([32]);
    await store.close();
  });

  it('runs one write at a time: a second waits until the first has committed', async () => {
    const store = await openDatabase({ file: tempFile() });
    const gate = createGate();
    const order: string[] = [];
    const first = store.write(async (tx) => {
      await runStatement(tx, `INSERT INTO mark_labels (bit, name, description) VALUES (40, 'first', '')`);
      order.push('first wrote');
      await gate.pass();
      order.push('first commits');
    });
    const second = store.write(async (tx) => {
      order.push('second starts');
      const row = await selectRow<{ n: number }>(tx, 'SELECT count(*) AS n FROM mark_labels');
      order.push(`second sees ${row!.n}`);
    });
    await gate.arrived();
    expect(order).toEqual(['first wrote']);
    gate.release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first wrote', 'first commits', 'second starts', 'second sees 1']);
    await store.close();
  });

  it('refuses at once, instead of waiting forever, the store used from inside its own transaction', async () => {
    const store = await openDatabase({ file: tempFile() });
    await expect(store.write(async () => store.read.selectFrom('mark_labels').selectAll().execute())).rejects.toThrow(NestedTransactionError);
    await expect(store.write(async () => addLabel(store, 41))).rejects.toThrow(NestedTransactionError);
    await expect(store.snapshot(async () => addLabel(store, 42))).rejects.toThrow(NestedTransactionError);
    // Nothing half-done was kept, and the store works on afterwards.
    await addLabel(store, 43);
    expect(await labelBits(store)).toEqual([43]);
    await store.close();
  });

  it('commits a relaxed write at synchronous NORMAL and leaves the connection at FULL', async () => {
    const store = await openDatabase({ file: tempFile() });
    const seen = await store.write(
      async (tx) => {
        await runStatement(tx, `INSERT INTO mark_labels (bit, name, description) VALUES (40, 'X', '')`);
        return pragma(tx, 'synchronous');
      },
      { durability: 'relaxed' },
    );
    expect(seen).toBe(1); // NORMAL
    expect(await pragma(store.read, 'synchronous')).toBe(2); // FULL
    await expect(
      store.write(
        async () => {
          throw new Error('refused');
        },
        { durability: 'relaxed' },
      ),
    ).rejects.toThrow('refused');
    expect(await pragma(store.read, 'synchronous')).toBe(2);
    await store.close();
  });
});

describe('snapshots', () => {
  it('keeps every read of the work on the database as it was at its first read', async () => {
    const file = tempFile();
    const store = await openDatabase({ file });
    // Another connection to the same file (as the ledger's worker thread has) commits in between.
    const other = await openDatabase({ file });
    await addLabel(store, 32);
    const gate = createGate();
    const seen = store.snapshot(async (db) => {
      const before = (await db.selectFrom('mark_labels').select('bit').execute()).length;
      await gate.pass();
      const after = (await db.selectFrom('mark_labels').select('bit').execute()).length;
      return [before, after];
    });
    await gate.arrived();
    await addLabel(other, 33);
    gate.release();
    expect(await seen).toEqual([1, 1]);
    expect(await labelBits(store)).toEqual([32, 33]);
    await Promise.all([store.close(), other.close()]);
  });
});

describe('prepared statements', () => {
  it('reuses a prepared statement for the same SQL, but never one still iterating', () => {
    const sqlite = new BetterSqlite3(':memory:');
    sqlite.exec(`CREATE TABLE t (x); INSERT INTO t VALUES (1), (2)`);
    const text = 'SELECT x FROM t ORDER BY x';
    const first = cachedStatement(sqlite, text);
    expect(cachedStatement(sqlite, text)).toBe(first);
    const rows = first.iterate();
    rows.next();
    const meanwhile = cachedStatement(sqlite, text);
    expect(meanwhile).not.toBe(first);
    expect(meanwhile.all()).toEqual([{ x: 1 }, { x: 2 }]);
    rows.return?.();
    sqlite.close();
  });
});
