// The Chat REST client: signs each request (UserSig cached, renewed long before it expires),
// spaces calls per command, reads the envelope, retries what a retry can fix. It knows nothing
// about Markdesk's HTTP routes.
import { randomInt } from 'node:crypto';
import { Pool } from 'undici';
import { type Clock, systemClock } from '../clock';
import {
  CHAT_COMMANDS,
  type ChatCommand,
  commandRateLimit,
  isChatCommand,
  isIdempotentCommand,
  type RequestOf,
  type ResponseOf,
} from './commands';
import { readEnvelope } from './envelope';
import { ChatInvalidResponseError, ChatNetworkError, isChatError } from './errors';
import { createSlidingWindowLimiter, type SlidingWindowLimiter } from './rate-limiter';
import { APP_WIDE_FREQUENCY_CODES, backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy, retryActionFor } from './retry';
import { generateUserSig } from './usersig';

/** What the client reports after every attempt; deliberately nothing that could hold a secret. */
export type ChatClientEvent = {
  command: ChatCommand;
  /** 1 for the first attempt of a call. */
  attempt: number;
  durationMs: number;
  /** How long the attempt waited for the command's rate limiter before it was sent. */
  waitedMs?: number;
  /** Set when the attempt failed: the Chat ErrorCode, or a catalogue pseudo-code (-1 network, -2 bad response). */
  errorCode?: number;
};

export type ChatClientOptions = {
  /** `https://{region domain}`, or a test upstream such as `http://127.0.0.1:9000`. */
  baseUrl: string;
  sdkAppId: number;
  /** An App admin account. */
  adminIdentifier: string;
  secretKey: string;
  /** Calls per second per command, at most (default 180); lower documented ceilings win. */
  ratePerSecond?: number;
  /** Per request; must exceed Chat's own 3 s server timeout (default 10 000). */
  requestTimeoutMs?: number;
  /** Retries of transient failures after the first attempt (default 3). */
  maxRetries?: number;
  clock?: Clock;
  onEvent?: (event: ChatClientEvent) => void;
  /** Uniform in [0, 1), for the back-off jitter (default Math.random). */
  random?: () => number;
  /** Validity of each UserSig (default 24 h); it is renewed after half of it. */
  userSigTtlSeconds?: number;
  /** Keep-alive connections to Chat (default 16). */
  connections?: number;
  /**
   * Makes the limiter of one command (default: this process's sliding-window limiter). Several
   * instances of one Chat app pass a limiter over their shared budget (shared-limiter.ts).
   */
  createLimiter?: (command: ChatCommand, limitPerSecond: number) => SlidingWindowLimiter;
};

export type ChatCallOptions = {
  /**
   * Aborted before an attempt is sent (while it waits for the rate limiter; a back-off pause runs
   * to its end first), the call is given up with ChatCallAbortedError. An attempt already sent is
   * always seen through.
   */
  signal?: AbortSignal;
};

export type ChatClient = {
  call<C extends ChatCommand>(command: C, body: RequestOf<C>, options?: ChatCallOptions): Promise<ResponseOf<C>>;
  /** The limiter of one command, e.g. for a bulk runner that wants to slow down further. */
  limiterFor(command: ChatCommand): SlidingWindowLimiter;
  close(): Promise<void>;
};

export const DEFAULT_RATE_PER_SECOND = 180;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Chat's server gives up after 3 s; a client timeout must be longer than that. */
export const CHAT_SERVER_TIMEOUT_MS = 3000;
export const DEFAULT_USERSIG_TTL_SECONDS = 24 * 60 * 60;

// Failures where the request certainly never left this machine.
const NOT_SENT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export class ChatClientClosedError extends Error {
  override readonly name = 'ChatClientClosedError';
  constructor() {
    super('The Chat client has been closed.');
  }
}

/**
 * The call's signal was aborted before an attempt was sent. That attempt never reached Chat; an
 * earlier attempt of the same call, whose answer was a failure, may have — the caller must allow
 * for that (a bulk job keeps the call's announcement and reads the lines again).
 */
