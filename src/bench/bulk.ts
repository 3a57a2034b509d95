// Bulk marking throughput: a job run through the BFF against the emulator enforcing Tencent's
// 200 calls/s per command with 20 ms latency; marks per second achieved ÷ (configured calls/s ×
// 100 items per call). The emulator runs in its own process (its CPU would otherwise be counted
// against the BFF's one event loop), the BFF in this one with an on-disk database, as in
// production. A second child process runs a 100,000-row job alone and samples its RSS.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import type { JobCheckedResponse, JobStatus } from '../shared/api/jobs';
import { buildApp } from '../server/app';
import { createLoginThrottle } from '../server/auth/login-throttle';
import { createSession } from '../server/auth/sessions';
import { createStaff } from '../server/auth/staff';
import { createChatClient, type ChatClient, type ChatClientEvent } from '../server/chat/client';
import { sessionCookieFor } from '../server/http/auth';
import { JOB_CSV_HEADER } from '../server/jobs/testing';
import { DATABASE_FILE_NAME, openDatabase, type Reader, type Store } from '../server/store/database';
import { serverNodeOptions } from './server-flags';
import { systemClock } from '../server/clock';

const root = join(import.meta.dirname, '../..');
const ORIGIN = 'http://127.0.0.1:8080';
const WRITE_HEADERS = { 'x-requested-by': 'markdesk', origin: ORIGIN, 'sec-fetch-site': 'same-origin' };
/** Tencent's per-call maximum of mark_contact. */
const ITEMS_PER_CALL = 100;
/** Tencent's cap of marked conversations per user: each bench user gets at most this many rows. */
const ROWS_PER_USER = 1000;

export type EmulatorProcess = {
  url: string;
  sdkAppId: number;
  adminIdentifier: string;
  secretKey: string;
  /** CPU seconds the emulator process has used so far (Linux /proc; NaN elsewhere). */
  cpuSeconds(): number;
  close(): Promise<void>;
};

/** user + system CPU seconds of a process, from /proc/{pid}/stat (clock ticks of 1/100 s). */
export function processCpuSeconds(pid: number | undefined): number {
  return cpuSecondsOf(`/proc/${pid}/stat`);
}

/** user + system CPU seconds of this process's main thread (the event loop), from /proc. */
function mainThreadCpuSeconds(): number {
  return cpuSecondsOf(`/proc/self/task/${process.pid}/stat`);
}

