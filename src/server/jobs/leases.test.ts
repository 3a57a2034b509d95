// The lease statements on their own, two connections on one database as two instances would have
// them — on SQLite, and on PostgreSQL in the `postgres` project: who may take a lease, what
// renewing reads back, and the fence that refuses a commit after a takeover.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobTableState, Store } from '../store/database';
import { DATABASE_FILE_NAME, openDatabase } from '../store/database';
import { openStore } from '../store/open';
import { createFakeClock } from '../testing/fake-clock';
import { dropTestSchema, freshPostgresLocation, testStoreDialect } from '../testing/test-store';
import {
  HeldLease,
  holdLeaseInTransaction,
  LEASE_MS,
  leaseHolderGone,
  LeaseLostError,
  leaseOf,
  processAlive,
  releaseLease,
  renewLeases,
  SEND_MARGIN_MS,
  takeLeaseInTransaction,
  takeOverLeases,
} from './leases';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two connections to one fresh database: instance a's and instance b's. */
async function twoInstances(): Promise<[Store, Store]> {
  const auditKey = randomBytes(32);
  if (testStoreDialect() === 'postgres') {
    const location = freshPostgresLocation();
    const a = await openStore(location, auditKey);
    const b = await openStore(location, auditKey);
    cleanups.push(() => dropTestSchema(location), () => a.close(), () => b.close());
    return [a, b];
  }
  const dir = mkdtempSync(join(tmpdir(), 'markdesk-leases-'));
  const a = await openDatabase({ file: join(dir, DATABASE_FILE_NAME), auditKey });
  const b = await openDatabase({ file: join(dir, DATABASE_FILE_NAME), auditKey });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => a.close(), () => b.close());
  return [a, b];
}

let jobs = 0;
async function insertJob(store: Store, state: JobTableState, finishedAt: string | null = null): Promise<string> {
  const id = `lease-job-${++jobs}`;
  await store.write((tx) =>
    tx
      .insertInto('jobs')
      .values({
        id,
        state,
        created_by: 'editor',
        created_at: '2026-11-20T08:00:00.000Z',
        started_by: 'editor',
        started_at: '2026-11-20T08:00:00.000Z',
        finished_at: finishedAt,
        total_rows: 1,
        valid_rows: 1,
        applied: 0,
        unchanged: 0,
        conflicts: 0,
        failed: 0,
        cancelled: 0,
        message: null,
        source_job_id: null,
        impact_checked_at: null,
      })
      .execute(),
  );
  return id;
}

const NOW = Date.parse('2026-11-20T08:00:00.000Z');
const none = new Set<string>();

