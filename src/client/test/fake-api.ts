// A tiny fake of the BFF at the fetch boundary: tests declare the routes they need, the fake
// answers like the real server would (JSON, x-request-id, the error body) and records every request.
import { vi } from 'vitest';

export type RecordedRequest = {
  method: string;
  path: string;
  search: URLSearchParams;
  headers: Headers;
  credentials: RequestCredentials | undefined;
  body: unknown;
  params: Record<string, string>;
};

export type FakeResponse = { status: number; body?: unknown; headers?: Record<string, string> };

type Handler = (request: RecordedRequest) => FakeResponse | Promise<FakeResponse>;

let requestCounter = 0;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): FakeResponse {
  return { status, body, headers };
}

export function apiError(status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): FakeResponse {
  return { status, body: { error: { code, message, requestId: `req-${status}-${code.toLowerCase()}`, ...extra } }, headers };
}

function compile(pattern: string): { method: string; test: (path: string) => Record<string, string> | null } {
  const [method, template] = pattern.split(' ') as [string, string];
  const names: string[] = [];
  const regex = new RegExp(
    `^${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  return {
    method,
    test: (path) => {
      const match = regex.exec(path);
      if (!match) return null;
      return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1] as string)]));
    },
  };
}

/** Replaces global fetch for the current test. Routes: `'GET /api/chat-users/:userId'` → handler. */
export function installFakeApi(routes: Record<string, Handler | FakeResponse>) {
  const compiled = Object.entries(routes).map(([pattern, handler]) => ({ ...compile(pattern), handler }));
  const requests: RecordedRequest[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://markdesk.test');
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    for (const route of compiled) {
      if (route.method !== method) continue;
      const params = route.test(url.pathname);
      if (!params) continue;
      const request: RecordedRequest = { method, path: url.pathname, search: url.searchParams, headers, credentials: init.credentials, body, params };
      requests.push(request);
      const answer = typeof route.handler === 'function' ? await route.handler(request) : route.handler;
      return toResponse(answer);
    }
    requests.push({ method, path: url.pathname, search: url.searchParams, headers, credentials: init.credentials, body, params: {} });
    return toResponse(apiError(404, 'NOT_FOUND', `The fake API has no route for ${method} ${url.pathname}.`));
  });
  vi.stubGlobal('fetch', fetchMock);
  return { requests, fetch: fetchMock, last: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path).at(-1) };
}

function toResponse(answer: FakeResponse): Response {
  const headers = new Headers({ 'x-request-id': `req-${++requestCounter}`, ...answer.headers });
  if (answer.body === undefined) return new Response(null, { status: answer.status, headers });
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers });
}
