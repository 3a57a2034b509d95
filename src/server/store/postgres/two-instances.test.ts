// Two Markdesk processes on one PostgreSQL database and one Chat app (the emulator, behind a proxy
// that records every mark write): what one instance does, the other sees; writes from both at once
// lose nothing; a job whose instance is killed is finished by the other, each line written once;
// and together they keep to one rate budget.
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../emulator/server';
import { chatCaller, importAccounts } from '../../../emulator/test-support';
import type { JobCheckedResponse, JobStatus } from '../../../shared/api/jobs';
import type { MarkResult } from '../../../shared/api/marks';
import { busiestSecond } from '../../chat/testing/busiest-second';
import { verifyAuditChain } from '../audit-verify';
import type { StoreLocation } from '../database';
import { openStore } from '../open';
import { csvOf, jobAuditEntries, plannedRows } from '../../jobs/testing';
import {
  type ChildBff,
  childApi,
  childDatabaseUrl,
  childEnv,
  prepareChildDataDir,
  recordingProxy,
  type RecordingProxy,
  signInChild,
  startChildBff,
} from '../../testing/child-bff';
import { dropTestSchema, freshPostgresLocation } from '../../testing/test-store';

/** The rate each command may use, together, in the tests below (calls per second). */
const RATE = 20;
/** How much later than its slot a call may be seen at the proxy on a busy machine (ms). */
const ARRIVAL_JITTER_MS = 200;
const AUDIT_KEY = randomBytes(32).toString('hex');

let dir: string;
let emulator: RunningEmulator;
let proxy: RecordingProxy;
let location: StoreLocation & { dialect: 'postgres' };
const children: ChildBff[] = [];

function startInstance(name: string): Promise<ChildBff> {
  const env = childEnv(emulator, join(dir, name), proxy.url, {
    MARKDESK_DATABASE_URL: childDatabaseUrl(location),
    MARKDESK_AUDIT_KEY: AUDIT_KEY,
    CHAT_RATE_LIMIT_PER_SECOND: String(RATE),
  });
  return startChildBff(env, dir).then((child) => {
    children.push(child);
    return child;
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'markdesk-two-'));
  emulator = await startEmulator({ dbFile: join(dir, 'chat.sqlite'), demoData: false, latencyMs: 20 });
  proxy = await recordingProxy(emulator.url);
  location = freshPostgresLocation();
  await prepareChildDataDir(join(dir, 'setup'), { location, auditKey: Buffer.from(AUDIT_KEY, 'utf8') });
  const users = ['two.alice', ...Array.from({ length: 40 }, (_, i) => `two.user.${i}`), ...Array.from({ length: 10 }, (_, i) => `two.take.${i}`)];
  await importAccounts(chatCaller(emulator), users);
}, 120_000);

afterAll(async () => {
  for (const child of children) child.child.kill('SIGKILL');
  await proxy.close();
  await emulator.close();
  await dropTestSchema(location);
  rmSync(dir, { recursive: true, force: true });
});

async function saveBits(instance: ChildBff, cookie: Awaited<ReturnType<typeof signInChild>>, setBits: number[]): Promise<MarkResult> {
  const answer = await childApi<{ results: MarkResult[] }>(instance, cookie, 'POST', '/api/chat-users/two.alice/marks', {
    items: [{ conversation: { type: 'c2c', id: 'two.bob' }, setBits }],
    reason: 'two instances',
  });
  return answer.results[0]!;
}

