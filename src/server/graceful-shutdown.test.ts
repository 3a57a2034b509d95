// SIGTERM under load: 50 requests and a bulk job in flight. Every request gets an answer (2xx, or
// 503 once the server is closing), the job's call already sent is seen through and recorded, the
// process exits 0, and the next start finishes the job — nothing written twice, nothing unaudited.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../emulator/server';
import { chatCaller, importAccounts } from '../emulator/test-support';
import type { JobCheckedResponse, JobStatus } from '../shared/api/jobs';
import { announcedWrites } from './jobs/line-store';
import { getJob } from './jobs/store';
import { csvOf, jobAuditEntries, plannedRows } from './jobs/testing';
import { verifyAuditChain } from './store/audit-verify';
import { DATABASE_FILE_NAME, openDatabase } from './store/database';
import { selectRow } from './store/sql';
import { childApi, childEnv, prepareChildDataDir, recordingProxy, signInChild, startChildBff, type ChildBff } from './testing/child-bff';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Resolves once `pattern` (global) matches `count` times in the child's output. */
async function outputMatches(bff: ChildBff, pattern: RegExp, count: number): Promise<void> {
  while ((bff.output().match(pattern) ?? []).length < count) {
    if (bff.child.exitCode !== null) throw new Error(`the BFF exited:\n${bff.output()}`);
    await once(bff.child.stdout!, 'data');
  }
}

describe('SIGTERM under load', () => {
  it('answers every request, sees the job’s call in flight through, exits 0, and the job resumes', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'markdesk-sigterm-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const emulator = await startEmulator({ dbFile: join(dir, 'chat.sqlite'), demoData: false, latencyMs: 20 });
    cleanups.push(() => emulator.close());
    const proxy = await recordingProxy(emulator.url);
    cleanups.push(() => proxy.close());

    const users = Array.from({ length: 10 }, (_, i) => `term.user.${i}`);
    await importAccounts(chatCaller(emulator), users);
    // 60 calls of 100 lines: more than the job keeps in flight (32), so some are still unsent when
    // the stop comes, whatever the machine's speed.
    const rows = plannedRows(users, 600, [1, 40], 'graceful');
    const dataDir = join(dir, 'data');
    await prepareChildDataDir(dataDir);
    // 20 calls/s per command: the job takes a while, and 50 account checks queue for ~2.5 s.
    const env = childEnv(emulator, dataDir, proxy.url, { CHAT_RATE_LIMIT_PER_SECOND: '20' });

    const first = await startChildBff(env, dir);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    const session = await signInChild(first);
    const checked = await childApi<JobCheckedResponse>(first, session, 'POST', '/api/jobs', csvOf(rows));
    // The job's third and every later mark_contact call are held before they reach Chat.
    const held = proxy.holdMarkContact(3, { andLater: true });
    await childApi<JobStatus>(first, session, 'POST', `/api/jobs/${checked.jobId}/start`);
    await held.arrived();

    const answers = Array.from({ length: 50 }, (_, i) =>
      request(`${first.url}/api/chat-users/${users[i % users.length]}`, { headers: session.headers }).then(
        async (response) => ({ status: response.statusCode, body: await response.body.text() }),
        (error: unknown) => ({ status: 0, body: String(error) }),
      ),
    );
    // All 50 have reached the server (most wait for the rate limiter)…
    await outputMatches(first, /"url":"\/api\/chat-users\/term\.user\.\d+"[^\n]*"msg":"incoming request"/g, 50);
    // …when the signal arrives; the held call goes on only once the server is stopping.
    first.child.kill('SIGTERM');
    await outputMatches(first, /Markdesk is stopping/g, 1);
    held.release();
    const [exitCode] = (await once(first.child, 'exit')) as [number | null];
    expect(exitCode, first.output()).toBe(0);
    const results = await Promise.all(answers);
    for (const result of results) expect([200, 503], result.body).toContain(result.status);
    expect(results.filter((result) => result.status === 200).length).toBeGreaterThan(0);

    // Stopped cleanly: still running (to resume), no call whose answer was lost, one entry per settled line.
    const stopped = await openDatabase({ file: join(dataDir, DATABASE_FILE_NAME) });
    const settledAtStop = (await selectRow<{ n: number }>(stopped.read, `SELECT count(*) AS n FROM job_rows WHERE job_id = ? AND status <> 'pending'`, [checked.jobId]))!.n;
    expect((await getJob(stopped.read, checked.jobId))?.state).toBe('running');
    // Calls still announced were given up before they were sent (waiting for the limiter when
    // the stop came): none of their lines reached Chat, so the next run sends them once.
    for (const write of await announcedWrites(stopped.read, checked.jobId)) {
      for (const { line } of write.lines) {
        const { key } = (await selectRow<{ key: string }>(stopped.read, `SELECT chat_user || '/' || conversation_id AS key FROM job_rows WHERE job_id = ? AND line = ?`, [checked.jobId, line]))!;
        expect(proxy.landed.get(key), key).toBeUndefined();
      }
    }
    expect(settledAtStop).toBeGreaterThan(0);
    expect(settledAtStop).toBeLessThan(rows.length);
    expect(await jobAuditEntries(stopped.read, checked.jobId)).toHaveLength(settledAtStop);
    await stopped.close();

    const second = await startChildBff(env, dir);
    cleanups.push(() => void second.child.kill('SIGKILL'));
    const again = await signInChild(second);
    let final: JobStatus;
    for (;;) {
      final = await childApi<JobStatus>(second, again, 'GET', `/api/jobs/${checked.jobId}`);
      if (final.state !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(final).toMatchObject({ state: 'done', total: rows.length, applied: rows.length, failed: 0 });
    second.child.kill('SIGTERM');
    expect((await once(second.child, 'exit'))[0]).toBe(0);

    // A graceful stop loses no answer: every row reached Chat exactly once.
    expect(proxy.landed.size).toBe(rows.length);
    expect(Math.max(...proxy.landed.values())).toBe(1);
    const store = await openDatabase({ file: join(dataDir, DATABASE_FILE_NAME) });
    try {
      const entries = await jobAuditEntries(store.read, checked.jobId);
      expect(entries).toHaveLength(rows.length);
      expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(rows.length);
      expect((await verifyAuditChain(store)).ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});