describe('taking a lease', () => {
  it('goes to one instance only; the other takes it only once it has run out, and the first one’s commits are refused from then on', async () => {
    const [a, b] = await twoInstances();
    const jobId = await insertJob(a, 'running');

    // Both look for work at the same moment: the first takes the job, the second finds it held.
    // (The two looks are one after the other here; on either engine each runs in one write
    // transaction, which the engine runs one at a time, so at the same moment they would be too.)
    expect(await takeOverLeases(a, 'jobs', 'a', NOW, none)).toEqual([{ id: jobId, fence: { owner: 'a', epoch: 1 }, from: null }]);
    expect(await takeOverLeases(b, 'jobs', 'b', NOW, none)).toEqual([]);
    expect(await b.write((tx) => takeLeaseInTransaction(tx, 'jobs', jobId, 'b', NOW + LEASE_MS - 1))).toBeNull();

    // Renewing reads back who holds it: b's renewal extends nothing that is not b's.
    const seenByB = await renewLeases(b, 'jobs', 'b', [jobId], NOW + 1000);
    expect(seenByB.get(jobId)).toMatchObject({ owner: 'a', epoch: 1, state: 'running' });
    expect(await leaseOf(a.read, 'jobs', jobId)).toEqual({ owner: 'a', expiresAt: NOW + LEASE_MS, epoch: 1 });
    await renewLeases(a, 'jobs', 'a', [jobId], NOW + 5000);
    expect(await leaseOf(a.read, 'jobs', jobId)).toEqual({ owner: 'a', expiresAt: NOW + 5000 + LEASE_MS, epoch: 1 });

    // a stops renewing: once its lease has run out, b takes the job over, under a new epoch.
    expect(await takeOverLeases(b, 'jobs', 'b', NOW + 5000 + LEASE_MS, none)).toEqual([]);
    expect(await takeOverLeases(b, 'jobs', 'b', NOW + 5001 + LEASE_MS, none)).toEqual([{ id: jobId, fence: { owner: 'b', epoch: 2 }, from: 'a' }]);

    // a's commits check its fence and are refused; its release leaves b's lease alone.
    await expect(a.write((tx) => holdLeaseInTransaction(tx, 'jobs', jobId, { owner: 'a', epoch: 1 }))).rejects.toBeInstanceOf(LeaseLostError);
    await a.write((tx) => holdLeaseInTransaction(tx, 'jobs', jobId, { owner: 'b', epoch: 2 }));
    await releaseLease(a, 'jobs', jobId, { owner: 'a', epoch: 1 });
    expect(await leaseOf(a.read, 'jobs', jobId)).toMatchObject({ owner: 'b', epoch: 2 });
    await releaseLease(b, 'jobs', jobId, { owner: 'b', epoch: 2 });
    expect(await leaseOf(a.read, 'jobs', jobId)).toEqual({ owner: null, expiresAt: null, epoch: 2 });
  });

  it('only for jobs that call for work: running, or cancelled with the end not recorded; never for one busy here', async () => {
    const [a] = await twoInstances();
    const running = await insertJob(a, 'running');
    const cancelling = await insertJob(a, 'cancelled');
    await insertJob(a, 'cancelled', '2026-11-20T08:01:00.000Z');
    const paused = await insertJob(a, 'paused');
    await insertJob(a, 'done', '2026-11-20T08:01:00.000Z');
    await insertJob(a, 'checked');
    const busy = await insertJob(a, 'running');

    const taken = await takeOverLeases(a, 'jobs', 'a', NOW, new Set([busy]));
    expect(taken.map((lease) => lease.id)).toEqual([running, cancelling]);
    expect(await a.write((tx) => takeLeaseInTransaction(tx, 'jobs', paused, 'a', NOW))).toBeNull();
  });
});

