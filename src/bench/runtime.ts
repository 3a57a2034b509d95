// Start-up time (from `npm start`, and of the built server alone) and idle memory of the built
// server (dist/server/main.mjs on plain node), in live mode against an emulator in its own process
// and in sandbox mode (emulator inside the server).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import type { EmulatorProcess } from './bulk';
import { serverNodeOptions } from './server-flags';

const root = join(import.meta.dirname, '../..');

export type RuntimeMeasurement = { mode: 'live' | 'sandbox'; startupMs: number; idleRssBytes: number; idleSeconds: number };

/** Resident memory of one process, from /proc (Linux). */
function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Polls /api/health until it answers 200; the ms since `startedAt`. */
async function untilHealthy(port: number, startedAt: number, exited: () => boolean): Promise<number> {
  for (;;) {
    if (exited()) throw new Error('the server exited during start-up');
    const ok = await request(`http://127.0.0.1:${port}/api/health`).then(
      async (response) => (await response.body.dump(), response.statusCode === 200),
      () => false,
    );
    if (ok) return performance.now() - startedAt;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function environment(upstream: EmulatorProcess | null, port: number, dataDir: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CHAT_|MARKDESK_|NODE_OPTIONS$)/.test(name)));
  const live = upstream
    ? { CHAT_SDKAPPID: String(upstream.sdkAppId), CHAT_SECRET_KEY: upstream.secretKey, CHAT_ADMIN_IDENTIFIER: upstream.adminIdentifier, CHAT_API_BASE_URL: upstream.url }
    : {};
  return { ...inherited, ...live, MARKDESK_PORT: String(port), MARKDESK_DATA_DIR: dataDir };
}

/**
 * Start-up as a person runs it: `npm start` (npm, then the build's freshness check, then the
 * server) with an up-to-date build and a fresh data directory, until the first 200 on /api/health.
 */
export async function measureNpmStart(options: { upstream: EmulatorProcess | null; port: number }): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'markdesk-bench-npm-start-'));
  const startedAt = performance.now();
  // Its own process group, so that npm and the server it runs are stopped together.
  const child = spawn('npm', ['start'], { cwd: root, env: environment(options.upstream, options.port, dataDir), stdio: 'ignore', detached: true });
  try {
    return await untilHealthy(options.port, startedAt, () => child.exitCode !== null);
  } finally {
    if (child.exitCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await once(child, 'exit');
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Starts the built server (with the node options of `npm start`) with a fresh data directory on a fixed port, times process start → the
 * first 200 on /api/health, waits `idleSeconds` without traffic, and reads its RSS.
 */
export async function measureRuntime(options: { upstream: EmulatorProcess | null; port: number; idleSeconds?: number }): Promise<RuntimeMeasurement> {
  const idleSeconds = options.idleSeconds ?? 60;
  const dataDir = mkdtempSync(join(tmpdir(), 'markdesk-bench-runtime-'));
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...serverNodeOptions(root), join(root, 'dist/server/main.mjs')], {
    cwd: dataDir,
    env: environment(options.upstream, options.port, dataDir),
    stdio: 'ignore',
  });
  try {
    const startupMs = await untilHealthy(options.port, startedAt, () => child.exitCode !== null);
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    return { mode: options.upstream ? 'live' : 'sandbox', startupMs, idleRssBytes: rssBytes(child.pid!), idleSeconds };
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  }
}
