// The keyed chain: what someone holding only the database file can no longer hide, the move from
// plain SHA-256 rows to keyed ones, repairs of rows broken by unstorable text, the sliced check.
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blankContent, chainHash, GENESIS_HASH, type AuditContent } from './audit-chain';
import { writeLegacyDatabase } from '../testing/legacy-database';
import { recordEntries, type AuditOneShotEntry } from './audit';
import { AUDIT_KEY_FILE_NAME, resolveAuditKey } from './audit-key';
import { ChainWalk, reachesHead, verifyAuditChain, verifyAuditChainAsync } from './audit-verify';
import { openDatabase, type Store } from './database';
import { createFakeClock } from '../testing/fake-clock';
import { rawAll, rawExec, rawGet, rawRun } from '../testing/raw-sql';

const clock = createFakeClock('2026-11-20T08:00:00.000Z');
const KEY = Buffer.alloc(32, 7);
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'markdesk-chain-'));
  file = join(dir, 'markdesk.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function entry(overrides: Partial<AuditOneShotEntry> = {}): AuditOneShotEntry {
  return {
    staff: 'rita',
    chatUser: 'user0',
    conversation: { type: 'c2c', id: 'user1' },
    requested: { setBits: [0], clearBits: [] },
    before: { bits: [], customMark: '' },
    after: { bits: [0], customMark: '' },
    status: 'applied',
    requestId: 'req-1',
    ...overrides,
  };
}

type Row = AuditContent & { seq: number; prev_hash: string; hash: string };
const allRows = async (store: Store) => (await rawAll(store, 'SELECT * FROM audit ORDER BY seq')) as Row[];
const unguard = async (store: Store) => await rawExec(store, 'DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');

/** What someone with the file but not the key does: rewrite from a row on, recomputing plain hashes. */
async function rewriteWithPlainHashes(store: Store, fromSeq: number, edit: (row: Row) => void): Promise<void> {
  const rows = (await allRows(store));
  let prev = rows.find((row) => row.seq === fromSeq - 1)?.hash ?? GENESIS_HASH;
  for (const row of rows.filter((r) => r.seq >= fromSeq)) {
    if (row.seq === fromSeq) edit(row);
    const hash = chainHash(prev, row);
    await rawRun(store, 'UPDATE audit SET reason = ?, prev_hash = ?, hash = ? WHERE seq = ?', [row.reason, prev, hash, row.seq]);
    prev = hash;
  }
}


describe('what the database file alone can no longer hide', () => {
  it('an edited row whose later hashes were recomputed without the key', async () => {
    const store = await openDatabase({ file, auditKey: KEY });
    await recordEntries(store, [entry(), entry({ reason: 'ticket 1' }), entry()], clock);
    (await unguard(store));
    const victim = (await allRows(store))[1]!;
    (await rewriteWithPlainHashes(store, victim.seq, (row) => void (row.reason = 'nothing to see')));
    expect((await verifyAuditChain(store))).toMatchObject({ ok: false, brokenAt: victim.id });
    await store.close();
  });

  it('a cut-off tail with sqlite_sequence lowered: the log no longer reaches a head logged before', async () => {
    const store = await openDatabase({ file, auditKey: KEY });
    await recordEntries(store, [entry(), entry(), entry()], clock);
    const head = (await allRows(store))[2]!;
    expect((await reachesHead(store.read, { seq: head.seq, hash: head.hash }))).toBe(true);
    (await unguard(store));
    await rawRun(store, 'DELETE FROM audit WHERE seq = ?', [head.seq]);
    await rawRun(store, `UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit'`, [head.seq - 1]);
    expect((await verifyAuditChain(store)).ok).toBe(true); // nothing inside the file shows it…
    expect((await reachesHead(store.read, { seq: head.seq, hash: head.hash }))).toBe(false); // …the logged head does
    expect((await reachesHead(store.read, { seq: head.seq - 1, hash: head.hash }))).toBe(false);
    await store.close();
  });

  it('goes on past a break, so a later edit is reported too', async () => {
    const store = await openDatabase({ file, auditKey: KEY });
    await recordEntries(store, Array.from({ length: 6 }, (_, i) => entry({ requestId: `r${i}` })), clock);
    (await unguard(store));
    const rows = (await allRows(store));
    await rawRun(store, `UPDATE audit SET staff = 'mallory' WHERE seq = ?`, [rows[1]!.seq]);
    await rawRun(store, `UPDATE audit SET staff = 'mallory' WHERE seq = ?`, [rows[4]!.seq]);
    await rawRun(store, 'DELETE FROM audit WHERE seq = ?', [rows[2]!.seq]);
    expect((await verifyAuditChain(store))).toMatchObject({
      ok: false,
      checked: 5,
      breakCount: 3,
      breaks: [
        { at: rows[1]!.id, problem: 'changed' },
        { at: rows[3]!.id, problem: 'missing-before' },
        { at: rows[4]!.id, problem: 'changed' },
      ],
    });
    await store.close();
  });

  it('keyed rows cannot be passed off as plain ones: the start record is under the key', async () => {
    const store = await openDatabase({ file, auditKey: KEY });
    await recordEntries(store, [entry(), entry()], clock);
    (await unguard(store));
    (await rewriteWithPlainHashes(store, 1, () => {}));
    await rawExec(store, 'DROP TRIGGER audit_chain_no_update');
    await rawRun(store, 'UPDATE audit_chain SET keyed_from = 99');
    expect((await verifyAuditChain(store))).toMatchObject({ ok: false, brokenAt: 'chain-start', breakCount: 3 });
    await store.close();
  });
});