function cpuSecondsOf(file: string): number {
  try {
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The emulator CLI in a child process: the given latency, stats enabled, rate limits on unless turned off. */
export async function startEmulatorProcess(latencyMs: number, options: { rateLimits?: boolean; demoData?: boolean } = {}): Promise<EmulatorProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href,
      join(root, 'src/emulator/cli.ts'),
      '--port',
      '0',
      ...(options.demoData ? [] : ['--no-demo-data']),
      '--faults',
      '--latency-ms',
      String(latencyMs),
      ...(options.rateLimits === false ? ['--no-rate-limits'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!/Secret key: (\S+)/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the emulator did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url: /listening on (\S+)/.exec(output)![1]!,
    sdkAppId: Number(/SDKAppID: (\d+)/.exec(output)![1]),
    adminIdentifier: /Admin identifier: (\S+)/.exec(output)![1]!,
    secretKey: /Secret key: (\S+)/.exec(output)![1]!,
    cpuSeconds: () => processCpuSeconds(child.pid),
    close: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

export type BenchBff = {
  store: Store;
  chat: ChatClient;
  inject: (options: { method: 'GET' | 'POST'; url: string; payload?: string; csv?: boolean; json?: boolean }) => Promise<{ statusCode: number; body: string }>;
  /** Listens on a loopback port; the headers a signed-in SPA sends with a write. */
  listen(): Promise<{ url: string; headers: Record<string, string> }>;
  close(): Promise<void>;
};

/** A Chat client on the emulator process, with main.ts's 64 connections. */
function benchChatClient(emulator: Omit<EmulatorProcess, 'close'>, callsPerSecond: number, onEvent?: (event: ChatClientEvent) => void): ChatClient {
  return createChatClient({
    ...(onEvent ? { onEvent } : {}),
    baseUrl: emulator.url,
    sdkAppId: emulator.sdkAppId,
    adminIdentifier: emulator.adminIdentifier,
    secretKey: emulator.secretKey,
    ratePerSecond: callsPerSecond,
    connections: 64,
  });
}

/** The BFF as main.ts wires it (database file, job runner with its ledger worker, client with 64 connections), driven by inject. */
export async function startBenchBff(
  emulator: Omit<EmulatorProcess, 'close'>,
  callsPerSecond: number,
  dataDir: string,
  onChatEvent?: (event: ChatClientEvent) => void,
): Promise<BenchBff> {
  const store = await openDatabase({ file: join(dataDir, DATABASE_FILE_NAME) });
  const chat = benchChatClient(emulator, callsPerSecond, onChatEvent);
  await createStaff(store, { username: 'bench', role: 'editor', password: 'a bench password of no value' });
  const { sessionId } = await createSession(store, 'bench', { ip: '127.0.0.1', userAgent: 'bench' });
  const cookie = `${sessionCookieFor(ORIGIN).name}=${sessionId}`;
  const app = await buildApp(
    {
      store,
      chat,
      clock: systemClock,
      loginThrottle: createLoginThrottle(store),
      cookie: sessionCookieFor(ORIGIN),
      mode: 'live',
      chatApp: { sdkAppId: emulator.sdkAppId, region: null },
      version: 'bench',
    },
    { publicOrigin: ORIGIN, logLevel: 'warn', logStream: new Writable({ write: (_chunk, _encoding, done) => done() }) },
  );
  return {
    store,
    chat,
    async inject({ method, url, payload, csv, json }) {
      const response = await app.inject({
        method,
        url,
        headers: { ...WRITE_HEADERS, cookie, ...(csv ? { 'content-type': 'text/csv' } : json ? { 'content-type': 'application/json' } : {}) },
        ...(payload !== undefined ? { payload } : {}),
      });
      return { statusCode: response.statusCode, body: response.body };
    },
    async listen() {
      return { url: await app.listen({ host: '127.0.0.1', port: 0 }), headers: { ...WRITE_HEADERS, cookie } };
    },
    async close() {
      // The app closes its job runner, ledger, Chat client and database.
      await app.close();
    },
  };
}

/** Imports `users` chat accounts (100 per call). */
export async function importUsers(chat: ChatClient, users: readonly string[]): Promise<void> {
  for (let start = 0; start < users.length; start += 100) {
    const response = await chat.call('im_open_login_svc/multiaccount_import', { Accounts: users.slice(start, start + 100) });
    if (response.FailAccounts.length > 0) throw new Error(`could not import ${response.FailAccounts.join(', ')}`);
  }
}

/**
 * How the rows of a bench file are ordered. `grouped`: each user's rows together (the favourable
 * case); `random`: shuffled (a file as people export and edit them — the case the goal is about).
 */
export type RowOrder = 'grouped' | 'random';

/** A small seeded generator (mulberry32): the same shuffle in every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A job file of `rows` lines, `ROWS_PER_USER` per user, each setting bits 0 and 32 and a custom mark. */
export async function writeBenchCsv(file: string, rows: number, userPrefix: string, order: RowOrder = 'grouped'): Promise<string[]> {
  const users = Array.from({ length: Math.ceil(rows / ROWS_PER_USER) }, (_, u) => `${userPrefix}.${u}`);
  const indexes = Array.from({ length: rows }, (_, i) => i);
  if (order === 'random') {
    const random = seededRandom(rows);
    for (let i = indexes.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!];
    }
  }
  const out = createWriteStream(file);
  out.write(`${JOB_CSV_HEADER}\r\n`);
  for (const i of indexes) {
    const line = `${users[Math.floor(i / ROWS_PER_USER)]},c2c,customer.${i % ROWS_PER_USER},favourite 32,,"VIP, 우선",\r\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return users;
}

/** Uploads (unless given a checked job), starts and waits for a job; how long it ran (start → done). */
export async function runJob(bff: BenchBff, csv: string | JobCheckedResponse): Promise<{ seconds: number; status: JobStatus; startedAt: number }> {
  let jobId: string;
  if (typeof csv === 'string') {
    const upload = await bff.inject({ method: 'POST', url: '/api/jobs', payload: csv, csv: true });
    if (upload.statusCode !== 201) throw new Error(`upload failed: ${upload.statusCode} ${upload.body}`);
    jobId = (JSON.parse(upload.body) as JobCheckedResponse).jobId;
  } else {
    jobId = csv.jobId;
  }
  const startedAt = performance.now();
  const start = await bff.inject({ method: 'POST', url: `/api/jobs/${jobId}/start` });
  if (start.statusCode !== 200) throw new Error(`start failed: ${start.statusCode} ${start.body}`);
  for (;;) {
    const status = JSON.parse((await bff.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).body) as JobStatus;
    if (status.state !== 'running') return { seconds: (performance.now() - startedAt) / 1000, status, startedAt };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Rows of a finished job that failed because Chat said "too frequent" (must be none). */
async function rateLimitFailures(db: Reader, jobId: string): Promise<number> {
  const { n } = await db
    .selectFrom('job_rows')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('job_id', '=', jobId)
    .where('status', '=', 'failed')
    .where('upstream_code', 'in', [60007, 60011, 60018, 60019])
    .executeTakeFirstOrThrow();
  return n;
}

async function emulatorErrorCount(emulator: EmulatorProcess, code: string): Promise<number> {
  const response = await fetch(`${emulator.url}/__emulator/stats`);
  const stats = (await response.json()) as { commands: Record<string, { errorCodes: Record<string, number> }> };
  return Object.values(stats.commands).reduce((sum, command) => sum + (command.errorCodes[code] ?? 0), 0);
}

export type BulkThroughputReport = {
  rows: number;
  order: RowOrder;
  callsPerSecond: number;
  upstreamLatencyMs: number;
  seconds: number;
  marksPerSecond: number;
  /** marksPerSecond ÷ (callsPerSecond × 100). */
  ratio: number;
  /** From POST …/start to the first mark_contact leaving the BFF. */
  firstWriteMs: number;
  failedForRateLimits: number;
  /** 60007 answers the emulator gave (the client retried them). */
  rateLimitAnswers: number;
  /** CPU time per row while the job ran: this process (the BFF) and the emulator's. */
  bffCpuMicrosPerRow: number;
  /** Of the BFF's: its main thread (the event loop); the rest is the ledger worker, libuv's and V8's threads. */
  bffMainThreadCpuMicrosPerRow: number;
  emulatorCpuMicrosPerRow: number;
  result: JobStatus;
};

/**
 * A job of `rows` rows in the given order, on a freshly started BFF (no warm-up job: the first
 * seconds of a server are part of what a person meets), timed from Start until the job reads done.
 */
export async function measureBulkThroughput(
  emulator: EmulatorProcess,
  options: { rows?: number; callsPerSecond?: number; upstreamLatencyMs: number; order: RowOrder },
): Promise<BulkThroughputReport> {
  const rows = options.rows ?? 100_000;
  const callsPerSecond = options.callsPerSecond ?? 200;
  const dir = mkdtempSync(join(tmpdir(), 'markdesk-bench-bulk-'));
  let firstWriteAt = Number.NaN;
  const bff = await startBenchBff(emulator, callsPerSecond, dir, (event) => {
    if (event.command === 'recentcontact/mark_contact' && Number.isNaN(firstWriteAt)) firstWriteAt = performance.now() - event.durationMs;
  });
  try {
    const file = join(dir, 'job.csv');
    const users = await writeBenchCsv(file, rows, `bench.${options.order}.${Date.now()}`, options.order);
    await importUsers(bff.chat, users);
    const csv = readFileSync(file, 'utf8');
    const upload = await bff.inject({ method: 'POST', url: '/api/jobs', payload: csv, csv: true });
    if (upload.statusCode !== 201) throw new Error(`upload failed: ${upload.statusCode} ${upload.body}`);
    const before60007 = await emulatorErrorCount(emulator, '60007');
    const cpuBefore = process.cpuUsage();
    const mainThreadBefore = mainThreadCpuSeconds();
    const emulatorCpuBefore = emulator.cpuSeconds();
    firstWriteAt = Number.NaN;
    const { seconds, status, startedAt } = await runJob(bff, JSON.parse(upload.body) as JobCheckedResponse);
    const cpu = process.cpuUsage(cpuBefore);
    const mainThreadCpu = mainThreadCpuSeconds() - mainThreadBefore;
    const emulatorCpu = emulator.cpuSeconds() - emulatorCpuBefore;
    if (status.state !== 'done' || status.done !== rows) throw new Error(`the job did not finish: ${JSON.stringify(status)}`);
    const marksPerSecond = rows / seconds;
    return {
      rows,
      order: options.order,
      callsPerSecond,
      upstreamLatencyMs: options.upstreamLatencyMs,
      seconds,
      marksPerSecond,
      ratio: marksPerSecond / (callsPerSecond * ITEMS_PER_CALL),
      firstWriteMs: firstWriteAt - startedAt,
      failedForRateLimits: await rateLimitFailures(bff.store.read, status.jobId),
      rateLimitAnswers: (await emulatorErrorCount(emulator, '60007')) - before60007,
      bffCpuMicrosPerRow: (cpu.user + cpu.system) / rows,
      bffMainThreadCpuMicrosPerRow: (mainThreadCpu * 1e6) / rows,
      emulatorCpuMicrosPerRow: (emulatorCpu * 1e6) / rows,
      result: status,
    };
  } finally {
    await bff.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export type DirectCeilingReport = { rows: number; seconds: number; marksPerSecond: number; ratio: number; rateLimitAnswers: number };

/**
 * The same emulator driven directly by a Chat client with the same limiter: mark_contact calls of
 * 100 items, 32 at a time, no BFF. What the upstream side of this machine absorbs — the ceiling the
 * BFF's figure is to be read against.
 */
export async function measureDirectCeiling(emulator: EmulatorProcess, options: { rows?: number; callsPerSecond?: number } = {}): Promise<DirectCeilingReport> {
  const rows = options.rows ?? 60_000;
  const callsPerSecond = options.callsPerSecond ?? 200;
  const chat = benchChatClient(emulator, callsPerSecond);
  try {
    const users = Array.from({ length: Math.ceil(rows / ROWS_PER_USER) }, (_, u) => `direct.${Date.now()}.${u}`);
    await importUsers(chat, users);
    const calls = Array.from({ length: rows / ITEMS_PER_CALL }, (_, call) => call);
    let next = 0;
    const before60007 = await emulatorErrorCount(emulator, '60007');
    const startedAt = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < calls.length) {
          const call = next++;
          const first = call * ITEMS_PER_CALL;
          const response = await chat.call('recentcontact/mark_contact', {
            From_Account: users[Math.floor(first / ROWS_PER_USER)]!,
            MarkItem: Array.from({ length: ITEMS_PER_CALL }, (_, i) => ({
              OptType: 3 as const,
              ContactItem: { Type: 1 as const, To_Account: `customer.${(first + i) % ROWS_PER_USER}` },
              SetMark: [0, 32],
              CustomMark: 'VIP, 우선',
            })),
          });
          if (response.ResultItem.some((item) => item.ResultCode !== 0)) throw new Error('a direct write failed');
        }
      }),
    );
    const seconds = (performance.now() - startedAt) / 1000;
    return {
      rows,
      seconds,
      marksPerSecond: rows / seconds,
      ratio: rows / seconds / (callsPerSecond * ITEMS_PER_CALL),
      rateLimitAnswers: (await emulatorErrorCount(emulator, '60007')) - before60007,
    };
  } finally {
    await chat.close();
  }
}

export type BulkMemoryReport = {
  rows: number;
  csvBytes: number;
  /** RSS of the idle server (after a small warm-up job and a GC), and its peak during upload and run. */
  baselineRssBytes: number;
  peakRssBytes: number;
  /** The highest RSS while the file was uploaded and checked (the rest of the peak is the run's). */
  uploadPeakRssBytes: number;
  /** At the peak: whether the upload or the run, and this thread's heap and the buffers outside it (baseline values for comparison). */
  atPeak: { phase: 'upload' | 'run'; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number; baselineHeapTotal: number; baselineExternal: number };
  /** Heap in use after the job and a GC, minus before: what the job kept. */
  liveHeapGrowthBytes: number;
  seconds: number;
  state: string;
};

/** Runs bulk-memory-child.ts (a 100,000-row job, nothing else in that process) and reads its report. */
export async function measureBulkMemory(emulator: EmulatorProcess, options: { rows?: number; callsPerSecond?: number } = {}): Promise<BulkMemoryReport> {
  // With the node options of `npm start`: the job's memory as the server would use it.
  // BENCH_EXTRA_NODE_OPTIONS: node options to try beside them (an experiment, not a server setting).
  const extra = (process.env.BENCH_EXTRA_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...serverNodeOptions(root), ...extra, '--expose-gc', '--import', pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href, join(import.meta.dirname, 'bulk-memory-child.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      BENCH_EMULATOR: JSON.stringify({ url: emulator.url, sdkAppId: emulator.sdkAppId, adminIdentifier: emulator.adminIdentifier, secretKey: emulator.secretKey }),
      BENCH_ROWS: String(options.rows ?? 100_000),
      BENCH_CALLS_PER_SECOND: String(options.callsPerSecond ?? 200),
    },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const line = output.split('\n').find((text) => text.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`the memory run failed (exit ${code}):\n${output}`);
  return JSON.parse(line) as BulkMemoryReport;
}
