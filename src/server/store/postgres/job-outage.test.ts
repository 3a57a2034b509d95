// A bulk job and PostgreSQL out of reach for a while (a restart, a failover, a cut network): the run
// that meets the outage stops without failing the job, the calls it announced stay announced, and
// once the database answers the job goes on by itself — its lease released at the next lease step,
// which takes the job up again — every line written once upstream, with one audit entry each.
// Deterministic: the database is reached through a TCP relay the test cuts and restores, the
// mark_contact calls wait at a gate so that the cut falls between their announcement and their
// answers, and the lease steps run when the test says so, in the app's fake time (which never moves
// here: nothing waits for a lease to run out).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSurvey, surveyStatus } from '../../insights/testing';
import { announcedWrites } from '../../jobs/line-store';
import { leaseOf } from '../../jobs/leases';
import { getJob } from '../../jobs/store';
import { checkedJob, controlJob, csvOf, jobAuditEntries, plannedRows, upstreamStates } from '../../jobs/testing';
import { startTestBff, type TestBff } from '../../testing/bff-harness';
import { databaseRelay, type DatabaseRelay } from '../../testing/database-relay';
import { createGate } from '../../testing/gate';
import { dropTestSchema, freshPostgresLocation } from '../../testing/test-store';
import { verifyAuditChain } from '../audit-verify';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../database';
import { openStore } from '../open';


const location = freshPostgresLocation();
let bff: TestBff;
let cable: DatabaseRelay;

beforeAll(async () => {
  cable = await databaseRelay(new URL(location.url));
  // The store and the ledger's thread (which opens store.location) both reach the database through the relay.
  bff = await startTestBff({ openStore: () => openStore({ ...location, url: cable.url() }, randomBytes(32)) });
});
afterAll(async () => {
  await bff.close();
  await dropTestSchema(location);
});

/** A runner's log lines with `event` (its logger is the app's, with its module), from line `since` on. */
const logged = (module: 'jobs' | 'surveys', event: string, since = 0) =>
  bff.logs.slice(since).filter((line) => line.includes(`"module":"${module}"`) && line.includes(`"event":"${event}"`));
const jobLog = (event: string, since = 0) => logged('jobs', event, since);

