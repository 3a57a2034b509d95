// Test support: the whole BFF (Fastify inject) over an in-memory database, talking over real
// HTTP to a fresh emulator — the same wiring as sandbox mode, with a clock the test can move.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { EmulatorStats } from '../../emulator/stats';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server';
import { chatCaller, expectOk, type ChatCaller } from '../../emulator/test-support';
import type { Role } from '../../shared/api/session';
import { buildApp, type AppOptions } from '../app';
import type { AppDeps } from '../deps';
import { createIdentity } from '../auth/identity';
import { createLoginThrottle } from '../auth/login-throttle';
import type { IdentityConfig } from '../config';
import { createSession } from '../auth/sessions';
import { createStaff } from '../auth/staff';
import { createChatClient, type ChatClient, type ChatClientEvent } from '../chat/client';
import type { ChatCommand } from '../chat/commands';
import { sessionCookieFor } from '../http/auth';
import type { Store } from '../store/database';
import { openTestStore } from './test-store';
import { createFakeClock, type FakeClock } from './fake-clock';
import { findLeaks, type Leak } from './leak-scan';

export const TEST_ORIGIN = 'http://127.0.0.1:8080';
export const TEST_PASSWORD = 'correct horse battery staple';
/** The headers a same-origin SPA sends with a state-changing JSON request. */
export const SAME_ORIGIN_WRITE = { 'x-requested-by': 'markdesk', origin: TEST_ORIGIN, 'sec-fetch-site': 'same-origin' } as const;

/** One request the test sent through `inject` and what came back, for the leak scan. */
export type Exchange = { method: string; url: string; statusCode: number; headers: Record<string, unknown>; body: string };

export type TestBffOptions = {
  emulator?: EmulatorOptions;
  rateLimitPerSecond?: number;
  /** MARKDESK_PUBLIC_ORIGIN; TEST_ORIGIN by default. */
  publicOrigin?: string;
  /** A folder with an index.html to serve as the SPA. */
  spaDir?: string;
  userSigTtlSeconds?: number;
  /** pino level of the app's log (info by default). */
  logLevel?: string;
  /** How the audit chain check slices its work (AppDeps.auditVerify). */
  auditVerify?: AppDeps['auditVerify'];
  /** Shorter request timeouts for a test that trickles a request over a real socket. */
  timeouts?: AppOptions['timeouts'];
  /** SSO, local sign-in and required MFA (default: no SSO, local sign-in on, MFA optional). */
  identity?: Partial<IdentityConfig>;
  /** Opens the store instead of openTestStore (e.g. PostgreSQL behind a proxy the test can cut). */
  openStore?: (dataDir: string) => Promise<Store>;
};

/**
 * Points where a test can step in between the BFF and Chat, to make an upstream failure happen at
 * one exact call (e.g. "the first attempt of each mark write fails") instead of by chance.
 */
export type ChatHooks = {
  /** Before the BFF's client starts a call (before its limiter and retries). */
  beforeCall?: (command: ChatCommand) => void | Promise<void>;
  /** After every attempt the client makes (its own report, synchronous). */
  afterAttempt?: (event: ChatClientEvent) => void;
  /** Before the client waits (limiter spacing, back-off) — i.e. before any retry. */
  beforeWait?: (ms: number) => void | Promise<void>;
};

