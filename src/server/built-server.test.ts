// The production build: `npm run build` bundles the server into dist/server, and plain `node`
// runs it — no TypeScript loader, no bundler in the process or in anything it imports.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { ledgerWorkerUrl } from './jobs/ledger';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const serverDir = join(root, 'dist/server');

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--server-only'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
}, 180_000);

/** Every module a built entry loads from dist/server, and every package it imports. */
function importGraph(entry: string): { files: string[]; packages: Set<string> } {
  const files: string[] = [];
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    const text = readFileSync(join(serverDir, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:^import(?:[^;'"]*?from)?\s*|\bimport\(|\brequire\()"([^"]+)"/gm)].map((match) => match[1]!);
    for (const specifier of specifiers) {
      if (specifier.startsWith('./')) pending.push(specifier.slice(2));
      else if (!specifier.startsWith('node:')) packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
  }
  return { files, packages };
}

describe('the built server', () => {
  it('has a main and a ledger worker that import no transpiler or bundler', () => {
    for (const entry of ['main.mjs', 'ledger-worker.mjs', 'staff-cli.mjs', 'migrate-cli.mjs', 'emulator-cli.mjs']) {
      expect(existsSync(join(serverDir, entry)), entry).toBe(true);
      const { files, packages } = importGraph(entry);
      for (const tool of ['tsx', 'esbuild', 'vite', 'typescript', '@vitejs/plugin-react', 'vitest']) expect(packages.has(tool), `${entry} imports ${tool}`).toBe(false);
      for (const file of files) expect(readFileSync(join(serverDir, file), 'utf8')).not.toMatch(/tsx\/esm|from "vite"|from "esbuild"/);
    }
  });

  it('finds the ledger worker next to the running module: built file in dist, tsx bootstrap beside the sources', () => {
    expect(ledgerWorkerUrl('file:///srv/markdesk/dist/server/chunk-ABC.mjs').href).toBe('file:///srv/markdesk/dist/server/ledger-worker.mjs');
    expect(ledgerWorkerUrl('file:///srv/markdesk/src/server/jobs/ledger.ts').href).toBe('file:///srv/markdesk/src/server/jobs/ledger-worker-source.mjs');
  });

  it('starts with plain node, answers /api/health and /api/ready, and stops on SIGTERM', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'markdesk-built-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CHAT_|MARKDESK_|NODE_OPTIONS$)/.test(name)));
    const child = spawn(process.execPath, [join(serverDir, 'main.mjs')], {
      cwd: dataDir,
      env: { ...env, MARKDESK_PORT: '0', MARKDESK_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      while (!/Markdesk is running at http:\/\/\S+/.test(output)) {
        if (child.exitCode !== null) throw new Error(`the built server exited:\n${output}`);
        await once(child.stdout, 'data');
      }
      const origin = /Markdesk is running at (http:\/\/\S+)/.exec(output)![1]!;
      const health = await request(`${origin}/api/health`);
      expect(health.statusCode).toBe(200);
      expect(await health.body.json()).toMatchObject({ status: 'ok', mode: 'sandbox' });
      const ready = await request(`${origin}/api/ready`);
      expect(ready.statusCode).toBe(200);
      expect(await ready.body.json()).toMatchObject({ ready: true, problem: null });
      // No metrics token set: there is no metrics endpoint.
      const metrics = await request(`${origin}/metrics`);
      expect(metrics.statusCode).toBe(404);
      await metrics.body.dump();
      child.kill('SIGTERM');
      expect((await once(child, 'exit'))[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops gracefully on SIGTERM to `npm start`: the server is npm’s own child, with no shell in between to swallow the signal', { timeout: 240_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'markdesk-npm-start-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CHAT_|MARKDESK_|NODE_OPTIONS$|npm_)/.test(name)));
    const npm = spawn('npm', ['start'], { cwd: root, env: { ...env, MARKDESK_PORT: '0', MARKDESK_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let serverPid: number | null = null;
    try {
      // `npm start` builds first when the build is missing or older than the sources.
      while (!/Markdesk is running at http:\/\/\S+/.test(output) || !/"pid":\d+/.test(output)) {
        if (npm.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
        await Promise.race([once(npm.stdout, 'data'), once(npm.stderr, 'data')]);
      }
      serverPid = Number(/"pid":(\d+)/.exec(output)![1]);
      expect(serverPid).not.toBe(npm.pid);
      npm.kill('SIGTERM');
      // 'close': npm has exited and the server too (it writes to the same pipes).
      await once(npm, 'close');
      expect(output).toContain('Markdesk is stopping');
      expect(() => process.kill(serverPid!, 0)).toThrow();
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      if (serverPid !== null) {
        try {
          process.kill(serverPid, 'SIGKILL');
        } catch {
          // Gone already, as it should be.
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
