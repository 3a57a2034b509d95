// Helpers for tests that talk to the emulator like an outside program: signed URLs, POSTs, a
// controllable clock. Not used by the emulator itself.
import { generateUserSig } from '../server/chat/usersig';
import type { Clock } from './clock';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from './server';

export type ChatResponse = Record<string, unknown> & {
  ActionStatus: 'OK' | 'FAIL';
  ErrorCode: number;
  ErrorInfo: string;
};

export type CallOptions = {
  /** Replaces the signed query parameters one by one (`undefined` removes one). */
  query?: Record<string, string | undefined>;
  /** Sent as-is instead of JSON.stringify(body). */
  rawBody?: string;
  method?: string;
  /** Signs as this identifier (default: the emulator's admin). */
  identifier?: string;
  secretKey?: string;
  sdkAppId?: number;
  /** UserSig signing time in Unix seconds (default: now). */
  signedAt?: number;
  expireSeconds?: number;
};

/** A clock the test moves by hand. */
export function manualClock(startMs: number): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = startMs;
  return {
    nowMs: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}

export function signedQuery(emulator: RunningEmulator, options: CallOptions = {}): URLSearchParams {
  const identifier = options.identifier ?? emulator.adminIdentifier;
  const sdkAppId = options.sdkAppId ?? emulator.sdkAppId;
  const userSig = generateUserSig({
    sdkAppId,
    identifier,
    secretKey: options.secretKey ?? emulator.secretKey,
    expireSeconds: options.expireSeconds ?? 86_400,
    ...(options.signedAt === undefined ? {} : { nowSeconds: options.signedAt }),
  });
  const query = new URLSearchParams({
    sdkappid: String(sdkAppId),
    identifier,
    usersig: userSig,
    random: String(Math.floor(Math.random() * 0xffffffff)),
    contenttype: 'json',
  });
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value === undefined) query.delete(key);
    else query.set(key, value);
  }
  return query;
}

/** POST /v4/{command} and parse the envelope. `command` is `service/command`. */
export async function callChat(
  emulator: RunningEmulator,
  command: string,
  body: unknown,
  options: CallOptions = {},
): Promise<ChatResponse> {
  const response = await fetch(`${emulator.url}/v4/${command}?${signedQuery(emulator, options).toString()}`, {
    method: options.method ?? 'POST',
    headers: { 'content-type': 'application/json' },
    ...(options.method === 'GET' ? {} : { body: options.rawBody ?? JSON.stringify(body) }),
  });
  if (response.status !== 200) throw new Error(`HTTP ${response.status} from the emulator`);
  return (await response.json()) as ChatResponse;
}

/** A caller bound to one emulator, for brevity in tests. */
export function chatCaller(emulator: RunningEmulator, defaults: CallOptions = {}) {
  return (command: string, body: unknown, options: CallOptions = {}) => callChat(emulator, command, body, { ...defaults, ...options });
}

export type ChatCaller = ReturnType<typeof chatCaller>;

/** Imports accounts through the API (100 per call). */
export async function importAccounts(call: ChatCaller, userIds: readonly string[]): Promise<void> {
  for (let start = 0; start < userIds.length; start += 100) {
    const result = await call('im_open_login_svc/multiaccount_import', { Accounts: userIds.slice(start, start + 100) });
    if (result.ErrorCode !== 0 || (result.FailAccounts as unknown[]).length > 0) {
      throw new Error(`import failed: ${JSON.stringify(result)}`);
    }
  }
}

export function expectOk(response: ChatResponse): ChatResponse {
  if (response.ActionStatus !== 'OK' || response.ErrorCode !== 0) {
    throw new Error(`expected OK, got ${response.ErrorCode} ${response.ErrorInfo}`);
  }
  return response;
}

/** An emulator for one test file: empty (no demo data) unless asked otherwise. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ demoData: false, ...options });
}
