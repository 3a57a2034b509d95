// The WAL syncer: commits that arrive while a sync runs share the next one, and nobody is answered
// by a sync that started before their commit. Syncs are held open with gates, never timed.
import { fstatSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { runStatement, selectRow } from './sql';
import { WalSync } from './wal-sync';

const dirs: string[] = [];
function walFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'markdesk-wal-sync-'));
  dirs.push(dir);
  const file = join(dir, 'db.sqlite-wal');
  writeFileSync(file, '');
  return file;
}
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A sync function whose calls stay open until released, in order. */
function gatedSyncs() {
  const calls: { fd: number; release: () => void; fail: (error: Error) => void }[] = [];
  const sync = (fd: number) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ fd, release: resolve, fail: reject });
    });
  return { calls, sync };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  // Let every already-resolved continuation run.
  for (let i = 0; i < 10; i++) await Promise.resolve();
  return done;
};

describe('WalSync', () => {
  it('runs one sync at a time; commits made during it share the next one', async () => {
    const gates = gatedSyncs();
    const wal = new WalSync(walFile(), gates.sync);
    const first = wal.sync();
    await settled(first);
    expect(gates.calls).toHaveLength(1);

    // Three commits while the first sync runs: it may have started before them, so they wait for the next.
    const later = [wal.sync(), wal.sync(), wal.sync()];
    expect(await settled(later[0]!)).toBe(false);
    expect(gates.calls).toHaveLength(1);

    gates.calls[0]!.release();
    expect(await settled(first)).toBe(true);
    expect(await settled(later[0]!)).toBe(false);
    expect(gates.calls).toHaveLength(2);

    gates.calls[1]!.release();
    expect(await Promise.all(later.map(settled))).toEqual([true, true, true]);
    expect(gates.calls).toHaveLength(2);
    await wal.close();
  });

  it('passes a failed sync on to its waiters, and the next commit syncs again', async () => {
    const gates = gatedSyncs();
    const wal = new WalSync(walFile(), gates.sync);
    const first = wal.sync();
    await settled(first);
    const queued = wal.sync();
    gates.calls[0]!.fail(new Error('EIO'));
    await expect(first).rejects.toThrow('EIO');
    await settled(queued);
    expect(gates.calls).toHaveLength(2);
    gates.calls[1]!.fail(new Error('EIO again'));
    await expect(queued).rejects.toThrow('EIO again');

    const after = wal.sync();
    await settled(after);
    gates.calls[2]!.release();
    await expect(after).resolves.toBeUndefined();
    await wal.close();
  });

  it('syncs the file now at the path: a replaced WAL is opened again', async () => {
    const gates = gatedSyncs();
    const file = walFile();
    const wal = new WalSync(file, gates.sync);
    const first = wal.sync();
    await settled(first);
    expect(fstatSync(gates.calls[0]!.fd).ino).toBe(statSync(file).ino);
    gates.calls[0]!.release();
    await first;

    writeFileSync(`${file}.new`, '');
    renameSync(`${file}.new`, file);
    const second = wal.sync();
    await settled(second);
    expect(fstatSync(gates.calls[1]!.fd).ino).toBe(statSync(file).ino);
    gates.calls[1]!.release();
    await second;
    await wal.close();
  });
});

describe('a synced write on a file', () => {
  it('commits, syncs the WAL off the event loop and leaves the connection at synchronous FULL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'markdesk-wal-sync-db-'));
    dirs.push(dir);
    const store = await openDatabase({ file: join(dir, 'markdesk.sqlite') });
    try {
      await store.write((tx) => runStatement(tx, `CREATE TABLE t (x)`));
      await Promise.all([1, 2, 3].map((x) => store.write((tx) => runStatement(tx, 'INSERT INTO t VALUES (?)', [x]))));
      expect(await selectRow(store.read, 'SELECT count(*) AS n FROM t')).toEqual({ n: 3 });
      expect(await selectRow(store.read, 'PRAGMA synchronous')).toEqual({ synchronous: 2 });
    } finally {
      await store.close();
    }
  });
});
