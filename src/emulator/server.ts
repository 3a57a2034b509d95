// The Chat REST emulator as an HTTP server: `POST /v4/{service}/{command}` like Tencent's service,
// plus test controls under /__emulator when fault injection is enabled.
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticate } from './auth';
import { systemClock, unixSeconds, type Clock } from './clock';
import type { CommandHandler, Edition } from './commands/context';
import { findCommand } from './commands/registry';
import { seedDemoData } from './demo/demo-data';
import { FaultConfigError, FaultInjector, type FaultDecision } from './faults';
import {
  ChatRequestError,
  CODES,
  errorInfo,
  failureEnvelope,
  newRequestId,
  successEnvelope,
  type JsonObject,
} from './protocol';
import { SlidingWindowRateLimiter } from './rate-limit';
import { StatsRecorder } from './stats';
import { EmulatorStore } from './store';
import { isJsonObject } from './validate';

export type { Clock } from './clock';
export type { Edition } from './commands/context';

export type EmulatorOptions = {
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Listen port; 0 (the default) picks a free one. */
  port?: number;
  /** Default: random in 1400000000–1499999999. */
  sdkAppId?: number;
  /** Default: 32 random bytes as hex. */
  secretKey?: string;
  /** The App admin account; default `administrator`. */
  adminIdentifier?: string;
  /** Seed an empty database with the demo data; default true. */
  demoData?: boolean;
  /** SQLite file for state that survives restarts; default in memory. */
  dbFile?: string;
  /** Enables /__emulator/{faults,reset,stats}; default false. */
  faults?: boolean;
  /** `basic` refuses standard marks and conversation groups with 51013; default `ultimate`. */
  edition?: Edition;
  /** Page sizes of get_contact_group and get_list; default 100 each. */
  pageSize?: { contactGroup?: number; recentList?: number };
  /** Extra time before every /v4 response, also without fault injection; default 0. */
  latencyMs?: number;
  /** Enforce Tencent's per-command calls/s ceilings; default true. */
  rateLimits?: boolean;
  clock?: Clock;
};

export type RunningEmulator = {
  /** `http://host:port`, no trailing slash. */
  url: string;
  sdkAppId: number;
  adminIdentifier: string;
  secretKey: string;
  close(): Promise<void>;
};

export const DEFAULT_ADMIN_IDENTIFIER = 'administrator';
export const DEFAULT_PAGE_SIZE = 100;
const MAX_BODY_BYTES = 1024 * 1024;
const REST_PATH = /^\/v4\/([A-Za-z0-9_]+)\/([A-Za-z0-9_]+)$/;
const CONTROL_PREFIX = '/__emulator/';

type ResolvedOptions = {
  host: string;
  port: number;
  sdkAppId: number;
  secretKey: string;
  adminIdentifier: string;
  demoData: boolean;
  dbFile: string | undefined;
  faults: boolean;
  edition: Edition;
  pageSize: { contactGroup: number; recentList: number };
  latencyMs: number;
  rateLimits: boolean;
  clock: Clock;
};

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1) throw new RangeError(`${name} must be a positive integer`);
  return resolved;
}

function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const sdkAppId = options.sdkAppId ?? randomInt(1_400_000_000, 1_500_000_000);
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId < 1 || sdkAppId > 0xffffffff) {
    throw new RangeError('sdkAppId must be a positive integer of at most 10 digits');
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError('port must be an integer from 0 to 65535');
  const secretKey = options.secretKey ?? randomBytes(32).toString('hex');
  if (secretKey === '') throw new RangeError('secretKey must not be empty');
  const adminIdentifier = options.adminIdentifier ?? DEFAULT_ADMIN_IDENTIFIER;
  if (adminIdentifier === '') throw new RangeError('adminIdentifier must not be empty');
  const edition = options.edition ?? 'ultimate';
  if (edition !== 'ultimate' && edition !== 'basic') throw new RangeError("edition must be 'ultimate' or 'basic'");
  const latencyMs = options.latencyMs ?? 0;
  if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new RangeError('latencyMs must be a non-negative integer');
  return {
    host: options.host ?? '127.0.0.1',
    port,
    sdkAppId,
    secretKey,
    adminIdentifier,
    demoData: options.demoData ?? true,
    dbFile: options.dbFile,
    faults: options.faults ?? false,
    edition,
    pageSize: {
      contactGroup: positiveInteger(options.pageSize?.contactGroup, DEFAULT_PAGE_SIZE, 'pageSize.contactGroup'),
      recentList: positiveInteger(options.pageSize?.recentList, DEFAULT_PAGE_SIZE, 'pageSize.recentList'),
    },
    latencyMs,
    rateLimits: options.rateLimits ?? true,
    clock: options.clock ?? systemClock,
  };
}

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => (size > MAX_BODY_BYTES ? reject(new BodyTooLargeError()) : resolve(Buffer.concat(chunks))));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