export type TestBff = {
  app: FastifyInstance;
  emulator: RunningEmulator;
  store: Store;
  chat: ChatClient;
  /** The app's clock (timestamps, sessions): it stands still until the test moves it. */
  clock: FakeClock;
  /** The public origin the app was built with. */
  origin: string;
  /** SAME_ORIGIN_WRITE for this app's origin. */
  writeHeaders: Record<string, string>;
  /** Every JSON log line the app wrote (also app.log). */
  logs: string[];
  /** Set fields to step in between the BFF's Chat client and the emulator. */
  chatHooks: ChatHooks;
  /** Moves the clocks of the BFF's Chat client and of the emulator ahead of real time (ms). */
  skewClocks(offsets: { chatMs?: number; emulatorMs?: number }): void;
  /** Every request sent through `inject`, with its response. */
  exchanges: Exchange[];
  /** Signs in as `viewer`, `editor` or `admin` (accounts named after their role) and returns the Cookie header. Cached. */
  signIn(role: Role): Promise<string>;
  /** A fresh POST /api/session; `cookie` is the new Cookie header when one was set. */
  login(
    username: string,
    password?: string,
    options?: { remoteAddress?: string; cookie?: string },
  ): Promise<{ response: LightMyRequestResponse; cookie: string | null }>;
  /** A session made directly in the store (no password check, so no argon2 time): the Cookie header. */
  sessionCookie(username: string): Promise<string>;
  /** Creates a staff account directly in the store (password TEST_PASSWORD unless given). */
  addStaff(username: string, role: Role, password?: string): Promise<void>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Tencent's REST API of the emulator, called directly (not through the BFF's client). */
  tencent: ChatCaller;
  /** Imports Chat accounts through account_import. */
  importUsers(...userIds: string[]): Promise<void>;
  /** Replaces the emulator's fault settings (`{}` turns them off). */
  setFaults(settings: Record<string, unknown>): Promise<void>;
  emulatorStats(): Promise<EmulatorStats>;
  clearEmulatorStats(): Promise<void>;
  /** Every secret that showed up in a response (other than the cookie being set) or a log line. */
  leaks(extraSecrets?: Record<string, string>): Leak[];
  close(): Promise<void>;
};

