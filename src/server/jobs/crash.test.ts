// A bulk job survives the BFF being killed (SIGKILL, no chance to clean up) in the middle of it:
// a second BFF on the same data directory takes the job over and finishes it, every row applied
// exactly as requested, one audit entry per row, and no row that was confirmed before the crash
// written again. The Chat emulator keeps its state in a file and outlives both BFFs; a small
// proxy in front of it records every mark write that reached it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { chatCaller, importAccounts } from '../../emulator/test-support';
import type { JobCheckedResponse, JobStatus } from '../../shared/api/jobs';
import { createStaff } from '../auth/staff';
import { createChatClient } from '../chat/client';
import { verifyAuditChain } from '../store/audit';
import { DATABASE_FILE_NAME, openDatabase } from '../store/database';
import { announcedWrites } from './store';
import { csvOf, jobAuditEntries, plannedRows, upstreamStates } from './testing';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const PASSWORD = 'a long and private passphrase';

type Bff = { child: ChildProcess; url: string; output: () => string };

/** Starts main.ts as its own process and resolves with the URL it prints. */
async function startBff(env: NodeJS.ProcessEnv, cwd: string): Promise<Bff> {
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href, join(root, 'src/server/main.ts')], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const match = /Markdesk is running at (http:\/\/\S+)/.exec(output);
    if (match) return { child, url: match[1]!, output: () => output };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the BFF did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A pass-through to the emulator that counts, per conversation, the mark writes Chat accepted. */
async function recordingProxy(target: string): Promise<{ url: string; landed: Map<string, number>; close(): Promise<void> }> {
  const landed = new Map<string, number>();
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      void request(`${target}${incoming.url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
        async (answer) => {
          const text = await answer.body.text();
          // Counted when Chat accepted the call, whether or not the BFF lived to read the answer.
          if (incoming.url?.startsWith('/v4/recentcontact/mark_contact') && (JSON.parse(text) as { ErrorCode: number }).ErrorCode === 0) {
            const { From_Account: user, MarkItem: items } = JSON.parse(body) as { From_Account: string; MarkItem: { ContactItem: { To_Account: string } }[] };
            for (const item of items) landed.set(`${user}/${item.ContactItem.To_Account}`, (landed.get(`${user}/${item.ContactItem.To_Account}`) ?? 0) + 1);
          }
          if (!outgoing.destroyed) outgoing.writeHead(answer.statusCode, { 'content-type': 'application/json' }).end(text);
        },
        () => outgoing.destroy(),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    landed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function signIn(bff: Bff): Promise<{ headers: Record<string, string> }> {
  const response = await request(`${bff.url}/api/session`, {
    method: 'POST',
    headers: { 'x-requested-by': 'markdesk', 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'support', password: PASSWORD }),
  });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode}`);
  const cookie = String(response.headers['set-cookie']).split(';')[0]!;
  return { headers: { cookie, 'x-requested-by': 'markdesk' } };
}

async function api<T>(bff: Bff, session: { headers: Record<string, string> }, method: 'GET' | 'POST', path: string, csv?: string): Promise<T> {
  const response = await request(`${bff.url}${path}`, {
    method,
    headers: { ...session.headers, ...(csv !== undefined ? { 'content-type': 'text/csv' } : {}) },
    ...(csv !== undefined ? { body: csv } : {}),
  });
  const body = (await response.body.json()) as T;
  if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode} ${JSON.stringify(body)}`);
  return body;
}

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
    const setup = await openDatabase({ file: join(dataDir, DATABASE_FILE_NAME) });
    await createStaff(setup, { username: 'support', role: 'editor', password: PASSWORD });
    await setup.close();

    // Its own directory as working directory: no .env of the checkout is read.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CHAT_|MARKDESK_)/.test(name)));
    const env = {
      ...inherited,
      MARKDESK_PORT: '0',
      MARKDESK_HOST: '127.0.0.1',
      MARKDESK_DATA_DIR: dataDir,
      MARKDESK_SKIP_SPA_BUILD: '1',
      CHAT_SDKAPPID: String(emulator.sdkAppId),
      CHAT_SECRET_KEY: emulator.secretKey,
      CHAT_API_BASE_URL: proxy.url,
      // Slow enough (30 writes of 100 take ~1.5 s) that the kill lands mid-job.
      CHAT_RATE_LIMIT_PER_SECOND: '20',
    };

    const first = await startBff(env, dir);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    let session = await signIn(first);
    const checked = await api<JobCheckedResponse>(first, session, 'POST', '/api/jobs', csvOf(rows));
    expect(checked).toMatchObject({ rows: 3000, valid: 3000 });
    await api<JobStatus>(first, session, 'POST', `/api/jobs/${checked.jobId}/start`);
    for (let status = await api<JobStatus>(first, session, 'GET', `/api/jobs/${checked.jobId}`); status.done < 600; ) {
      if (status.state !== 'running') throw new Error(`the job ended before the kill: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      status = await api<JobStatus>(first, session, 'GET', `/api/jobs/${checked.jobId}`);
    }
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    // What the dead process had confirmed, as its database says.
    const afterCrash = await openDatabase({ file: join(dataDir, DATABASE_FILE_NAME) });
    const lineStates = afterCrash.sqlite
      .prepare(`SELECT line, chat_user || '/' || conversation_id AS key, status FROM job_rows WHERE job_id = ?`)
      .all(checked.jobId) as { line: number; key: string; status: string }[];
    const afterCrashPending = lineStates.filter((line) => line.status === 'pending').map((line) => line.line);
    const inFlight = announcedWrites(afterCrash, checked.jobId).flatMap((write) => write.lines.map(({ line }) => line));
    const entriesAtCrash = jobAuditEntries(afterCrash, checked.jobId).length;
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

    const second = await startBff(env, dir);
    cleanups.push(() => void second.child.kill('SIGKILL'));
    session = await signIn(second);
    let final: JobStatus;
    const deadline = Date.now() + 60_000;
    for (;;) {
      final = await api<JobStatus>(second, session, 'GET', `/api/jobs/${checked.jobId}`);
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
      const entries = jobAuditEntries(store, checked.jobId);
      expect(entries).toHaveLength(3000);
      expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(3000);
      expect(entries.filter((entry) => entry.status !== 'applied')).toEqual([]);
      expect(verifyAuditChain(store).ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});
