import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import { type Store } from './database';
import { migrations } from './migrations';
import { getLabels, getLabelsVersion, LabelError, labelProblems, replaceLabels, saveLabels } from './labels';
import { rawRun } from '../testing/raw-sql';
import { openTestStore } from '../testing/test-store';

let store: Store;
beforeEach(async () => {
  store = await openTestStore();
});
afterEach(async () => {
  await store.close();
});

describe('mark labels', () => {
  it('starts empty, then replaces the whole set at once', async () => {
    expect((await getLabels(store.read))).toEqual({});
    await replaceLabels(store, { '32': { name: 'VIP', description: 'Paying customers' }, '63': { name: '에스컬레이션' } });
    expect((await getLabels(store.read))).toEqual({
      '32': { name: 'VIP', description: 'Paying customers' },
      '63': { name: '에스컬레이션', description: '' },
    });
    const after = await replaceLabels(store, { '40': { name: '  Refund pending ', description: ' ' } });
    expect(after).toEqual({ '40': { name: 'Refund pending', description: '' } });
    expect((await getLabels(store.read))).toEqual(after);
  });

  it('accepts 40 characters (code points) in a name and refuses 41', () => {
    expect(labelProblems({ '32': { name: '가'.repeat(40) } })).toBeNull();
    expect(labelProblems({ '32': { name: '🏷'.repeat(40) } })).toBeNull();
    expect(labelProblems({ '32': { name: 'x'.repeat(41) } })).toEqual({ '32.name': expect.stringMatching(/at most 40/) });
  });

  it('names every problem and stores nothing when one label is wrong', async () => {
    await replaceLabels(store, { '33': { name: 'Old' } });
    const attempt = replaceLabels(store, {
      '3': { name: 'standard bit' },
      '64': { name: 'too high' },
      '032': { name: 'leading zero' },
      '34': { name: '' },
      '35': { name: 'Unread' },
      '36': { name: '42' },
      '37': { name: 'VIP' },
      '38': { name: 'vip' },
      '39': { name: 'Fine', description: 'd'.repeat(501) },
    });
    await expect(attempt).rejects.toBeInstanceOf(LabelError);
    const details = await attempt.catch((error: LabelError) => error.details);
    expect(Object.keys(details).sort()).toEqual(['032', '3', '34.name', '35.name', '36.name', '38.name', '39.description', '64']);
    expect((await getLabels(store.read))).toEqual({ '33': { name: 'Old', description: '' } });
  });

  it('is guarded by the database too', async () => {
    await expect(rawRun(store, `INSERT INTO mark_labels (bit, name) VALUES (31, 'x')`)).rejects.toThrow(/check/i);
    await expect(rawRun(store, `INSERT INTO mark_labels (bit, name) VALUES (32, ?)`, ['x'.repeat(41)])).rejects.toThrow(/check/i);
  });
});

describe('label versions (compare-and-swap)', () => {
  const at = new Date('2026-11-28T09:00:00.000Z');

  it('starts at version 0 with nobody named, and every replace moves the version and its tag on', async () => {
    const empty = (await getLabelsVersion(store));
    expect(empty).toMatchObject({ labels: {}, version: 0, updatedBy: null, updatedAt: null });
    const first = await saveLabels(store, { '32': { name: 'VIP' } }, { expected: [empty.etag], by: 'admin', at });
    expect(first).toMatchObject({ saved: true, current: { version: 1, updatedBy: 'admin', updatedAt: at.toISOString() } });
    expect(first.current.etag).not.toBe(empty.etag);
    // The same labels saved again are still a new version.
    const same = await saveLabels(store, { '32': { name: 'VIP' } }, { expected: [first.current.etag], by: 'ops', at });
    expect(same.current.version).toBe(2);
    expect(same.current.etag).not.toBe(first.current.etag);
    expect((await getLabelsVersion(store))).toEqual(same.current);
  });

  it('refuses a save based on another version, changing nothing and handing back the current one', async () => {
    const loaded = (await getLabelsVersion(store));
    const theirs = await saveLabels(store, { '51': { name: 'Theirs' } }, { expected: [loaded.etag], by: 'b', at });
    const mine = await saveLabels(store, { '50': { name: 'Mine' } }, { expected: [loaded.etag], by: 'a', at });
    expect(mine).toEqual({ saved: false, current: theirs.current });
    expect((await getLabelsVersion(store))).toEqual(theirs.current);
    const forced = await saveLabels(store, { '50': { name: 'Mine' } }, { expected: '*', by: 'a', at });
    expect(forced).toMatchObject({ saved: true, current: { labels: { '50': { name: 'Mine', description: '' } }, updatedBy: 'a' } });
  });

  it('lets exactly one of two saves from the same version through, whatever order they run in', async () => {
    const { etag } = (await getLabelsVersion(store));
    const results = await Promise.all([
      saveLabels(store, { '50': { name: 'A' } }, { expected: [etag], by: 'a', at }),
      saveLabels(store, { '51': { name: 'B' } }, { expected: [etag], by: 'b', at }),
    ]);
    expect(results.map((result) => result.saved).sort()).toEqual([false, true]);
    expect((await getLabelsVersion(store))).toEqual(results.find((result) => result.saved)!.current);
  });

  it('does not move the version when the labels cannot be stored', async () => {
    const before = (await getLabelsVersion(store));
    await expect(saveLabels(store, { '32': { name: '' } }, { expected: '*', by: 'a', at })).rejects.toBeInstanceOf(LabelError);
    expect((await getLabelsVersion(store))).toEqual(before);
  });

  it('keeps the labels as they were when what is recorded with the save fails', async () => {
    const before = await getLabelsVersion(store);
    const failing = saveLabels(store, { '40': { name: 'Lost' } }, {
      expected: '*',
      by: 'a',
      at,
      alsoInTransaction: async () => {
        throw new Error('the audit entry could not be appended');
      },
    });
    await expect(failing).rejects.toThrow('the audit entry could not be appended');
    expect(await getLabelsVersion(store)).toEqual(before);
  });

  it('gives a database that had labels before versions existed version 1', async () => {
    const sqlite = new BetterSqlite3(':memory:');
    const db = new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: sqlite }) });
    const upTo = (last: string) =>
      new Migrator({ db, provider: { getMigrations: async () => Object.fromEntries(Object.entries(migrations).filter(([name]) => name <= last)) } });
    await upTo('0003_job_writes').migrateToLatest();
    sqlite.prepare(`INSERT INTO mark_labels (bit, name) VALUES (32, 'Old')`).run();
    const { error } = await upTo('0005_label_versions').migrateToLatest();
    expect(error).toBeUndefined();
    expect(sqlite.prepare('SELECT version, updated_by, updated_at FROM mark_labels_version').all()).toEqual([{ version: 1, updated_by: null, updated_at: null }]);
    await db.destroy();
  });
});
