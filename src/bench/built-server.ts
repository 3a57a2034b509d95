// The built server as `npm start` runs it (dist/server/main.mjs on plain node with the node options
// of package.json's start script), in live mode against an emulator process, with a signed-in
// staff member, for the benchmarks that measure the server as deployed: the memory soak and the
// memory of a bulk job.
//
// Its memory is read from /proc (RSS, and VmHWM: the highest RSS since the last reset), and its
// heap after a full garbage collection through the inspector protocol: the bench passes
// `--inspect=127.0.0.1:0` to this child only, connects for a moment to collect garbage and read
// process.memoryUsage(), and disconnects. Nothing in the server changes for it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, WebSocket } from 'undici';
import { createSession } from '../server/auth/sessions';
import { createStaff } from '../server/auth/staff';
import { sessionCookieFor } from '../server/http/auth';
import { DATABASE_FILE_NAME, openDatabase } from '../server/store/database';
import type { JobCheckedResponse, JobStatus } from '../shared/api/jobs';
import { createChatClient } from '../server/chat/client';
import { importUsers, writeBenchCsv, type EmulatorProcess } from './bulk';
import { serverNodeOptions } from './server-flags';

const root = join(import.meta.dirname, '../..');

export type HeapReading = { rss: number; heapUsed: number; heapTotal: number; external: number };

export type BuiltServer = {
  url: string;
  pid: number;
  /** Cookie and the headers a signed-in SPA sends with a write. */
  headers: Record<string, string>;
  dataDir: string;
  /** Resident memory now (/proc VmRSS). */
  rss(): number;
  /** The highest RSS since the start or the last resetPeak (/proc VmHWM). */
  peakRss(): number;
  /** Starts VmHWM again from the current RSS (Linux: /proc/{pid}/clear_refs). */
  resetPeak(): boolean;
  /** A full garbage collection in the server, then its memory. */
  collectGarbage(): Promise<HeapReading>;
  close(): Promise<void>;
};

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** One short inspector session: each command in turn, then the connection closes. */
async function inspect(port: number, commands: { method: string; params?: object }[]): Promise<unknown[]> {
  const targets = (await (await request(`http://127.0.0.1:${port}/json/list`)).body.json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('could not reach the server’s inspector')), { once: true });
  });
  const results: unknown[] = [];
  try {
    for (const [id, command] of commands.entries()) {
      const answer = new Promise<unknown>((resolve, reject) => {
        const onMessage = (event: { data: unknown }) => {
          const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: unknown };
          if (message.id !== id) return;
          socket.removeEventListener('message', onMessage);
          if (message.error) reject(new Error(`inspector: ${JSON.stringify(message.error)}`));
          else resolve(message.result);
        };
        socket.addEventListener('message', onMessage);
      });
      socket.send(JSON.stringify({ id, ...command }));
      results.push(await answer);
    }
  } finally {
    socket.close();
  }
  return results;
}

/**
 * Starts the built server with a fresh data directory (an editor, `bench`, signed in) against the
 * emulator, and waits for /api/health. Expects a build (npm run build; `npm run bench` makes one).
 * With `sessionId`, the server is given its database in `env` (MARKDESK_DATABASE_URL) where that
 * session already exists, and nothing is set up in the data directory.
 */
