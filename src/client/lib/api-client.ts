// The one way the SPA talks to the BFF. Same-origin cookie session; every state-changing request
// carries the CSRF header the BFF requires; every success is checked against the shared zod
// contract; every failure becomes an ApiError a component can turn into a sentence + request id.
import type { z } from 'zod/mini';
import { errorBodySchema } from '../../shared/api/errors';
import { ApiError, CLIENT_ERROR_CODES } from './api-error';
import { dropEarly, takeEarly } from './early-requests';
import { notifyUnauthenticated, requestStepUp, type StepUpDetails } from './session-expiry';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const STATE_CHANGING: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A body that is not JSON (the bulk-job CSV upload), sent as it is under its own Content-Type. */
export type RawBody = { content: Blob | string; contentType: string };

export type BaseOptions = {
  method?: HttpMethod;
  signal?: AbortSignal;
  /** Extra request headers, e.g. `If-Match` with the ETag a save is based on. */
  headers?: Readonly<Record<string, string>>;
  /** false for the login call: a 401 there means "wrong password", not "session ended". */
  redirectOnUnauthenticated?: boolean;
  /** false: a 403 STEP_UP_REQUIRED is not answered by re-authenticating and sending again. */
  stepUp?: boolean;
} & (
  | {
      /** Sent as JSON. */
      body?: unknown;
      rawBody?: undefined;
    }
  | { body?: undefined; rawBody: RawBody }
);

export function apiRequest<Schema extends z.ZodMiniType>(
  path: string,
  options: BaseOptions & { schema: Schema },
): Promise<z.output<Schema>>;
export function apiRequest(path: string, options?: BaseOptions & { schema?: undefined }): Promise<void>;
export async function apiRequest(path: string, options: BaseOptions & { schema?: z.ZodMiniType } = {}): Promise<unknown> {
  return (await exchange(path, options)).data;
}

/** apiRequest that also hands back the response headers (an `ETag`, for one). */
export function apiRequestWithHeaders<Schema extends z.ZodMiniType>(
  path: string,
  options: BaseOptions & { schema: Schema },
): Promise<{ data: z.output<Schema>; headers: Headers }> {
  return exchange(path, options) as Promise<{ data: z.output<Schema>; headers: Headers }>;
}

/** One request and its checked answer; apiRequest and callRoute (call-route.ts) are built on it. */
export async function exchange(path: string, options: BaseOptions & { schema?: z.ZodMiniType }): Promise<{ data: unknown; headers: Headers }> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { ...options.headers, Accept: 'application/json' };
  if (STATE_CHANGING.has(method)) headers['X-Requested-By'] = 'markdesk';
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (options.rawBody !== undefined) {
    headers['Content-Type'] = options.rawBody.contentType;
    init.body = options.rawBody.content;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (options.signal) init.signal = options.signal;

  // A plain GET the entry already sent (early-requests.ts) takes that answer; a change makes those of its resource stale.
  if (method !== 'GET') dropEarly(path);
  const early = method === 'GET' && options.headers === undefined ? takeEarly(path) : undefined;
  let response: Response;
  try {
    response = await (early ?? fetch(path, init));
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ status: 0, code: CLIENT_ERROR_CODES.network, message: 'The request did not reach Markdesk.', requestId: null });
  }

  const headerRequestId = response.headers.get('x-request-id');
  if (early !== undefined && response.status === 401) dropEarly();
  if (!response.ok) {
    const error = await errorFromResponse(response, headerRequestId);
    if (response.status === 401 && options.redirectOnUnauthenticated !== false) {
      const reason = error.details?.reason;
      notifyUnauthenticated(typeof reason === 'string' ? reason : undefined);
    }
    // An admin action after 10 minutes: re-authenticate (the app's dialog), then send it once more.
    if (error.code === 'STEP_UP_REQUIRED' && options.stepUp !== false && options.rawBody === undefined) {
      const details = (error.details ?? {}) as Partial<StepUpDetails>;
      if (await requestStepUp({ method: details.method === 'sso' ? 'sso' : 'password', mfa: details.mfa === true })) {
        return exchange(path, { ...options, stepUp: false });
      }
    }
    throw error;
  }

  if (!options.schema) return { data: undefined, headers: response.headers };
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw invalidResponse(response.status, headerRequestId, 'The answer was not JSON.');
  }
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) {
    // For whoever opens the console: which field broke the contract (no values, they may be personal data).
    console.error(`Markdesk: ${method} ${path} answered outside the contract`, parsed.error.issues.map((issue) => issue.path.join('.')));
    throw invalidResponse(response.status, headerRequestId, 'The answer did not match the API contract.');
  }
  return { data: parsed.data, headers: response.headers };
}

function invalidResponse(status: number, requestId: string | null, message: string): ApiError {
  return new ApiError({ status, code: CLIENT_ERROR_CODES.invalidResponse, message, requestId });
}

async function errorFromResponse(response: Response, headerRequestId: string | null): Promise<ApiError> {
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, requestId, details, upstreamCode } = parsed.data.error;
    return new ApiError({
      status: response.status,
      code,
      message,
      requestId: requestId ?? headerRequestId,
      details,
      upstreamCode,
      retryAfterSeconds,
    });
  }
  return new ApiError({
    status: response.status,
    code: CLIENT_ERROR_CODES.unknown,
    message: `Markdesk answered with HTTP ${response.status}.`,
    requestId: headerRequestId,
    retryAfterSeconds,
  });
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
