// Test support: the whole BFF (Fastify inject) over an in-memory database, talking over real
// HTTP to a fresh emulator — the same wiring as sandbox mode, with a clock the test can move.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Writable } from 'node:stream';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server';
import type { Role } from '../../shared/api/session';
import { buildApp } from '../app';
import { createLoginThrottle } from '../auth/login-throttle';
import { createStaff } from '../auth/staff';
import { createChatClient, type ChatClient } from '../chat/client';
import { sessionCookieFor } from '../http/auth';
import { openDatabase, type Store } from '../store/database';

export const TEST_ORIGIN = 'http://127.0.0.1:8080';
export const TEST_PASSWORD = 'correct horse battery staple';
/** The headers a same-origin SPA sends with a state-changing JSON request. */
export const SAME_ORIGIN_WRITE = { 'x-requested-by': 'markdesk', origin: TEST_ORIGIN, 'sec-fetch-site': 'same-origin' } as const;

export type MovableClock = { now(): Date; advance(ms: number): void };

export function movableClock(start = Date.parse('2026-11-28T09:00:00Z')): MovableClock {
  let now = start;
  return { now: () => new Date(now), advance: (ms) => void (now += ms) };
}

export type TestBff = {
  app: FastifyInstance;
  emulator: RunningEmulator;
  store: Store;
  chat: ChatClient;
  clock: MovableClock;
  /** Every JSON log line the app wrote. */
  logs: string[];
  /** Signs in as `viewer`, `editor` or `admin` (accounts named after their role) and returns the Cookie header. */
  signIn(role: Role): Promise<string>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
};

export async function startTestBff(options: { emulator?: EmulatorOptions; rateLimitPerSecond?: number } = {}): Promise<TestBff> {
  const clock = movableClock();
  const emulator = await startEmulator({ demoData: false, faults: true, ...options.emulator });
  const store = await openDatabase({ file: ':memory:' });
  const chat = createChatClient({
    baseUrl: emulator.url,
    sdkAppId: emulator.sdkAppId,
    adminIdentifier: emulator.adminIdentifier,
    secretKey: emulator.secretKey,
    ratePerSecond: options.rateLimitPerSecond ?? 180,
  });
  for (const role of ['viewer', 'editor', 'admin'] as const) {
    await createStaff(store, { username: role, role, password: TEST_PASSWORD }, clock);
  }
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const app = await buildApp(
    {
      store,
      chat,
      clock,
      loginThrottle: createLoginThrottle(),
      cookie: sessionCookieFor(TEST_ORIGIN),
      mode: 'sandbox',
      chatApp: { sdkAppId: emulator.sdkAppId, region: null },
      version: 'test',
    },
    { publicOrigin: TEST_ORIGIN, logStream },
  );
  const cookies = new Map<Role, string>();
  return {
    app,
    emulator,
    store,
    chat,
    clock,
    logs,
    inject: (injectOptions) => app.inject(injectOptions),
    async signIn(role) {
      const cached = cookies.get(role);
      if (cached) return cached;
      const response = await app.inject({
        method: 'POST',
        url: '/api/session',
        headers: SAME_ORIGIN_WRITE,
        payload: { username: role, password: TEST_PASSWORD },
      });
      if (response.statusCode !== 200) throw new Error(`sign-in as ${role} failed: ${response.statusCode} ${response.body}`);
      const setCookie = String(response.headers['set-cookie']);
      const cookie = setCookie.split(';')[0]!;
      cookies.set(role, cookie);
      return cookie;
    },
    async close() {
      await app.close();
      await chat.close();
      await emulator.close();
      await store.close();
    },
  };
}
