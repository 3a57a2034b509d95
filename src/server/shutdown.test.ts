// Graceful shutdown: closing the app lets a request that is already being served finish; the real
// process (main.ts) does the same on SIGTERM and exits 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { DEMO_HEAVY_USER } from '../emulator/demo/demo-data';
import { startTestBff } from './testing/bff-harness';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('app.close()', () => {
  it('lets a slow request in flight complete, then refuses new connections', async () => {
    const bff = await startTestBff();
    try {
      await bff.importUsers('alice');
      const cookie = await bff.signIn('viewer');
      const address = await bff.app.listen({ host: '127.0.0.1', port: 0 });
      await bff.setFaults({ latencyMs: 300 });
      let upstreamCallStarted!: () => void;
      const inFlight = new Promise<void>((resolve) => (upstreamCallStarted = resolve));
      bff.chatHooks.beforeCall = () => upstreamCallStarted();

      const pending = request(`${address}/api/chat-users/alice`, { headers: { cookie } });
      await inFlight;
      const closing = bff.app.close();
      const response = await pending;
      expect(response.statusCode).toBe(200);
      expect(await response.body.json()).toEqual({ userId: 'alice', imported: true });
      await closing;
      await expect(request(`${address}/api/health`)).rejects.toThrow();
    } finally {
      await bff.close();
    }
  });

  it('answers a request that still arrives while closing with 503 UNAVAILABLE in the usual shape', async () => {
    const bff = await startTestBff();
    try {
      const address = new URL(await bff.app.listen({ host: '127.0.0.1', port: 0 }));
      const socket = connect(Number(address.port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      let raw = '';
      socket.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      const socketClosed = new Promise((resolve) => socket.once('close', resolve));
      // Half a request: the connection is busy, so close() does not reap it as idle…
      socket.write('GET /api/health HTTP/1.1\r\nHost: markdesk\r\n');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const closing = bff.app.close();
      await new Promise((resolve) => setTimeout(resolve, 20));
      // …and the rest of it arrives once closing has begun.
      socket.write('\r\n');
      await socketClosed;
      await closing;
      const [head = '', body = ''] = raw.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 503 /);
      expect(head.toLowerCase()).toContain('connection: close');
      const requestId = /x-request-id: (\S+)/i.exec(head)?.[1];
      expect(requestId).toBeDefined();
      expect(head.toLowerCase()).toContain('x-content-type-options: nosniff');
      expect(JSON.parse(body)).toEqual({ error: { code: 'UNAVAILABLE', message: expect.stringContaining('shutting down'), requestId } });
    } finally {
      await bff.close();
    }
  });
});

describe('main.ts', () => {
  it('on SIGTERM answers the request in flight and exits 0', { timeout: 60_000 }, async () => {
    // Its own data directory as working directory too: no .env of the checkout is read, so this
    // is sandbox mode.
    const dataDir = mkdtempSync(join(tmpdir(), 'markdesk-main-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CHAT_|MARKDESK_)/.test(name)));
    const child = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href,
        join(root, 'src/server/main.ts'),
      ],
      { cwd: dataDir, env: { ...env, MARKDESK_PORT: '0', MARKDESK_HOST: '127.0.0.1', MARKDESK_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const waiter of [...waiters]) {
        const match = output.match(waiter.pattern);
        if (match) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(match);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const waitFor = (pattern: RegExp) =>
      Promise.race([
        new Promise<RegExpMatchArray>((resolve) => {
          waiters.push({ pattern, resolve });
          onData(Buffer.alloc(0));
        }),
        exited.then((code) => Promise.reject(new Error(`main.ts exited (${code}) before printing ${pattern}:\n${output}`))),
      ]);

    try {
      const origin = (await waitFor(/Markdesk is running at (http:\/\/\S+)/))[1]!;
      const password = (await waitFor(/admin\s+\(admin\s*\)\s+password: (\S+)/))[1]!;
      const login = await request(`${origin}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-requested-by': 'markdesk', origin },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.statusCode).toBe(200);
      await login.body.dump();
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;

      // The heavy demo user: dozens of upstream pages, so the request is still being served when…
      const pending = request(`${origin}/api/chat-users/${DEMO_HEAVY_USER}/conversations`, { headers: { cookie } });
      await waitFor(/"url":"\/api\/chat-users\/heavy\.user\/conversations"[^\n]*"msg":"incoming request"/);
      // …the signal arrives.
      child.kill('SIGTERM');
      const response = await pending;
      expect(response.statusCode).toBe(200);
      expect(((await response.body.json()) as { conversations: unknown[] }).conversations.length).toBeGreaterThan(1000);
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
