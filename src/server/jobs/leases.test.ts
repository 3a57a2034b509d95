// The lease statements on their own, two connections on one database as two instances would have
// them — on SQLite, and on PostgreSQL in the `postgres` project: who may take a lease, what
// renewing reads back, and the fence that refuses a commit after a takeover.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobTableState, Store } from '../store/database';
import { DATABASE_FILE_NAME, openDatabase } from '../store/database';
import { openStore } from '../store/open';
import { createFakeClock } from '../testing/fake-clock';
import { dropTestSchema, freshPostgresLocation, testStoreDialect } from '../testing/test-store';
import {
  HeldLease,
  holdLeaseInTransaction,
  LEASE_MS,
  LeaseLostError,
  leaseOf,
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