describe('a lease whose holder is dead', () => {
  // A restart after a crash: the dead process's lease names this host and its pid.
  it('is decided by the holder’s host and whether its pid lives: only a gone pid on this host lets the lease go early', () => {
    const alive = vi.fn((pid: number) => pid !== 4242);
    const here = { host: 'web-1', alive };
    expect(leaseHolderGone('web-1:4242:0a1b2c3d', here)).toBe(true);
    expect(alive).toHaveBeenLastCalledWith(4242);
    // A live pid, whoever it belongs to now: the normal rule.
    expect(leaseHolderGone('web-1:4243:0a1b2c3d', here)).toBe(false);
    // Another host: its pids mean nothing here, and none is looked up.
    alive.mockClear();
    expect(leaseHolderGone('web-2:4242:0a1b2c3d', here)).toBe(false);
    expect(leaseHolderGone('web-10:4242:0a1b2c3d', here)).toBe(false);
    expect(leaseHolderGone('eb-1:4242:0a1b2c3d', here)).toBe(false);
    // Names that are not an instance id (tests', an operator's): never taken for dead.
    for (const holder of ['a', 'web-1', 'web-1:4242', 'web-1:x4242:0a1b2c3d', 'web-1:0:0a1b2c3d', 'web-1:4242:not-hex', ':4242:0a1b2c3d']) {
      expect(leaseHolderGone(holder, here), holder).toBe(false);
    }
    expect(alive).not.toHaveBeenCalled();
    // A host name with colons of its own still parses from the right.
    expect(leaseHolderGone('db:web:1:4242:ff', { host: 'db:web:1', alive })).toBe(true);
  });

  it('asks the kernel: this process and its parent live, a child that exited does not', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(process.ppid)).toBe(true);
    // spawnSync returns once the child has exited and been reaped: its pid names no process.
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    expect(processAlive(exited)).toBe(false);
    expect(leaseHolderGone(`${hostname()}:${exited}:0a1b2c3d`)).toBe(true);
    expect(leaseHolderGone(`${hostname()}:${process.pid}:0a1b2c3d`)).toBe(false);
  });

  it('is taken at once, by a takeover or a take; a live holder, or one on another host, keeps its lease until it runs out', async () => {
    const [a] = await twoInstances();
    const dead = 'web-1:111:aa';
    const live = 'web-1:222:bb';
    const remote = 'web-2:111:cc';
    const holderGone = (holder: string) => leaseHolderGone(holder, { host: 'web-1', alive: (pid) => pid !== 111 });
    const heldBy = async (holder: string) => {
      const id = await insertJob(a, 'running');
      expect(await a.write((tx) => takeLeaseInTransaction(tx, 'jobs', id, holder, NOW, holderGone))).toEqual({ owner: holder, epoch: 1 });
      return id;
    };
    const ofDead = await heldBy(dead);
    const ofLive = await heldBy(live);
    const ofRemote = await heldBy(remote);
    const me = 'web-1:333:dd';

    // A second after they were taken: every lease is live, and only the dead holder's goes.
    expect(await takeOverLeases(a, 'jobs', me, NOW + 1000, none, holderGone)).toEqual([{ id: ofDead, fence: { owner: me, epoch: 2 }, from: dead }]);
    expect(await a.write((tx) => takeLeaseInTransaction(tx, 'jobs', ofLive, me, NOW + 1000, holderGone))).toBeNull();
    expect(await a.write((tx) => takeLeaseInTransaction(tx, 'jobs', ofRemote, me, NOW + 1000, holderGone))).toBeNull();
    // This instance's own lease is never its predecessor's.
    expect(await a.write((tx) => takeLeaseInTransaction(tx, 'jobs', ofDead, me, NOW + 1000, () => true))).toBeNull();
    // A take (start, resume, the end of a cancel) follows the same rule.
    const alsoOfDead = await heldBy(dead);
    expect(await a.write((tx) => takeLeaseInTransaction(tx, 'jobs', alsoOfDead, me, NOW + 1000, holderGone))).toEqual({ owner: me, epoch: 2 });
    // The others', once run out, as always.
    const later = NOW + LEASE_MS + 1;
    expect((await takeOverLeases(a, 'jobs', me, later, none, holderGone)).map((taken) => [taken.id, taken.from])).toEqual([
      [ofLive, live],
      [ofRemote, remote],
    ]);
  });

  it('by default, the kernel says: a lease of a process of this host that exited is taken over at once', async () => {
    const [a] = await twoInstances();
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    const id = await insertJob(a, 'running');
    const predecessor = `${hostname()}:${exited}:0a1b2c3d`;
    await a.write((tx) => takeLeaseInTransaction(tx, 'jobs', id, predecessor, NOW));
    const sibling = await insertJob(a, 'running');
    await a.write((tx) => takeLeaseInTransaction(tx, 'jobs', sibling, `${hostname()}:${process.pid}:0a1b2c3d`, NOW));
    expect(await takeOverLeases(a, 'jobs', `${hostname()}:${process.pid}:12345678`, NOW + 1, none)).toEqual([
      { id, fence: { owner: `${hostname()}:${process.pid}:12345678`, epoch: 2 }, from: predecessor },
    ]);
  });
});

describe('a held lease', () => {
  it('lets calls leave while SEND_MARGIN_MS of it is left; short of that it is renewed first, and a lost one lets nothing leave', async () => {
    const clock = createFakeClock(NOW);
    let renewals = 0;
    let renewal = (lease: HeldLease) => void (lease.validUntil = clock.now() + LEASE_MS);
    const lease: HeldLease = new HeldLease('job', { owner: 'a', epoch: 1 }, NOW + LEASE_MS, clock, async () => {
      renewals++;
      renewal(lease);
    });

    expect(await lease.sendable()).toBe(true);
    clock.advance(LEASE_MS - SEND_MARGIN_MS);
    expect(await lease.sendable()).toBe(true);
    expect(renewals).toBe(0);

    clock.advance(1);
    expect(await lease.sendable()).toBe(true);
    expect(renewals).toBe(1);

    // The renewal finds the job taken over.
    clock.advance(LEASE_MS);
    renewal = (held) => void (held.lost = true);
    expect(await lease.sendable()).toBe(false);
    expect(renewals).toBe(2);
    expect(await lease.sendable()).toBe(false);
    expect(renewals).toBe(2);
  });
});