describe('the key', () => {
  it('is generated once into the data directory, readable by its owner only, and reused', async () => {
    const first = await openDatabase({ file });
    const keyFile = join(dir, AUDIT_KEY_FILE_NAME);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    await recordEntries(first, [entry()], clock);
    await first.close();
    expect(resolveAuditKey({ dataDir: dir }).created).toBeNull();
    const again = await openDatabase({ file });
    expect((await verifyAuditChain(again))).toMatchObject({ ok: true, checked: 1 });
    await again.close();
  });

  it('refuses to open the log with another key, which would fork the chain', async () => {
    await (await openDatabase({ file, auditKey: KEY })).close();
    await expect(openDatabase({ file, auditKey: Buffer.alloc(32, 8) })).rejects.toThrow(/audit key does not match/);
  });

  it('hashes text as it is stored, so a lone surrogate cannot break a keyed row', async () => {
    const store = await openDatabase({ file, auditKey: KEY });
    await recordEntries(store, [entry({ reason: 'cut emoji \ud83d' })], clock);
    expect((await allRows(store))[0]!.reason).toBe('cut emoji \uFFFD');
    expect((await verifyAuditChain(store))).toMatchObject({ ok: true, checked: 1 });
    await store.close();
  });
});

describe('an existing log', () => {
  it('keeps its plain rows exactly and continues keyed from the last one', async () => {
    await writeLegacyDatabase(file, ['one', 'two', 'three']);
    const before = new BetterSqlite3(file);
    const legacy = before.prepare('SELECT seq, id, prev_hash, hash FROM audit ORDER BY seq').all();
    before.close();

    const store = await openDatabase({ file, auditKey: KEY });
    expect(await rawAll(store, 'SELECT seq, id, prev_hash, hash FROM audit ORDER BY seq')).toEqual(legacy);
    await recordEntries(store, [entry()], clock);
    const rows = (await allRows(store));
    expect(rows[3]!.prev_hash).toBe(rows[2]!.hash);
    expect((await verifyAuditChain(store))).toMatchObject({ ok: true, checked: 4, repaired: 0 });
    await expect(rawRun(store, 'DELETE FROM audit')).rejects.toThrow('append-only');

    // Rewriting the old rows (plain hashes recomputed) breaks the first keyed row: its MAC covers the
    // last plain hash, and re-linking it needs the key.
    (await unguard(store));
    (await rewriteWithPlainHashes(store, 2, (row) => void (row.reason = 'rewritten')));
    expect((await verifyAuditChain(store))).toMatchObject({ ok: false, breakCount: 1, breaks: [{ at: rows[3]!.id, problem: 'changed' }] });
    await store.close();
  });

  it('carries over the highest seq ever used, so a tail cut before the upgrade still shows', async () => {
    await writeLegacyDatabase(file, ['one', 'two', 'three']);
    const raw = new BetterSqlite3(file);
    raw.exec('DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 3;');
    raw.close();
    const store = await openDatabase({ file, auditKey: KEY });
    expect((await verifyAuditChain(store))).toMatchObject({ ok: false, brokenAt: 'end-of-log', problem: 'missing-after' });
    await store.close();
  });

  it('vouches, with a keyed repair entry, for a row whose lone surrogate SQLite stored as U+FFFD', async () => {
    await writeLegacyDatabase(file, ['fine', 'cut emoji \ud83d', 'after']);
    const store = await openDatabase({ file, auditKey: KEY });
    const repairs = (await rawAll(store, `SELECT target, details_json FROM audit WHERE kind = 'repair'`)) as { target: string; details_json: string }[];
    expect(repairs).toEqual([{ target: 'legacy-1', details_json: expect.stringContaining('"codeUnit":55357') }]);
    expect((await verifyAuditChain(store))).toMatchObject({ ok: true, checked: 4, repaired: 1 });
    await store.close();
  });

  it('does not vouch for a row edited to contain U+FFFD, nor accept a forged repair entry', async () => {
    await writeLegacyDatabase(file, ['fine', 'second', 'third']);
    const raw = new BetterSqlite3(file);
    raw.exec(`DROP TRIGGER audit_no_update; UPDATE audit SET reason = 'edited \uFFFD' WHERE id = 'legacy-1';`);
    raw.close();
    const store = await openDatabase({ file, auditKey: KEY });
    expect(await rawGet(store, `SELECT count(*) AS n FROM audit WHERE kind = 'repair'`)).toEqual({ n: 0 });
    // A repair row written without the key fails its own MAC and vouches for nothing.
    const last = (await allRows(store)).at(-1)!;
    const forged = blankContent('forged', 'repair', '2026-11-20T08:00:00.000Z');
    Object.assign(forged, { staff: 'markdesk', target: 'legacy-1', details_json: JSON.stringify({ id: 'legacy-1', seq: 2, hash: 'x', fixes: [] }) });
    await rawRun(store, 'INSERT INTO audit (id, kind, at, staff, target, details_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [forged.id, 'repair', forged.at, forged.staff, forged.target, forged.details_json, last?.hash ?? GENESIS_HASH, 'f'.repeat(64)]);
    expect((await verifyAuditChain(store))).toMatchObject({
      ok: false,
      repaired: 0,
      breaks: [
        { at: 'legacy-1', problem: 'changed' },
        { at: 'forged', problem: 'changed' },
      ],
    });
    await store.close();
  });
});

describe('the sliced check', () => {
  it('ends each slice once its time budget is used, whatever the time source', async () => {
    const store = await openDatabase({ file, auditKey: KEY });
    await recordEntries(store, Array.from({ length: 40 }, (_, i) => entry({ requestId: `r${i}` })), clock);
    let tick = 0;
    const walk = await ChainWalk.start(store.read, store.auditKey, { budgetMs: 5, now: () => tick++ });
    const perSlice: number[] = [];
    let before = 0;
    while (!(await walk.step())) {
      perSlice.push(walk.progress().checked - before);
      before = walk.progress().checked;
    }
    // One tick to start a slice, one per row: five rows a slice, every slice.
    expect(perSlice).toEqual([5, 5, 5, 5, 5, 5, 5, 5]);
    expect(walk.verdict()).toMatchObject({ ok: true, checked: 40 });
    await store.close();
  });

  it('lets other work run between slices and reports its progress', async () => {
    const store = await openDatabase({ file, auditKey: KEY });
    await recordEntries(store, Array.from({ length: 3 }, (_, i) => entry({ requestId: `r${i}` })), clock);
    const progress: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let paused!: () => void;
    const pausedOnce = new Promise<void>((resolve) => (paused = resolve));
    const walking = verifyAuditChainAsync(store, {
      budgetMs: 0,
      onProgress: (p) => progress.push(p.checked),
      pause: () => {
        paused();
        return gate;
      },
    });
    await pausedOnce;
    // Held between slices: other work (here an append) goes ahead; the walk then checks it too.
    await recordEntries(store, [entry({ requestId: 'meanwhile' })], clock);
    release();
    expect(await walking).toMatchObject({ ok: true, checked: 4 });
    expect(progress).toEqual([1, 2, 3, 4, 4]);
    await store.close();
  });
});
