// A bulk job survives the BFF being killed (SIGKILL, no chance to clean up) in the middle of it:
// a second BFF on the same data directory takes the job over and finishes it, every row applied
// exactly as requested, one audit entry per row, and no row that was confirmed before the crash
// written again. The Chat emulator keeps its state in a file and outlives both BFFs; a small
// proxy in front of it records every mark write that reached it.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { chatCaller, importAccounts } from '../../emulator/test-support';
import type { JobCheckedResponse, JobStatus } from '../../shared/api/jobs';
import { createChatClient } from '../chat/client';
import { verifyAuditChain } from '../store/audit-verify';
import { DATABASE_FILE_NAME, openDatabase } from '../store/database';
import { selectRows } from '../store/sql';
import { childApi, childEnv, prepareChildDataDir, recordingProxy, signInChild, startChildBff } from '../testing/child-bff';
import { announcedWrites } from './line-store';
import { csvOf, jobAuditEntries, plannedRows, upstreamStates } from './testing';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a bulk job and a crashing BFF', () => {
  it('finishes after SIGKILL and a restart: nothing lost, nothing doubled', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'markdesk-crash-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const emulator: RunningEmulator = await startEmulator({ dbFile: join(dir, 'chat.sqlite'), demoData: false, latencyMs: 20 });
    cleanups.push(() => emulator.close());
    const proxy = await recordingProxy(emulator.url);
    cleanups.push(() => proxy.close());

    const users = Array.from({ length: 10 }, (_, i) => `crash.user.${i}`);
    await importAccounts(chatCaller(emulator), users);
    const rows = plannedRows(users, 300, [1, 32, 63], '재시작 后');

    const dataDir = join(dir, 'data');
    await prepareChildDataDir(dataDir);

    // Slow enough (30 writes of 100 take ~1.5 s) that the kill lands mid-job.
    const env = childEnv(emulator, dataDir, proxy.url, { CHAT_RATE_LIMIT_PER_SECOND: '20' });

    const first = await startChildBff(env, dir);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    let session = await signInChild(first);
    const checked = await childApi<JobCheckedResponse>(first, session, 'POST', '/api/jobs', csvOf(rows));
    expect(checked).toMatchObject({ rows: 3000, valid: 3000 });
    await childApi<JobStatus>(first, session, 'POST', `/api/jobs/${checked.jobId}/start`);
    for (let status = await childApi<JobStatus>(first, session, 'GET', `/api/jobs/${checked.jobId}`); status.done < 600; ) {
      if (status.state !== 'running') throw new Error(`the job ended before the kill: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      status = await childApi<JobStatus>(first, session, 'GET', `/api/jobs/${checked.jobId}`);
    }
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    // What the dead process had confirmed, as its database says.
    const afterCrash = await openDatabase({ file: join(dataDir, DATABASE_FILE_NAME) });
    const lineStates = await selectRows<{ line: number; key: string; status: string }>(
      afterCrash.read,
      `SELECT line, chat_user || '/' || conversation_id AS key, status FROM job_rows WHERE job_id = ?`,
      [checked.jobId],
    );
    const afterCrashPending = lineStates.filter((line) => line.status === 'pending').map((line) => line.line);
    const inFlight = (await announcedWrites(afterCrash.read, checked.jobId)).flatMap((write) => write.lines.map(({ line }) => line));
    const entriesAtCrash = (await jobAuditEntries(afterCrash.read, checked.jobId)).length;
    await afterCrash.close();
    const confirmed = lineStates.filter((line) => line.status === 'applied').map((line) => line.key);
    expect(confirmed.length).toBeGreaterThanOrEqual(600);
    expect(confirmed.length).toBeLessThan(3000);
    // One entry per settled line, none for the rest.
    expect(entriesAtCrash).toBe(confirmed.length);
    // The kill caught calls in flight: announced, their writes possibly landed, their lines still pending.
    expect(inFlight.length).toBeGreaterThan(0);
    const pendingLines = new Set(afterCrashPending);
    for (const line of inFlight) expect(pendingLines.has(line), `line ${line}`).toBe(true);

    const second = await startChildBff(env, dir);
    cleanups.push(() => void second.child.kill('SIGKILL'));
    session = await signInChild(second);
    let final: JobStatus;
    const deadline = Date.now() + 60_000;
    for (;;) {
      final = await childApi<JobStatus>(second, session, 'GET', `/api/jobs/${checked.jobId}`);
      if (final.state !== 'running' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(final).toMatchObject({ state: 'done', total: 3000, done: 3000, applied: 3000, unchanged: 0, failed: 0 });
    second.child.kill('SIGTERM');
    const [exitCode] = (await once(second.child, 'exit')) as [number | null];
    expect(exitCode, second.output()).toBe(0);

    // Chat holds exactly what was asked, for every row.
    const chat = createChatClient({ baseUrl: emulator.url, sdkAppId: emulator.sdkAppId, adminIdentifier: emulator.adminIdentifier, secretKey: emulator.secretKey });
    const states = await upstreamStates(chat, rows);
    await chat.close();
    for (const row of rows) expect(states.get(`${row.chatUser}/${row.conversation.id}`)).toEqual({ bits: [1, 32, 63], customMark: '재시작 后' });

    // Every row reached Chat; rows confirmed before the crash exactly once; none more than twice
    // (a row whose answer the crash swallowed may be sent once more — a delta, so harmless).
    expect(proxy.landed.size).toBe(3000);
    for (const key of confirmed) expect(proxy.landed.get(key), key).toBe(1);
    expect(Math.max(...proxy.landed.values())).toBeLessThanOrEqual(2);

    // One audit entry per row, all applied, and the chain intact.
    const store = await openDatabase({ file: join(dataDir, DATABASE_FILE_NAME) });
    try {
      const entries = await jobAuditEntries(store.read, checked.jobId);
      expect(entries).toHaveLength(3000);
      expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(3000);
      expect(entries.filter((entry) => entry.status !== 'applied')).toEqual([]);
      expect((await verifyAuditChain(store)).ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});
