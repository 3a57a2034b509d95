// Start-up time and idle memory of the built server (dist/server/main.mjs on plain node), in live
// mode against an emulator in its own process and in sandbox mode (emulator inside the server).
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

/**
 * Starts the built server (with the node options of `npm start`) with a fresh data directory on a fixed port, times process start → the
 * first 200 on /api/health, waits `idleSeconds` without traffic, and reads its RSS.
 */
export async function measureRuntime(options: { upstream: EmulatorProcess | null; port: number; idleSeconds?: number }): Promise<RuntimeMeasurement> {
  const idleSeconds = options.idleSeconds ?? 60;
  const dataDir = mkdtempSync(join(tmpdir(), 'markdesk-bench-runtime-'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CHAT_|MARKDESK_|NODE_OPTIONS$)/.test(name)));
  const live = options.upstream
    ? { CHAT_SDKAPPID: String(options.upstream.sdkAppId), CHAT_SECRET_KEY: options.upstream.secretKey, CHAT_ADMIN_IDENTIFIER: options.upstream.adminIdentifier, CHAT_API_BASE_URL: options.upstream.url }
    : {};
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...serverNodeOptions(root), join(root, 'dist/server/main.mjs')], {
    cwd: dataDir,
    env: { ...inherited, ...live, MARKDESK_PORT: String(options.port), MARKDESK_DATA_DIR: dataDir },
    stdio: 'ignore',
  });
  try {
    let startupMs = Number.NaN;
    while (Number.isNaN(startupMs)) {
      if (child.exitCode !== null) throw new Error('the built server exited during start-up');
      const ok = await request(`http://127.0.0.1:${options.port}/api/health`).then(
        async (response) => (await response.body.dump(), response.statusCode === 200),
        () => false,
      );
      if (ok) startupMs = performance.now() - startedAt;
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    return { mode: options.upstream ? 'live' : 'sandbox', startupMs, idleRssBytes: rssBytes(child.pid!), idleSeconds };
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  }
}
