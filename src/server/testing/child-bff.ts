// Test support for crash tests: the BFF started as its own process (so it can be killed with
// SIGKILL, no chance to clean up), a pass-through proxy in front of the emulator that records the
// mark writes Chat accepted and can hold a call open, and a small HTTP client for the API.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { request } from 'undici';
import type { RunningEmulator } from '../../emulator/server';
import { createStaff } from '../auth/staff';
import { DATABASE_FILE_NAME, openDatabase, type StoreLocation } from '../store/database';
import { openStore } from '../store/open';
import { createGate, type Gate } from './gate';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CHILD_PASSWORD = 'a long and private passphrase';

export type ChildBff = { child: ChildProcess; url: string; output: () => string };

/** Starts main.ts as its own process and resolves with the URL it prints. */
export async function startChildBff(env: NodeJS.ProcessEnv, cwd: string): Promise<ChildBff> {
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href, join(root, 'src/server/main.ts')], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = /Markdesk is running at (http:\/\/\S+)/.exec(output);
    if (match) return { child, url: match[1]!, output: () => output };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the BFF did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A database with one editor, `support`, whose password is CHILD_PASSWORD: the SQLite file of a data
 * directory, or a PostgreSQL schema (with the audit key every instance on it is then given).
 */
export async function prepareChildDataDir(dataDir: string, postgres?: { location: StoreLocation; auditKey: Buffer }): Promise<void> {
  const setup = postgres ? await openStore(postgres.location, postgres.auditKey) : await openDatabase({ file: join(dataDir, DATABASE_FILE_NAME) });
  try {
    await createStaff(setup, { username: 'support', role: 'editor', password: CHILD_PASSWORD });
  } finally {
    await setup.close();
  }
}

/** MARKDESK_DATABASE_URL for a PostgreSQL test location: its schema goes first in the search path. */
export function childDatabaseUrl(location: StoreLocation & { dialect: 'postgres' }): string {
  const url = new URL(location.url);
  if (location.schema) url.searchParams.set('options', `-c search_path=${location.schema}`);
  return url.toString();
}

/** The environment of a live-mode child BFF on `dataDir`, talking to Chat at `chatUrl`. */
export function childEnv(emulator: RunningEmulator, dataDir: string, chatUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Its own directory as working directory: no .env of the checkout is read, nor the caller's settings.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CHAT_|MARKDESK_)/.test(name)));
  return {
    ...inherited,
    MARKDESK_PORT: '0',
    MARKDESK_HOST: '127.0.0.1',
    MARKDESK_DATA_DIR: dataDir,
    CHAT_SDKAPPID: String(emulator.sdkAppId),
    CHAT_SECRET_KEY: emulator.secretKey,
    CHAT_API_BASE_URL: chatUrl,
    ...extra,
  };
}

export type RecordingProxy = {
  url: string;
  /** Per "user/conversation id", the mark writes Chat accepted. */
  landed: Map<string, number>;
  /** When each mark_contact call reached the proxy (performance.now(), ms), in order. */
  markArrivals: number[];
  /** Holds the `nth` mark_contact call from now (1-based) before it reaches Chat, until the gate opens. */
  /** Holds the nth mark_contact call from now (with `andLater`, that one and every later one) until the gate opens. */
  holdMarkContact(nth: number, options?: { andLater?: boolean }): Gate;
  close(): Promise<void>;
};

/** A pass-through to the emulator that counts, per conversation, the mark writes Chat accepted. */
export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const landed = new Map<string, number>();
  const markArrivals: number[] = [];
  let markCalls = 0;
  let hold: { nth: number; andLater: boolean; gate: Gate } | null = null;
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    // A caller that died while its call was held never sends it: the call is dropped, not forwarded.
    let callerGone = false;
    outgoing.on('close', () => (callerGone = !outgoing.writableEnded));
    if (incoming.url?.startsWith('/v4/recentcontact/mark_contact')) markArrivals.push(performance.now());
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const isMark = incoming.url?.startsWith('/v4/recentcontact/mark_contact') ?? false;
      const nth = isMark ? ++markCalls : 0;
      const held = isMark && hold !== null && (nth === hold.nth || (hold.andLater && nth > hold.nth)) ? hold.gate.pass() : Promise.resolve();
      void held
        .then(() => {
          if (callerGone) throw new Error('the caller is gone');
          return request(`${target}${incoming.url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        })
        .then(
          async (answer) => {
            const text = await answer.body.text();
            // Counted when Chat accepted the call, whether or not the BFF lived to read the answer.
            if (isMark && (JSON.parse(text) as { ErrorCode: number }).ErrorCode === 0) {
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
    markArrivals,
    holdMarkContact(nth, options = {}) {
      hold = { nth: markCalls + nth, andLater: options.andLater ?? false, gate: createGate() };
      return hold.gate;
    },
    close: () =>
      new Promise<void>((resolve) => {
        hold?.gate.release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type ChildSession = { headers: Record<string, string> };

export async function signInChild(bff: ChildBff, username = 'support'): Promise<ChildSession> {
  const response = await request(`${bff.url}/api/session`, {
    method: 'POST',
    headers: { 'x-requested-by': 'markdesk', 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: CHILD_PASSWORD }),
  });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode}`);
  const cookie = String(response.headers['set-cookie']).split(';')[0]!;
  return { headers: { cookie, 'x-requested-by': 'markdesk' } };
}

/** One API call; a JSON body is sent as JSON, a string as CSV. Throws on a status of 300 or more. */
export async function childApi<T>(bff: ChildBff, session: ChildSession, method: 'GET' | 'POST', path: string, body?: string | object): Promise<T> {
  const type = body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' };
  const response = await request(`${bff.url}${path}`, {
    method,
    headers: { ...session.headers, ...type },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const answer = (await response.body.json()) as T;
  if (response.statusCode >= 300) throw new Error(`${method} ${path}: ${response.statusCode} ${JSON.stringify(answer)}`);
  return answer;
}
