// Two Markdesk instances on one database (the BFF's SQLite file opened a second time, with a ledger
// of its own, as a second process would): which one runs a job, taking a job over from a holder
// that died or stalled, and pause, resume and cancel from the instance that does not run it.
// Deterministic: the lease steps run when the test says so (tickLeases), in the BFF's fake time,
// and calls are held at gates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatCallAbortedError, type ChatClient } from '../chat/client';
import { openDatabase, type Store } from '../store/database';
import { createGate, type Gate } from '../testing/gate';
import { workerLedger, type JobLedger, type LedgerCommit } from './ledger';
import { LEASE_MS, LEASE_TICK_MS, SEND_MARGIN_MS, leaseOf } from './leases';
import { announcedWrites } from './line-store';
import { useRunnerHarness } from './runner-harness';
import { getJob } from './store';
import { plannedRows } from './testing';

const h = useRunnerHarness();

/** The second instance's own connection and ledger thread on the same database file. */
let second: { store: Store; ledger: JobLedger } | undefined;
beforeAll(async () => {
  const { location, auditKey } = h.bff.store;
  if (location.dialect !== 'sqlite') throw new Error('the harness runs on SQLite');
  const store = await openDatabase({ file: location.file, auditKey });
  second = { store, ledger: workerLedger(store.location, auditKey) };
});
afterAll(async () => {
  await second?.ledger.close();
  await second?.store.close();
});

type Chat = Pick<ChatClient, 'call' | 'limiterFor'>;

/** Instance `a` on the BFF's store and ledger, `b` on the second connection; the lease steps are the test's. */
function instance(name: 'a' | 'b', chat: Chat = h.recordingChat, ledger?: JobLedger) {
  const own = name === 'b' ? { store: second!.store, ledger: second!.ledger } : {};
  return h.runner({ instanceId: name, chat, ...own, ...(ledger ? { ledger } : {}) });
}

/**
 * A Chat whose calls of `command` wait at `gate` (recorded in h.sent once they go out). With
 * `dead` set, a held call never leaves: the process holding it is gone.
 */
function held(command: 'recentcontact/mark_contact' | 'recentcontact/search_contact_group', gate: Gate, state = { dead: false }): Chat {
  return {
    ...h.recordingChat,
    async call(name, body, options) {
      if (name === command) {
        await gate.pass();
        if (state.dead) throw new ChatCallAbortedError();
      }
      return h.recordingChat.call(name, body, options);
    },
  };
}

/** The BFF's ledger, counting the commits a runner hands it. */
function countingLedger(commits: LedgerCommit[]): JobLedger {
  const { ledger } = h.bff.app;
  return { commit: (commit) => (commits.push(commit), ledger.commit(commit)), warm: () => ledger.warm(), close: () => ledger.close() };
}

const lease = (jobId: string) => leaseOf(h.bff.store.read, 'jobs', jobId);