async function emulatorControl(emulator: RunningEmulator, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${emulator.url}/__emulator/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const json: unknown = await response.json();
  if (response.status !== 200) throw new Error(`emulator ${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** The value of the session cookie a response sets, or null. */
export function sessionIdSetBy(response: LightMyRequestResponse): string | null {
  const header = response.headers['set-cookie'];
  const lines = Array.isArray(header) ? header : header === undefined ? [] : [String(header)];
  for (const line of lines) {
    const value = /^[^=]+=([^;]*)/.exec(line)?.[1];
    if (value) return value;
  }
  return null;
}

export async function startTestBff(options: TestBffOptions = {}): Promise<TestBff> {
  const clock = createFakeClock('2026-11-28T09:00:00Z');
  const origin = options.publicOrigin ?? TEST_ORIGIN;
  // Real time plus an offset the test may move: UserSig expiry needs both sides' clocks.
  const offsets = { chatMs: 0, emulatorMs: 0 };
  const emulator = await startEmulator({
    demoData: false,
    faults: true,
    clock: { nowMs: () => Date.now() + offsets.emulatorMs },
    ...options.emulator,
  });
  // A database file (or a PostgreSQL schema), as in production: the bulk jobs' ledger commits on a
  // worker thread with a connection of its own (plugins/ledger.ts).
  const dataDir = mkdtempSync(join(tmpdir(), 'markdesk-bff-'));
  const store = options.openStore ? await options.openStore(dataDir) : await openTestStore({ dataDir });
  const chatHooks: ChatHooks = {};
  const client = createChatClient({
    baseUrl: emulator.url,
    sdkAppId: emulator.sdkAppId,
    adminIdentifier: emulator.adminIdentifier,
    secretKey: emulator.secretKey,
    ratePerSecond: options.rateLimitPerSecond ?? 180,
    clock: {
      now: () => Date.now() + offsets.chatMs,
      sleep: async (ms) => {
        await chatHooks.beforeWait?.(ms);
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
    },
    onEvent: (event) => chatHooks.afterAttempt?.(event),
    ...(options.userSigTtlSeconds ? { userSigTtlSeconds: options.userSigTtlSeconds } : {}),
  });
  const chat: ChatClient = {
    ...client,
    async call(command, body) {
      await chatHooks.beforeCall?.(command);
      return client.call(command, body);
    },
  };
  const passwords = new Set([TEST_PASSWORD]);
  const addStaff = async (username: string, role: Role, password = TEST_PASSWORD) => {
    passwords.add(password);
    await createStaff(store, { username, role, password }, clock);
  };
  for (const role of ['viewer', 'editor', 'admin'] as const) await addStaff(role, role);

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
      loginThrottle: createLoginThrottle(store),
      cookie: sessionCookieFor(origin),
      mode: 'sandbox',
      chatApp: { sdkAppId: emulator.sdkAppId, region: null },
      version: 'test',
      identity: createIdentity({ oidc: null, localLogin: true, requireMfa: false, ...options.identity }, { publicOrigin: () => origin, rootKey: store.auditKey }),
      ...(options.auditVerify ? { auditVerify: options.auditVerify } : {}),
    },
    { publicOrigin: origin, logStream, ...(options.spaDir ? { spaDir: options.spaDir } : {}), ...(options.logLevel ? { logLevel: options.logLevel } : {}), ...(options.timeouts ? { timeouts: options.timeouts } : {}) },
  );

  const exchanges: Exchange[] = [];
  const sessionIds = new Set<string>();
  const inject = async (injectOptions: InjectOptions) => {
    const response = await app.inject(injectOptions);
    const sessionId = sessionIdSetBy(response);
    if (sessionId) sessionIds.add(sessionId);
    exchanges.push({
      method: injectOptions.method ?? 'GET',
      url: String(injectOptions.url ?? injectOptions.path ?? ''),
      statusCode: response.statusCode,
      headers: { ...response.headers },
      body: response.body,
    });
    return response;
  };
  const writeHeaders = { 'x-requested-by': 'markdesk', origin, 'sec-fetch-site': 'same-origin' };
  const login: TestBff['login'] = async (username, password = TEST_PASSWORD, loginOptions = {}) => {
    passwords.add(password);
    const response = await inject({
      method: 'POST',
      url: '/api/session',
      headers: { ...writeHeaders, ...(loginOptions.cookie ? { cookie: loginOptions.cookie } : {}) },
      payload: { username, password },
      ...(loginOptions.remoteAddress ? { remoteAddress: loginOptions.remoteAddress } : {}),
    });
    const sessionId = sessionIdSetBy(response);
    return { response, cookie: sessionId ? `${sessionCookieFor(origin).name}=${sessionId}` : null };
  };

  const cookies = new Map<Role, string>();
  const tencent = chatCaller(emulator);
  return {
    app,
    emulator,
    store,
    chat,
    clock,
    origin,
    writeHeaders,
    logs,
    chatHooks,
    skewClocks(next) {
      if (next.chatMs !== undefined) offsets.chatMs = next.chatMs;
      if (next.emulatorMs !== undefined) offsets.emulatorMs = next.emulatorMs;
    },
    exchanges,
    inject,
    login,
    addStaff,
    async sessionCookie(username) {
      const { sessionId } = await createSession(store, username, { ip: '127.0.0.1', userAgent: 'test' }, clock);
      sessionIds.add(sessionId);
      return `${sessionCookieFor(origin).name}=${sessionId}`;
    },
    tencent,
    async signIn(role) {
      const cached = cookies.get(role);
      if (cached) return cached;
      // A separate address, so sign-ins never count against a throttling test's own.
      const { response, cookie } = await login(role, TEST_PASSWORD, { remoteAddress: '127.0.0.250' });
      if (response.statusCode !== 200 || !cookie) throw new Error(`sign-in as ${role} failed: ${response.statusCode} ${response.body}`);
      cookies.set(role, cookie);
      return cookie;
    },
    async importUsers(...userIds) {
      for (const userId of userIds) expectOk(await tencent('im_open_login_svc/account_import', { UserID: userId }));
    },
    async setFaults(settings) {
      await emulatorControl(emulator, 'POST', 'faults', settings);
    },
    emulatorStats: async () => (await emulatorControl(emulator, 'GET', 'stats')) as EmulatorStats,
    async clearEmulatorStats() {
      await emulatorControl(emulator, 'DELETE', 'stats');
    },
    leaks(extraSecrets = {}) {
      const secrets: Record<string, string> = { 'the secret key': emulator.secretKey, ...extraSecrets };
      [...passwords].forEach((password, index) => (secrets[`password #${index + 1}`] = password));
      [...sessionIds].forEach((sessionId, index) => (secrets[`session id #${index + 1}`] = sessionId));
      return findLeaks({
        secrets,
        responses: exchanges.map((exchange) => ({
          where: `${exchange.method} ${exchange.url} → ${exchange.statusCode}`,
          // The one place a session id belongs: the Set-Cookie header that hands it out.
          headers: Object.fromEntries(Object.entries(exchange.headers).filter(([name]) => name !== 'set-cookie')),
          body: exchange.body,
        })),
        logs,
      });
    },
    async close() {
      // The app closes what it owns: job and survey runners, ledger, Chat client, database.
      await app.close();
      await emulator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