describe('two instances on one PostgreSQL database', () => {
  it('share sessions, writes and the audit chain', { timeout: 180_000 }, async () => {
    const [a, b] = await Promise.all([startInstance('a'), startInstance('b')]);

    // A session made on A works on B; signing out on B ends it on A.
    const session = await signInChild(a);
    const onB = await request(`${b.url}/api/session`, { headers: session.headers });
    expect(onB.statusCode).toBe(200);
    expect(await onB.body.json()).toMatchObject({ username: 'support' });

    // Writes on both at once, many times over: each gets its own bit, none is lost.
    for (let round = 0; round < 10; round++) {
      const bits = [32 + 2 * round, 33 + 2 * round];
      const results = await Promise.all([saveBits(a, session, [bits[0]!]), saveBits(b, session, [bits[1]!])]);
      for (const result of results) expect(result.status).toBe('applied');
    }
    const state = await childApi<{ conversations: { conversation: { id: string }; bits: number[] }[] }>(
      b,
      session,
      'GET',
      '/api/chat-users/two.alice/conversations',
    );
    const bob = state.conversations.find((entry) => entry.conversation.id === 'two.bob');
    expect(bob?.bits).toEqual(Array.from({ length: 20 }, (_, i) => 32 + i));

    // One chain, appended from both processes, still verifies.
    const store = await openStore(location, Buffer.from(AUDIT_KEY, 'utf8'));
    try {
      expect(await verifyAuditChain(store)).toMatchObject({ ok: true, breakCount: 0 });
    } finally {
      await store.close();
    }

    const signOut = await request(`${b.url}/api/session`, { method: 'DELETE', headers: session.headers });
    await signOut.body.dump();
    const onA = await request(`${a.url}/api/session`, { headers: session.headers });
    await onA.body.dump();
    expect(onA.statusCode).toBe(401);
  });

  it('keep one rate budget: no sliding second holds more mark_contact calls than the ceiling', { timeout: 180_000 }, async () => {
    const [a, b] = children.length >= 2 ? children : await Promise.all([startInstance('a'), startInstance('b')]);
    const session = await signInChild(a!);
    // One job per instance, 20 users each: 20 mark_contact calls per job, all due at once.
    const jobs = await Promise.all(
      [a!, b!].map(async (instance, n) => {
        const users = Array.from({ length: 20 }, (_, i) => `two.user.${20 * n + i}`);
        const checked = await childApi<JobCheckedResponse>(instance, session, 'POST', '/api/jobs', csvOf(plannedRows(users, 3, [40 + n])));
        return { instance, jobId: checked.jobId };
      }),
    );
    const before = proxy.markArrivals.length;
    await Promise.all(jobs.map(({ instance, jobId }) => childApi<JobStatus>(instance, session, 'POST', `/api/jobs/${jobId}/start`)));
    for (const { instance, jobId } of jobs) {
      for (;;) {
        const status = await childApi<JobStatus>(instance, session, 'GET', `/api/jobs/${jobId}`);
        if (status.state === 'done') break;
        expect(status.state).toBe('running');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const arrivals = proxy.markArrivals.slice(before);
    expect(arrivals).toHaveLength(40);
    // Times are taken where the calls reach the proxy, after each process's own scheduling delay —
    // on a busy 2-core machine up to a couple of hundred ms, beyond the limiter's 40 ms margin for
    // unequal delays on the way. So no window of 800 ms may hold more than the ceiling: two
    // instances each spending a budget of their own would put about 32 calls in one.
    expect(busiestSecond(arrivals, 1000 - ARRIVAL_JITTER_MS)).toBeLessThanOrEqual(RATE);
  });

  it('finish a job whose instance was killed: the other takes it over, each line written once', { timeout: 240_000 }, async () => {
    for (const child of children.splice(0)) {
      child.child.kill('SIGKILL');
      await once(child.child, 'exit').catch(() => undefined);
    }
    const [a, b] = await Promise.all([startInstance('a'), startInstance('b')]);
    const session = await signInChild(a);
    const users = Array.from({ length: 10 }, (_, i) => `two.take.${i}`);
    const rows = plannedRows(users, 200, [50], 'takeover');
    const checked = await childApi<JobCheckedResponse>(a, session, 'POST', '/api/jobs', csvOf(rows));
    // Started on A: A holds its lease.
    await childApi<JobStatus>(a, session, 'POST', `/api/jobs/${checked.jobId}/start`);
    for (let status = await childApi<JobStatus>(b, session, 'GET', `/api/jobs/${checked.jobId}`); status.done < 200; ) {
      expect(status.state).toBe('running');
      await new Promise((resolve) => setTimeout(resolve, 10));
      status = await childApi<JobStatus>(b, session, 'GET', `/api/jobs/${checked.jobId}`);
    }
    a.child.kill('SIGKILL');
    await once(a.child, 'exit');
    // What A had confirmed, read at once: B takes over at its next lease step at the soonest (on this
    // host A's pid is seen gone; on another host, once A's lease lapsed), up to 5 s from now.
    const atKill = await openStore(location, Buffer.from(AUDIT_KEY, 'utf8'));
    const confirmed = (
      await atKill.read.selectFrom('job_rows').select(['chat_user', 'conversation_id']).where('job_id', '=', checked.jobId).where('status', '=', 'applied').execute()
    ).map((row) => `${row.chat_user}/${row.conversation_id}`);
    await atKill.close();
    expect(confirmed.length).toBeGreaterThanOrEqual(200);
    expect(confirmed.length).toBeLessThan(2000);

    // B takes the job over and finishes it.
    let final: JobStatus;
    for (;;) {
      final = await childApi<JobStatus>(b, session, 'GET', `/api/jobs/${checked.jobId}`);
      if (final.state !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(final).toMatchObject({ state: 'done', total: 2000, applied: 2000, failed: 0 });

    // Every line reached Chat; the lines A had confirmed exactly once, none more than twice (a call
    // whose answer the kill swallowed may be sent again: a delta, so harmless).
    for (const row of rows) expect(proxy.landed.get(`${row.chatUser}/${row.conversation.id}`) ?? 0).toBeGreaterThanOrEqual(1);
    for (const key of confirmed) expect(proxy.landed.get(key), key).toBe(1);
    const store = await openStore(location, Buffer.from(AUDIT_KEY, 'utf8'));
    try {
      const entries = await jobAuditEntries(store.read, checked.jobId);
      expect(entries).toHaveLength(2000);
      expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(2000);
      expect((await verifyAuditChain(store)).ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});