type RestOutcome = { envelope: JsonObject; reset: 'none' } | { envelope: undefined; reset: 'before' | 'after' };

const NO_FAULT: FaultDecision = { reset: 'none', errorCode: undefined };

/** One emulated Chat app: its state, its limits and its HTTP handling. */
class ChatEmulator {
  private readonly limiter = new SlidingWindowRateLimiter();
  private readonly stats = new StatsRecorder();
  private readonly faults: FaultInjector;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly store: EmulatorStore,
  ) {
    this.faults = new FaultInjector(options.latencyMs);
    this.initializeState();
  }

  /** Demo data goes only into a database that was never initialized; the admin always exists. */
  private initializeState(): void {
    const { store, options } = this;
    if (store.getMeta('initialized') === undefined) {
      store.transaction(() => {
        if (options.demoData) seedDemoData(store, options.adminIdentifier);
        store.setMeta('initialized', options.demoData ? 'demo' : 'empty');
      });
    }
    if (!store.hasAccount(options.adminIdentifier)) {
      store.upsertAccount({ userId: options.adminIdentifier, nick: '', faceUrl: '', importedAt: unixSeconds(options.clock) });
    }
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://emulator.invalid');
    if (url.pathname === '/v4' || url.pathname.startsWith('/v4/')) return this.handleRest(request, response, url);
    if (this.options.faults && url.pathname.startsWith(CONTROL_PREFIX)) return this.handleControl(request, response, url);
    request.resume();
    sendJson(response, 404, { error: 'not found' });
  }

  private async handleRest(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const requestId = newRequestId();
    // Drawn first, so every /v4 answer (errors included) takes the configured time.
    const latencyMs = this.faults.latencyMs();
    let outcome: RestOutcome;
    try {
      const body = await readBody(request);
      outcome = this.processRest(request.method ?? '', url, body, requestId);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) {
        // The client went away mid-request: nobody to answer.
        request.socket.destroy();
        return;
      }
      outcome = { envelope: failureEnvelope(CODES.httpParse, 'HTTP parse error: request body is too large', requestId), reset: 'none' };
    }
    if (outcome.reset !== 'none') {
      request.socket.destroy();
      return;
    }
    await delay(latencyMs);
    sendJson(response, 200, outcome.envelope);
  }

  /** Synchronous from the first check to the state change, so calls never interleave. */
  private processRest(method: string, url: URL, rawBody: Buffer, requestId: string): RestOutcome {
    const match = REST_PATH.exec(url.pathname);
    const commandKey = match ? `${match[1]}/${match[2]}` : undefined;
    const command = commandKey === undefined ? undefined : findCommand(commandKey);
    const statsKey = command ? commandKey : undefined;
    const answer = (envelope: JsonObject): RestOutcome => {
      this.stats.record(statsKey, envelope.ErrorCode as number);
      return { envelope, reset: 'none' };
    };
    const fail = (code: number, info: string = errorInfo(code)): RestOutcome => answer(failureEnvelope(code, info, requestId));
    try {
      if (method !== 'POST') return fail(CODES.httpParse, 'HTTP parse error: only POST is supported');
      if (!match) return fail(CODES.httpParse, 'HTTP parse error: the URL must be /v4/{service}/{command}');
      const now = unixSeconds(this.options.clock);
      authenticate(url.searchParams, this.options, now);
      const body = parseBody(rawBody);
      if (!command || commandKey === undefined) return fail(CODES.unknownCommand);
      if (this.options.rateLimits && !this.limiter.tryAcquire(commandKey, command.callsPerSecond, this.options.clock.nowMs())) {
        return fail(CODES.rateLimited);
      }
      const decision = this.options.faults ? this.faults.decide() : NO_FAULT;
      if (decision.reset === 'before') {
        this.stats.record(statsKey, 'reset');
        return { envelope: undefined, reset: 'before' };
      }
      if (decision.errorCode !== undefined) return fail(decision.errorCode);
      const envelope = this.runCommand(command.handler, body, now, requestId);
      if (decision.reset === 'after') {
        // The command ran (its writes stand); only the answer is lost.
        this.stats.record(statsKey, 'reset');
        return { envelope: undefined, reset: 'after' };
      }
      return answer(envelope);
    } catch (error) {
      if (error instanceof ChatRequestError) return fail(error.code, error.info);
      throw error;
    }
  }

  private runCommand(handler: CommandHandler, body: JsonObject, now: number, requestId: string): JsonObject {
    try {
      const fields = handler(body, {
        store: this.store,
        now,
        edition: this.options.edition,
        pageSize: this.options.pageSize,
        adminIdentifier: this.options.adminIdentifier,
      });
      return successEnvelope(fields, requestId);
    } catch (error) {
      if (error instanceof ChatRequestError) return failureEnvelope(error.code, error.info, requestId);
      // A bug in the emulator: answer like Tencent's internal error, and say why on stderr.
      console.error('emulator: internal error', error);
      return failureEnvelope(CODES.internalError, errorInfo(CODES.internalError), requestId);
    }
  }

  private async handleControl(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const body = await readBody(request).catch(() => Buffer.alloc(0));
    const route = `${request.method ?? ''} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
    switch (route) {
      case 'GET faults':
        return sendJson(response, 200, this.faults.settings());
      case 'POST faults': {
        try {
          return sendJson(response, 200, this.faults.configure(JSON.parse(body.toString('utf8') || '{}')));
        } catch (error) {
          const message = error instanceof FaultConfigError || error instanceof SyntaxError ? error.message : 'invalid configuration';
          return sendJson(response, 400, { error: message });
        }
      }
      case 'POST reset':
        this.reset();
        return sendJson(response, 200, { reset: true });
      case 'GET stats':
        return sendJson(response, 200, this.stats.snapshot());
      case 'DELETE stats':
        this.stats.clear();
        return sendJson(response, 200, this.stats.snapshot());
      default:
        return sendJson(response, 404, { error: 'not found' });
    }
  }

  /** Back to a fresh start: demo data (or empty), no call history, empty rate windows. */
  private reset(): void {
    this.store.clearAll();
    this.initializeState();
    this.limiter.clear();
    this.stats.clear();
  }
}

/** The body must be a non-empty JSON object (Tencent: 60003 otherwise). */
function parseBody(raw: Buffer): JsonObject {
  const text = raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ChatRequestError(CODES.invalidJson, errorInfo(CODES.invalidJson));
  }
  if (!isJsonObject(parsed)) throw new ChatRequestError(CODES.invalidJson, errorInfo(CODES.invalidJson));
  return parsed;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the emulator and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const store = new EmulatorStore(resolved.dbFile);
  let server: Server;
  let address: AddressInfo;
  try {
    const emulator = new ChatEmulator(resolved, store);
    server = createServer((request, response) => {
      emulator.handle(request, response).catch((error: unknown) => {
        console.error('emulator: request failed', error);
        if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
        else response.destroy();
      });
    });
    address = await listen(server, resolved.host, resolved.port);
  } catch (error) {
    store.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(resolved.host)}:${address.port}`,
    sdkAppId: resolved.sdkAppId,
    adminIdentifier: resolved.adminIdentifier,
    secretKey: resolved.secretKey,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => {
          store.close();
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      })),
  };
}