describe('a bulk job while PostgreSQL is out of reach', () => {
  it('a commit the ledger’s thread could not make for the outage comes back as one, not as a failure', async () => {
    // The thread is up (and connected) before the cut, as during a job.
    await bff.app.ledger.commit({ jobId: 'no-such-job', staff: 'editor', at: new Date(bff.clock.now()).toISOString(), settled: [], announce: [], forget: [] });
    await cable.cut();
    try {
      const refused = await bff.app.ledger
        .commit({ jobId: 'no-such-job', staff: 'editor', at: new Date(bff.clock.now()).toISOString(), settled: [], announce: [], forget: [] })
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(refused).toBeInstanceOf(DatabaseUnavailableError);
      expect(isDatabaseUnavailable(refused)).toBe(true);
    } finally {
      await cable.restore();
    }
    // The thread's connections come back with the database.
    await expect(
      bff.app.ledger.commit({ jobId: 'no-such-job', staff: 'editor', at: new Date(bff.clock.now()).toISOString(), settled: [], announce: [], forget: [] }),
    ).resolves.toEqual([]);
  });

  it('stops without failing, keeps its calls announced, and goes on by itself once the database answers: each line written once, one entry each', async () => {
    const users = ['outage.job.0', 'outage.job.1', 'outage.job.2'];
    // 100 lines a user: one user's lines make one mark_contact call (its most), so three calls in all.
    const rows = plannedRows(users, 100, [2, 33], 'outage');
    await bff.importUsers(...users);
    const { jobId } = await checkedJob(bff, csvOf(rows));
    // As main.ts does once listening: from now on every lease step takes over jobs nobody live holds.
    await bff.app.jobs.resumeInterrupted();
    await bff.clearEmulatorStats();

    const gate = createGate();
    bff.chatHooks.beforeCall = async (command) => {
      if (command === 'recentcontact/mark_contact') await gate.pass();
    };
    expect((await controlJob(bff, jobId, 'start')).statusCode).toBe(200);
    // Every line read and announced; the three calls wait to be sent.
    await gate.arrived(users.length);

    const sinceCut = bff.logs.length;
    await cable.cut();
    // The calls go out and land; their answers cannot be recorded.
    gate.release();
    await bff.app.jobs.whenIdle(jobId);
    // Lease steps while the database is away: nothing thrown, one warning for the whole outage.
    await bff.app.jobs.tickLeases();
    await bff.app.jobs.tickLeases();
    expect(jobLog('lease_database_unavailable', sinceCut)).toHaveLength(1);
    expect(jobLog('job_database_unavailable', sinceCut).filter((line) => line.includes(jobId))).toHaveLength(1);
    expect(bff.logs.filter((line) => /bulk job (step|run) failed|"event":"job_failed"/.test(line))).toEqual([]);
    expect((await bff.emulatorStats()).commands['recentcontact/mark_contact']).toMatchObject({ calls: 3, ok: 3 });

    await cable.restore();
    // The job is as the run left it: running, not failed; nothing settled, every call still
    // announced; its lease still this instance's, until a lease step can give it up.
    expect(await getJob(bff.store.read, jobId)).toMatchObject({ state: 'running', message: null, applied: 0, failed: 0 });
    const announced = await announcedWrites(bff.store.read, jobId);
    // (Lines are the file's: the header is line 1.)
    expect(announced.flatMap((write) => write.lines.map(({ line }) => line)).sort((x, y) => x - y)).toEqual(rows.map((_, index) => index + 2));
    expect(await jobAuditEntries(bff.store.read, jobId)).toEqual([]);
    expect(await leaseOf(bff.store.read, 'jobs', jobId)).toMatchObject({ owner: bff.app.jobs.instanceId, epoch: 1 });

    // No time passes on the app's clock: the lease does not run out, it is released and taken up again.
    await vi.waitFor(
      async () => {
        await bff.app.jobs.tickLeases();
        await bff.app.jobs.whenIdle(jobId);
        expect((await getJob(bff.store.read, jobId))?.state).toBe('done');
      },
      { timeout: 30_000, interval: 20 },
    );
    expect(jobLog('lease_database_back', sinceCut)).toHaveLength(1);
    expect(await getJob(bff.store.read, jobId)).toMatchObject({ state: 'done', applied: 300, unchanged: 0, conflicts: 0, failed: 0, message: null });
    expect(await leaseOf(bff.store.read, 'jobs', jobId)).toMatchObject({ owner: null, epoch: 2 });
    expect(await announcedWrites(bff.store.read, jobId)).toEqual([]);
    // The calls that landed during the outage were settled from Chat's state, not sent again: still
    // three calls of 100 lines for 300 lines, so each line went out once.
    expect((await bff.emulatorStats()).commands['recentcontact/mark_contact']).toMatchObject({ calls: 3, ok: 3 });
    const states = await upstreamStates(bff.chat, rows);
    for (const row of rows) expect(states.get(`${row.chatUser}/${row.conversation.id}`)).toEqual({ bits: [2, 33], customMark: 'outage' });

    // One audit entry per line, each applied, and the chain whole.
    const entries = await jobAuditEntries(bff.store.read, jobId);
    expect(entries).toHaveLength(300);
    expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(300);
    expect(entries.filter((entry) => entry.status !== 'applied')).toEqual([]);
    expect((await verifyAuditChain(bff.store)).ok).toBe(true);
  });
});

describe('a survey while PostgreSQL is out of reach', () => {
  it('halts without failing and goes on by itself once the database answers, every user counted once', async () => {
    const users = Array.from({ length: 20 }, (_, i) => `outage.survey.${i}`);
    await bff.importUsers(...users);
    const gate = createGate();
    bff.chatHooks.beforeCall = async (command) => {
      if (command === 'recentcontact/get_contact_group') await gate.pass();
    };
    // The app's survey runner looks for work from the app's start on (onReady), as in production.
    const { surveyId } = await createSurvey(bff, { users });
    // Its 16 reads at once wait at the gate.
    await gate.arrived(16);
    const sinceCut = bff.logs.length;
    await cable.cut();
    gate.release();
    await bff.app.surveys.whenIdle(surveyId);
    await bff.app.surveys.tickLeases();
    expect(logged('surveys', 'survey_database_unavailable', sinceCut).filter((line) => line.includes(surveyId))).toHaveLength(1);
    expect(logged('surveys', 'lease_database_unavailable', sinceCut)).toHaveLength(1);
    expect(bff.logs.filter((line) => /survey (step|run) failed|"event":"survey_failed"/.test(line))).toEqual([]);

    await cable.restore();
    await vi.waitFor(
      async () => {
        await bff.app.surveys.tickLeases();
        await bff.app.surveys.whenIdle(surveyId);
        expect((await surveyStatus(bff, surveyId)).state).toBe('done');
      },
      { timeout: 30_000, interval: 20 },
    );
    expect(await surveyStatus(bff, surveyId)).toMatchObject({ state: 'done', users: 20, done: 20, failed: 0, results: { usersRead: 20 } });
  });
});