describe('two instances, one job', () => {
  it('the instance that started a job holds it while it renews; the other, looking for work all along, leaves it alone', async () => {
    const rows = plannedRows(['lease.one'], 12, [33]);
    const jobId = await h.newJob(rows);
    const gate = createGate();
    const a = instance('a', held('recentcontact/mark_contact', gate));
    const b = instance('b');
    await a.resumeInterrupted();
    await b.resumeInterrupted();

    await a.start(jobId, 'editor');
    await gate.arrived(1);
    expect(await lease(jobId)).toMatchObject({ owner: 'a', epoch: 1 });
    // A minute passes: A renews every LEASE_TICK_MS, B looks for work as often and finds none.
    for (let step = 0; step < 12; step++) {
      h.bff.clock.advance(LEASE_TICK_MS);
      await a.tickLeases();
      await b.tickLeases();
    }
    expect(await lease(jobId)).toMatchObject({ owner: 'a', epoch: 1, expiresAt: h.bff.clock.now() + LEASE_MS });
    expect(await b.status(jobId)).toMatchObject({ state: 'running' });

    gate.release();
    await a.whenIdle(jobId);
    expect(await a.status(jobId)).toMatchObject({ state: 'done', applied: 12 });
    expect(h.sent).toHaveLength(12);
    await h.expectAllApplied(jobId, rows);
    // Given up once the run was over.
    expect(await lease(jobId)).toMatchObject({ owner: null, expiresAt: null, epoch: 1 });
  });

  it('when the holder dies, the other instance takes the job over within 30 s and finishes it: every line written once upstream', async () => {
    const rows = plannedRows(['lease.dead.a', 'lease.dead.b'], 8, [1, 40], 'taken over');
    const jobId = await h.newJob(rows);
    const gate = createGate();
    const death = { dead: false };
    const a = instance('a', held('recentcontact/mark_contact', gate, death));
    const b = instance('b');
    await a.resumeInterrupted();
    await b.resumeInterrupted();

    await a.start(jobId, 'editor');
    // A's first call is announced and on its way; A renews once more and dies there.
    await gate.arrived(1);
    await a.tickLeases();
    expect((await announcedWrites(h.bff.store.read, jobId)).length).toBeGreaterThan(0);

    // B looks for work every LEASE_TICK_MS: it takes the job once the lease has run out, no sooner.
    let takenAfter: number | null = null;
    for (let waited = LEASE_TICK_MS; waited <= 30_000 && takenAfter === null; waited += LEASE_TICK_MS) {
      h.bff.clock.advance(LEASE_TICK_MS);
      await b.tickLeases();
      if ((await lease(jobId))?.owner === 'b') takenAfter = waited;
    }
    expect(takenAfter).toBeGreaterThan(LEASE_MS);
    expect(takenAfter).toBeLessThanOrEqual(30_000);
    expect(await lease(jobId)).toMatchObject({ owner: 'b', epoch: 2 });

    // B settles the call A announced (it never reached Chat) and sends every line once.
    await b.whenIdle(jobId);
    expect(await b.status(jobId)).toMatchObject({ state: 'done', applied: 16, failed: 0 });
    expect(h.sent).toHaveLength(16);
    expect(new Set(h.sent).size).toBe(16);
    await h.expectAllApplied(jobId, rows);
    expect(await announcedWrites(h.bff.store.read, jobId)).toEqual([]);
    expect(await lease(jobId)).toMatchObject({ owner: null, epoch: 2 });

    // The dead process's call never leaves; what is left of its run in this test ends.
    gate.release();
    death.dead = true;
    await a.whenIdle(jobId);
    expect(h.sent).toHaveLength(16);
    expect(await getJob(h.bff.store.read, jobId)).toMatchObject({ state: 'done', applied: 16 });
  });

  it('pause on the instance that does not run the job stops the holder at its next renewal; resume there goes on with it', async () => {
    const rows = plannedRows(['lease.pause'], 20, [41]);
    const jobId = await h.newJob(rows);
    const gate = createGate();
    const a = instance('a', held('recentcontact/mark_contact', gate));
    const b = instance('b');

    await a.start(jobId, 'editor');
    await gate.arrived(1);
    expect((await b.pause(jobId)).state).toBe('paused');
    // The holder hears of it when it renews its lease: its run stops; the call already out is seen through.
    await a.tickLeases();
    gate.release();
    await a.whenIdle(jobId);
    expect(h.sent).toHaveLength(5);
    expect(await a.status(jobId)).toMatchObject({ state: 'paused', done: 5, applied: 5 });
    expect(await lease(jobId)).toMatchObject({ owner: null });

    // Resumed on B: B takes the lease with the change of state and runs the rest.
    expect((await b.resume(jobId)).state).toBe('running');
    expect(await lease(jobId)).toMatchObject({ owner: 'b', epoch: 2 });
    await b.whenIdle(jobId);
    expect(await b.status(jobId)).toMatchObject({ state: 'done', applied: 20 });
    expect(h.sent).toHaveLength(20);
    expect(new Set(h.sent).size).toBe(20);
    await h.expectAllApplied(jobId, rows);
  });

  it('cancel on the instance that does not run the job: the holder stops and records the end, the rest of the lines cancelled', async () => {
    const rows = plannedRows(['lease.cancel'], 15, [42]);
    const jobId = await h.newJob(rows);
    const gate = createGate();
    const a = instance('a', held('recentcontact/mark_contact', gate));
    const b = instance('b');

    await a.start(jobId, 'editor');
    await gate.arrived(1);
    expect((await b.cancel(jobId)).state).toBe('cancelled');
    // B does not end the job itself while A holds it.
    expect(await lease(jobId)).toMatchObject({ owner: 'a' });
    await a.tickLeases();
    gate.release();
    await a.whenIdle(jobId);
    const job = (await getJob(h.bff.store.read, jobId))!;
    expect(job).toMatchObject({ state: 'cancelled', applied: 5, cancelled: 10 });
    expect(job.finishedAt).not.toBeNull();
    expect(h.sent).toHaveLength(5);
    expect(await announcedWrites(h.bff.store.read, jobId)).toEqual([]);
    expect(await lease(jobId)).toMatchObject({ owner: null });
  });
});