export class ChatCallAbortedError extends Error {
  override readonly name = 'ChatCallAbortedError';
  constructor() {
    super('The Chat call was given up before it was sent.');
  }
}

function parseBaseUrl(baseUrl: string): { origin: string; pathPrefix: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new RangeError('baseUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RangeError('baseUrl must use http or https');
  if (url.search || url.hash || url.username || url.password) {
    throw new RangeError('baseUrl must not carry a query, a fragment or credentials');
  }
  return { origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, '') };
}

/**
 * A short reason for a failed HTTP exchange (the error's code, never its message, which could
 * quote the URL) and whether the request may have reached Chat.
 */
export function classifyNetworkFailure(error: unknown): { reason: string; sent: boolean } {
  const code =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const cause =
    typeof error === 'object' && error !== null && 'cause' in error && typeof error.cause === 'object' && error.cause !== null
      ? (error.cause as { code?: unknown }).code
      : undefined;
  const reason = code ?? (typeof cause === 'string' ? cause : undefined) ?? (error instanceof Error ? error.name : 'unknown');
  return { reason, sent: !NOT_SENT_ERROR_CODES.has(reason) && !(typeof cause === 'string' && NOT_SENT_ERROR_CODES.has(cause)) };
}

export function createChatClient(options: ChatClientOptions): ChatClient {
  const { origin, pathPrefix } = parseBaseUrl(options.baseUrl);
  if (!Number.isSafeInteger(options.sdkAppId) || options.sdkAppId <= 0) throw new RangeError('sdkAppId must be a positive integer');
  if (!options.adminIdentifier) throw new RangeError('adminIdentifier must not be empty');
  if (!options.secretKey) throw new RangeError('secretKey must not be empty');
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!(requestTimeoutMs > CHAT_SERVER_TIMEOUT_MS)) {
    throw new RangeError(`requestTimeoutMs must be longer than Chat's own ${CHAT_SERVER_TIMEOUT_MS} ms`);
  }
  const ratePerSecond = options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND;
  const userSigTtlSeconds = options.userSigTtlSeconds ?? DEFAULT_USERSIG_TTL_SECONDS;
  if (!Number.isSafeInteger(userSigTtlSeconds) || userSigTtlSeconds < 60) {
    throw new RangeError('userSigTtlSeconds must be a whole number of at least 60');
  }
  const clock = options.clock ?? systemClock;
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
    random: options.random ?? DEFAULT_RETRY_POLICY.random,
  };
  if (!Number.isSafeInteger(policy.maxRetries) || policy.maxRetries < 0) throw new RangeError('maxRetries must be 0 or more');

  const pool = new Pool(origin, {
    connections: options.connections ?? 16,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: requestTimeoutMs,
    bodyTimeout: requestTimeoutMs,
    connect: { timeout: Math.min(requestTimeoutMs, 10_000) },
  });
  let closed = false;

  const limiters = new Map<ChatCommand, SlidingWindowLimiter>();
  function limiterFor(command: ChatCommand): SlidingWindowLimiter {
    let limiter = limiters.get(command);
    if (!limiter) {
      const limit = commandRateLimit(command, ratePerSecond);
      limiter = options.createLimiter ? options.createLimiter(command, limit) : createSlidingWindowLimiter(limit, clock);
      limiters.set(command, limiter);
    }
    return limiter;
  }

  let cachedSig: { userSig: string; signedAtSeconds: number } | undefined;
  const renewAfterSeconds = Math.floor(userSigTtlSeconds / 2);
  function currentUserSig(): string {
    const nowSeconds = Math.floor(clock.now() / 1000);
    const age = cachedSig ? nowSeconds - cachedSig.signedAtSeconds : Number.POSITIVE_INFINITY;
    // Renew at half-life, and also when the clock went backwards (a sig "from the future").
    if (!cachedSig || age >= renewAfterSeconds || age < 0) {
      cachedSig = {
        userSig: generateUserSig({
          sdkAppId: options.sdkAppId,
          identifier: options.adminIdentifier,
          secretKey: options.secretKey,
          expireSeconds: userSigTtlSeconds,
          nowSeconds,
        }),
        signedAtSeconds: nowSeconds,
      };
    }
    return cachedSig.userSig;
  }

  function emit(event: ChatClientEvent): void {
    try {
      options.onEvent?.(event);
    } catch {
      // An observer must not break a call.
    }
  }

  async function sendOnce<C extends ChatCommand>(command: C, body: RequestOf<C>): Promise<ResponseOf<C>> {
    const userSig = currentUserSig();
    const query = new URLSearchParams({
      sdkappid: String(options.sdkAppId),
      identifier: options.adminIdentifier,
      usersig: userSig,
      random: String(randomInt(0, 2 ** 32)),
      contenttype: 'json',
    });
    const secrets = [userSig, options.secretKey];
    let statusCode: number;
    let text: string;
    try {
      const response = await pool.request({
        method: 'POST',
        path: `${pathPrefix}/v4/${command}?${query.toString()}`,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        // Chat wants a JSON body even when there are no fields.
        body: JSON.stringify(body ?? {}),
      });
      statusCode = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      if (closed) throw new ChatClientClosedError();
      const { reason, sent } = classifyNetworkFailure(error);
      throw new ChatNetworkError(command, reason, sent);
    }
    if (statusCode >= 500) throw new ChatNetworkError(command, `HTTP_${statusCode}`, true);
    if (statusCode !== 200) throw new ChatInvalidResponseError(command, `HTTP status ${statusCode}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ChatInvalidResponseError(command, 'the body is not JSON');
    }
    return readEnvelope(command, json, secrets);
  }

  async function call<C extends ChatCommand>(command: C, body: RequestOf<C>, options: ChatCallOptions = {}): Promise<ResponseOf<C>> {
    if (!isChatCommand(command)) throw new TypeError('Unknown Chat command');
    const limiter = limiterFor(command);
    const idempotent = isIdempotentCommand(command);
    let retries = 0;
    let resigned = false;
    for (let attempt = 1; ; attempt++) {
      if (closed) throw new ChatClientClosedError();
      const { signal } = options;
      const waitFrom = clock.now();
      try {
        await limiter.acquire(signal);
      } catch (error) {
        if (signal?.aborted) throw new ChatCallAbortedError();
        throw error;
      }
      if (signal?.aborted) throw new ChatCallAbortedError();
      const startedAt = clock.now();
      try {
        const response = await sendOnce(command, body);
        emit({ command, attempt, durationMs: clock.now() - startedAt, waitedMs: startedAt - waitFrom });
        return response;
      } catch (error) {
        if (!isChatError(error)) throw error;
        emit({ command, attempt, durationMs: clock.now() - startedAt, waitedMs: startedAt - waitFrom, errorCode: error.code });
        const action = retryActionFor(error, idempotent);
        if (action === 'regenerate-sig' && !resigned) {
          // Chat thinks our UserSig expired (clock skew, or a long-lived process): sign anew, once.
          resigned = true;
          cachedSig = undefined;
          continue;
        }
        if ((action === 'back-off' || action === 'retry') && retries < policy.maxRetries) {
          const delayMs = backoffDelayMs(retries, policy);
          retries++;
          if (action === 'back-off') {
            // Slow down every caller of this command (of all commands for app-wide limits), not
            // just this retry; at least the base delay, since a jitter of 0 would not slow anything.
            const penaltyMs = Math.max(delayMs, policy.baseDelayMs);
            if (APP_WIDE_FREQUENCY_CODES.has(error.code)) {
              for (const other of CHAT_COMMANDS) limiterFor(other).penalize(penaltyMs);
            } else {
              limiter.penalize(penaltyMs);
            }
          } else if (delayMs > 0) {
            await clock.sleep(delayMs);
          }
          continue;
        }
        throw error;
      }
    }
  }

  return {
    call,
    limiterFor,
    async close() {
      if (closed) return;
      closed = true;
      await pool.close();
    },
  };
}