export async function startBuiltServer(
  upstream: Omit<EmulatorProcess, 'close'>,
  options: { port?: number; env?: Record<string, string>; nodeFlags?: string[]; sessionId?: string } = {},
): Promise<BuiltServer> {
  const port = options.port ?? 18_000 + Math.floor(Math.random() * 1000);
  const inspectorPort = port + 1000;
  const origin = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'markdesk-bench-built-'));
  const sessionId = options.sessionId ?? (await sqliteSession(dataDir));

  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CHAT_|MARKDESK_|NODE_OPTIONS$)/.test(name)));
  const child = spawn(process.execPath, [...serverNodeOptions(root), ...(options.nodeFlags ?? []), `--inspect=127.0.0.1:${inspectorPort}`, join(root, 'dist/server/main.mjs')], {
    cwd: dataDir,
    env: {
      ...inherited,
      CHAT_SDKAPPID: String(upstream.sdkAppId),
      CHAT_SECRET_KEY: upstream.secretKey,
      CHAT_ADMIN_IDENTIFIER: upstream.adminIdentifier,
      CHAT_API_BASE_URL: upstream.url,
      MARKDESK_PORT: String(port),
      MARKDESK_DATA_DIR: dataDir,
      MARKDESK_PUBLIC_ORIGIN: origin,
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Its errors are shown; the inspector's own notices (a session opened and closed) are not.
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = chunk
      .toString()
      .split('\n')
      .filter((line) => line.trim() !== '' && !/^(Debugger (listening|attached|ending)|For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector)/.test(line))
      .join('\n');
    if (text) process.stderr.write(`${text}\n`);
  });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error('the built server exited during start-up');
      const ok = await request(`${origin}/api/health`).then(
        async (response) => (await response.body.dump(), response.statusCode === 200),
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error('the built server did not answer /api/health within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch (error) {
    await close();
    throw error;
  }
  const pid = child.pid!;
  return {
    url: origin,
    pid,
    headers: { cookie: `${sessionCookieFor(origin).name}=${sessionId}`, 'x-requested-by': 'markdesk', origin, 'sec-fetch-site': 'same-origin' },
    dataDir,
    rss: () => procStatusKb(pid, 'VmRSS'),
    peakRss: () => procStatusKb(pid, 'VmHWM'),
    resetPeak() {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    async collectGarbage() {
      const [, evaluated] = await inspect(inspectorPort, [
        { method: 'HeapProfiler.collectGarbage' },
        { method: 'Runtime.evaluate', params: { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true } },
      ]);
      const usage = JSON.parse((evaluated as { result: { value: string } }).result.value) as { heapUsed: number; heapTotal: number; external: number };
      return { rss: procStatusKb(pid, 'VmRSS'), heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external };
    },
    close,
  };
}

/** The staff member and session in the data directory's database (the server opens the same database and audit key). */
async function sqliteSession(dataDir: string): Promise<string> {
  const store = await openDatabase({ file: join(dataDir, DATABASE_FILE_NAME) });
  try {
    await createStaff(store, { username: 'bench', role: 'editor', password: 'a bench password of no value' });
    return (await createSession(store, 'bench', { ip: '127.0.0.1', userAgent: 'bench' })).sessionId;
  } finally {
    await store.close();
  }
}

export type BuiltJobMemoryReport = {
  rows: number;
  csvBytes: number;
  /** RSS after a small warm-up job and a full GC. */
  baselineRssBytes: number;
  /** The highest RSS from the upload of the file to the job's end (VmHWM: every page, no sampling gaps). */
  peakRssBytes: number;
  /** The highest RSS while the file was uploaded and checked, before the job started. */
  uploadPeakRssBytes: number;
  /** RSS and heap used after the job and a full GC, minus the baseline's: what the job kept. */
  keptRssBytes: number;
  keptHeapBytes: number;
  seconds: number;
  state: string;
};

/**
 * A bulk job of `rows` lines (grouped order) on the built server as deployed: the file is
 * uploaded over HTTP as a browser sends it, started, and followed until it is done.
 */
export async function measureBuiltJobMemory(emulator: Omit<EmulatorProcess, 'close'>, options: { rows?: number; callsPerSecond?: number } = {}): Promise<BuiltJobMemoryReport> {
  const rows = options.rows ?? 100_000;
  const callsPerSecond = options.callsPerSecond ?? 200;
  const server = await startBuiltServer(emulator, { env: { CHAT_RATE_LIMIT_PER_SECOND: String(callsPerSecond) } });
  const chat = createChatClient({ baseUrl: emulator.url, sdkAppId: emulator.sdkAppId, adminIdentifier: emulator.adminIdentifier, secretKey: emulator.secretKey, ratePerSecond: callsPerSecond });
  try {
    const file = join(server.dataDir, 'job.csv');
    await importUsers(chat, await writeBenchCsv(file, rows, `built.${Date.now()}`));
    const warmup = join(server.dataDir, 'warmup.csv');
    await importUsers(chat, await writeBenchCsv(warmup, 500, `built-warmup.${Date.now()}`));
    await runBuiltJob(server, warmup);
    const baseline = await server.collectGarbage();
    server.resetPeak();
    const { seconds, state, uploadPeakRssBytes } = await runBuiltJob(server, file);
    const peakRssBytes = server.peakRss();
    const after = await server.collectGarbage();
    return {
      rows,
      csvBytes: statSync(file).size,
      baselineRssBytes: baseline.rss,
      peakRssBytes,
      uploadPeakRssBytes,
      keptRssBytes: after.rss - baseline.rss,
      keptHeapBytes: after.heapUsed - baseline.heapUsed,
      seconds,
      state,
    };
  } finally {
    await chat.close();
    await server.close();
  }
}

/** Uploads a job file (streamed), starts the job and polls until it is no longer running. */
async function runBuiltJob(server: BuiltServer, file: string): Promise<{ seconds: number; state: string; uploadPeakRssBytes: number }> {
  const upload = await request(`${server.url}/api/jobs`, { method: 'POST', headers: { ...server.headers, 'content-type': 'text/csv' }, body: createReadStream(file) });
  const checked = (await upload.body.json()) as JobCheckedResponse;
  if (upload.statusCode !== 201) throw new Error(`upload failed: ${upload.statusCode} ${JSON.stringify(checked)}`);
  const uploadPeakRssBytes = server.peakRss();
  const startedAt = performance.now();
  const start = await request(`${server.url}/api/jobs/${checked.jobId}/start`, { method: 'POST', headers: server.headers });
  await start.body.dump();
  if (start.statusCode !== 200) throw new Error(`start failed: ${start.statusCode}`);
  for (;;) {
    const response = await request(`${server.url}/api/jobs/${checked.jobId}`, { headers: { cookie: server.headers.cookie! } });
    const status = (await response.body.json()) as JobStatus;
    if (status.state !== 'running') return { seconds: (performance.now() - startedAt) / 1000, state: status.state, uploadPeakRssBytes };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