describe('a holder that lost its lease', () => {
  it('stalled past its lease and taken over, it stops at its next renewal and commits nothing more', async () => {
    const rows = plannedRows(['lease.stall'], 10, [43]);
    const jobId = await h.newJob(rows);
    const gate = createGate();
    const commits: LedgerCommit[] = [];
    const a = instance('a', held('recentcontact/search_contact_group', gate), countingLedger(commits));
    const b = instance('b');

    await a.start(jobId, 'editor');
    // A stalls on its first read, past the end of its lease; B takes the job over and finishes it.
    await gate.arrived(1);
    h.bff.clock.advance(LEASE_MS + 1);
    await b.resumeInterrupted();
    await b.whenIdle(jobId);
    expect(await b.status(jobId)).toMatchObject({ state: 'done', applied: 10 });

    await a.tickLeases();
    gate.release();
    await a.whenIdle(jobId);
    expect(commits).toEqual([]);
    expect(h.sent).toHaveLength(10);
    await h.expectAllApplied(jobId, rows);
    expect(h.bff.logs.some((line) => line.includes('"event":"lease_lost"') && line.includes(jobId))).toBe(true);
  });

  it('one that has not noticed yet is refused by its first commit and stops: the job keeps one entry per line', async () => {
    const rows = plannedRows(['lease.fenced'], 10, [44]);
    const jobId = await h.newJob(rows);
    const gate = createGate();
    const a = instance('a', held('recentcontact/search_contact_group', gate));
    const b = instance('b');

    await a.start(jobId, 'editor');
    await gate.arrived(1);
    h.bff.clock.advance(LEASE_MS + 1);
    await b.resumeInterrupted();
    await b.whenIdle(jobId);

    // A's read comes back: the lines read as written already (by B), which A would record as
    // unchanged — but its commit checks the lease and is refused, and A stops.
    gate.release();
    await a.whenIdle(jobId);
    expect(await getJob(h.bff.store.read, jobId)).toMatchObject({ state: 'done', applied: 10, unchanged: 0 });
    expect(h.sent).toHaveLength(10);
    await h.expectAllApplied(jobId, rows);
    expect(h.bff.logs.some((line) => line.includes('"event":"job_lease_lost"') && line.includes(jobId))).toBe(true);
    expect(h.bff.logs.some((line) => line.includes('bulk job step failed') && line.includes(jobId))).toBe(false);
  });

  it('stalled but not taken over, it renews before its next call and goes on', async () => {
    const rows = plannedRows(['lease.slow'], 6, [45]);
    const jobId = await h.newJob(rows);
    const gate = createGate();
    const a = instance('a', held('recentcontact/search_contact_group', gate));

    await a.start(jobId, 'editor');
    await gate.arrived(1);
    // Less than SEND_MARGIN_MS of the lease left when the read comes back: a renewal comes first.
    h.bff.clock.advance(LEASE_MS - SEND_MARGIN_MS + 1);
    gate.release();
    await a.whenIdle(jobId);
    expect(await a.status(jobId)).toMatchObject({ state: 'done', applied: 6 });
    expect(await lease(jobId)).toMatchObject({ owner: null, epoch: 1 });
    await h.expectAllApplied(jobId, rows);
  });
});
