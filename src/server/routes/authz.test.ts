// The roles of docs/http-api.md (Roles, and the role column of Endpoints): every route × {anonymous, viewer, editor, admin}.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/api/session';
import { startTestBff, type TestBff } from '../testing/bff-harness';

type Caller = 'anonymous' | Role;
const CALLERS: Caller[] = ['anonymous', 'viewer', 'editor', 'admin'];

type RouteCase = {
  name: string;
  /** The lowest role allowed; 'anonymous' = anyone. */
  needs: Caller;
  /** The status an allowed caller gets with this request. */
  allowedStatus: number;
  request: (caller: Caller) => InjectOptions;
  /** True when the request ends the caller's session (then each caller gets a throwaway one). */
  endsSession?: boolean;
};

let bff: TestBff;
const cookies = new Map<Caller, string>();
let write: Record<string, string>;
let staffCounter = 0;

const ROUTES: RouteCase[] = [
  { name: 'GET /api/session', needs: 'viewer', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/session' }) },
  {
    name: 'POST /api/session',
    needs: 'anonymous',
    allowedStatus: 200,
    endsSession: true,
    request: () => ({ method: 'POST', url: '/api/session', headers: write, payload: { username: 'viewer', password: 'correct horse battery staple' } }),
  },
  { name: 'DELETE /api/session', needs: 'anonymous', allowedStatus: 204, endsSession: true, request: () => ({ method: 'DELETE', url: '/api/session', headers: write }) },
  { name: 'GET /api/health', needs: 'anonymous', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/health' }) },
  { name: 'GET /api/ready', needs: 'anonymous', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/ready' }) },
  // Guarded by its own bearer token (MARKDESK_METRICS_TOKEN), not a session; without the token set it is 404 for everyone.
  { name: 'GET /metrics', needs: 'anonymous', allowedStatus: 404, request: () => ({ method: 'GET', url: '/metrics' }) },
  { name: 'GET /api/chat-users/:userId', needs: 'viewer', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/chat-users/alice' }) },
  {
    name: 'GET /api/chat-users/:userId/conversations',
    needs: 'viewer',
    allowedStatus: 200,
    request: () => ({ method: 'GET', url: '/api/chat-users/alice/conversations' }),
  },
  {
    name: 'POST /api/chat-users/:userId/marks',
    needs: 'editor',
    allowedStatus: 200,
    request: (caller) => ({
      method: 'POST',
      url: '/api/chat-users/alice/marks',
      headers: write,
      payload: { items: [{ conversation: { type: 'c2c', id: `peer-of-${caller}` }, setBits: [0] }] },
    }),
  },
  { name: 'GET /api/chat-users/:userId/groups', needs: 'viewer', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/chat-users/alice/groups' }) },
  {
    name: 'GET /api/chat-users/:userId/groups/changes',
    needs: 'viewer',
    allowedStatus: 200,
    request: () => ({ method: 'GET', url: '/api/chat-users/alice/groups/changes' }),
  },
  {
    name: 'POST /api/chat-users/:userId/groups',
    needs: 'editor',
    allowedStatus: 200,
    request: (caller) => ({
      method: 'POST',
      url: '/api/chat-users/alice/groups',
      headers: write,
      payload: { name: `G ${caller} ${++staffCounter}`, conversations: [{ type: 'c2c', id: `peer-of-${caller}` }] },
    }),
  },
  {
    name: 'PATCH /api/chat-users/:userId/groups/:groupId',
    needs: 'editor',
    // A group id the user does not have (here and below): allowed callers get as far as looking it up.
    allowedStatus: 404,
    request: () => ({ method: 'PATCH', url: '/api/chat-users/alice/groups/99999', headers: write, payload: { name: 'Renamed' } }),
  },
  {
    name: 'DELETE /api/chat-users/:userId/groups/:groupId',
    needs: 'editor',
    allowedStatus: 404,
    request: () => ({ method: 'DELETE', url: '/api/chat-users/alice/groups/99999', headers: write }),
  },
  {
    name: 'POST /api/chat-users/:userId/groups/:groupId/conversations',
    needs: 'editor',
    allowedStatus: 404,
    request: () => ({
      method: 'POST',
      url: '/api/chat-users/alice/groups/99999/conversations',
      headers: write,
      payload: { add: [{ type: 'c2c', id: 'someone' }] },
    }),
  },
  { name: 'GET /api/audit', needs: 'viewer', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/audit' }) },
  { name: 'GET /api/audit/export.csv', needs: 'viewer', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/audit/export.csv' }) },
  {
    name: 'POST /api/audit/:id/revert',
    needs: 'editor',
    // An id that names no entry: allowed callers get as far as looking it up.
    allowedStatus: 404,
    request: () => ({ method: 'POST', url: '/api/audit/00000000-0000-4000-8000-000000000000/revert', headers: write, payload: {} }),
  },
  {
    name: 'POST /api/audit/requests/:requestId/revert',
    needs: 'editor',
    // A request id no entry carries: allowed callers get as far as looking it up.
    allowedStatus: 404,
    request: () => ({ method: 'POST', url: '/api/audit/requests/no-such-request/revert', headers: write, payload: {} }),
  },
  { name: 'GET /api/preferences', needs: 'viewer', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/preferences' }) },
  {
    name: 'PUT /api/preferences',
    needs: 'viewer',
    allowedStatus: 200,
    request: () => ({ method: 'PUT', url: '/api/preferences', headers: write, payload: { language: 'en' } }),
  },
  { name: 'GET /api/audit/verify', needs: 'admin', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/audit/verify' }) },
  { name: 'GET /api/audit/verify/progress', needs: 'admin', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/audit/verify/progress' }) },
  { name: 'GET /api/mark-labels', needs: 'viewer', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/mark-labels' }) },
  {
    name: 'GET /api/audit/activity',
    needs: 'viewer',
    allowedStatus: 200,
    request: () => ({ method: 'GET', url: '/api/audit/activity?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z' }),
  },
  // Insights only read: every role may run surveys. Unknown ids: allowed callers get as far as looking them up.
  { name: 'POST /api/surveys', needs: 'viewer', allowedStatus: 201, request: () => ({ method: 'POST', url: '/api/surveys', headers: write, payload: { users: ['alice'] } }) },
  { name: 'GET /api/surveys', needs: 'viewer', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/surveys' }) },
  { name: 'GET /api/surveys/compare', needs: 'viewer', allowedStatus: 404, request: () => ({ method: 'GET', url: '/api/surveys/compare?a=x&b=y' }) },
  { name: 'GET /api/surveys/:id', needs: 'viewer', allowedStatus: 404, request: () => ({ method: 'GET', url: '/api/surveys/nope' }) },
  { name: 'GET /api/surveys/:id/users.csv', needs: 'viewer', allowedStatus: 404, request: () => ({ method: 'GET', url: '/api/surveys/nope/users.csv' }) },
  ...(['pause', 'resume', 'cancel'] as const).map(
    (action): RouteCase => ({ name: `POST /api/surveys/:id/${action}`, needs: 'viewer', allowedStatus: 404, request: () => ({ method: 'POST', url: `/api/surveys/nope/${action}`, headers: write, payload: {} }) }),
  ),
  {
    name: 'PUT /api/mark-labels',
    needs: 'admin',
    allowedStatus: 200,
    request: () => ({ method: 'PUT', url: '/api/mark-labels', headers: { ...write, 'if-match': '*' }, payload: { labels: { '32': { name: 'VIP' } } } }),
  },
  { name: 'GET /api/staff', needs: 'admin', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/staff' }) },
  {
    name: 'POST /api/staff',
    needs: 'admin',
    allowedStatus: 201,
    request: () => ({
      method: 'POST',
      url: '/api/staff',
      headers: write,
      payload: { username: `new.person${++staffCounter}`, role: 'viewer', password: 'a long enough secret phrase' },
    }),
  },
  {
    name: 'PATCH /api/staff/:name',
    needs: 'admin',
    allowedStatus: 200,
    request: () => ({ method: 'PATCH', url: '/api/staff/target', headers: write, payload: { disabled: false } }),
  },
  { name: 'GET /api/sessions', needs: 'admin', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/sessions' }) },
  {
    name: 'DELETE /api/sessions/:handle',
    needs: 'admin',
    // A handle that names no session.
    allowedStatus: 404,
    request: () => ({ method: 'DELETE', url: '/api/sessions/0000000000000000', headers: write }),
  },
  { name: 'GET /api/docs', needs: 'viewer', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/docs' }) },
  // Identity. Without SSO configured the OIDC routes are 404 for everyone; the second step of a
  // password sign-in needs its own cookie (none here: 401); every signed-in person manages themselves.
  { name: 'GET /api/auth/config', needs: 'anonymous', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/auth/config' }) },
  { name: 'GET /api/auth/oidc/start', needs: 'anonymous', allowedStatus: 404, request: () => ({ method: 'GET', url: '/api/auth/oidc/start' }) },
  { name: 'GET /api/auth/oidc/callback', needs: 'anonymous', allowedStatus: 404, request: () => ({ method: 'GET', url: '/api/auth/oidc/callback?code=x&state=y' }) },
  { name: 'POST /api/session/mfa', needs: 'anonymous', allowedStatus: 401, request: () => ({ method: 'POST', url: '/api/session/mfa', headers: write, payload: { code: '123456' } }) },
  { name: 'POST /api/session/mfa/enrolment', needs: 'anonymous', allowedStatus: 401, request: () => ({ method: 'POST', url: '/api/session/mfa/enrolment', headers: write }) },
  {
    name: 'POST /api/session/mfa/enrolment/confirm',
    needs: 'anonymous',
    allowedStatus: 401,
    request: () => ({ method: 'POST', url: '/api/session/mfa/enrolment/confirm', headers: write, payload: { code: '123456' } }),
  },
  // A wrong password: allowed callers get as far as checking it.
  { name: 'POST /api/session/step-up', needs: 'viewer', allowedStatus: 400, request: () => ({ method: 'POST', url: '/api/session/step-up', headers: write, payload: { password: 'not the password' } }) },
  { name: 'GET /api/me', needs: 'viewer', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/me' }) },
  {
    name: 'POST /api/me/password',
    needs: 'viewer',
    allowedStatus: 400,
    request: () => ({ method: 'POST', url: '/api/me/password', headers: write, payload: { currentPassword: 'not the password', newPassword: 'another long pass phrase' } }),
  },
  { name: 'POST /api/me/mfa/enrolment', needs: 'viewer', allowedStatus: 200, request: () => ({ method: 'POST', url: '/api/me/mfa/enrolment', headers: write }) },
  {
    name: 'POST /api/me/mfa/enrolment/confirm',
    needs: 'viewer',
    allowedStatus: 400,
    request: () => ({ method: 'POST', url: '/api/me/mfa/enrolment/confirm', headers: write, payload: { code: '000000' } }),
  },
  // Without TOTP set up: allowed callers are told to set it up first.
  { name: 'POST /api/me/mfa/recovery-codes', needs: 'viewer', allowedStatus: 409, request: () => ({ method: 'POST', url: '/api/me/mfa/recovery-codes', headers: write }) },
  { name: 'GET /api/me/sessions', needs: 'viewer', allowedStatus: 200, request: () => ({ method: 'GET', url: '/api/me/sessions' }) },
  { name: 'DELETE /api/me/sessions/:handle', needs: 'viewer', allowedStatus: 404, request: () => ({ method: 'DELETE', url: '/api/me/sessions/0000000000000000', headers: write }) },
];

const RANK: Record<Caller, number> = { anonymous: 0, viewer: 1, editor: 2, admin: 3 };

function expectedStatus(route: RouteCase, caller: Caller): number {
  if (RANK[caller] >= RANK[route.needs]) return route.allowedStatus;
  return caller === 'anonymous' ? 401 : 403;
}

const authzFailLines = () => bff.logs.filter((line) => (JSON.parse(line) as { event?: string }).event === 'authz_fail').length;

beforeAll(async () => {
  bff = await startTestBff();
  write = bff.writeHeaders;
  await bff.importUsers('alice');
  await bff.addStaff('target', 'viewer');
  for (const role of ['viewer', 'editor', 'admin'] as const) cookies.set(role, await bff.sessionCookie(role));
});
afterAll(() => bff.close());

describe('every route × every role', () => {
  const table = ROUTES.flatMap((route) => CALLERS.map((caller) => ({ route, caller, expected: expectedStatus(route, caller) })));

  it.each(table.map((row) => [row.route.name, row.caller, row.expected, row] as const))('%s as %s → %i', async (_name, caller, expected, row) => {
    const cookie = caller === 'anonymous' ? undefined : row.route.endsSession ? await bff.sessionCookie(caller) : cookies.get(caller);
    const options = row.route.request(caller);
    const before = authzFailLines();
    const response = await bff.inject({ ...options, headers: { ...(options.headers ?? {}), ...(cookie ? { cookie } : {}) } });
    expect(response.statusCode, response.body).toBe(expected);
    if (expected === 401) expect(response.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    if (expected === 403) {
      expect(response.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringContaining(row.route.needs) } });
      expect(authzFailLines()).toBe(before + 1);
    }
  });

  it('covers every route the app has', async () => {
    await bff.app.ready();
    const documented = new Set(ROUTES.map((route) => route.name));
    const registered = registeredRoutes(bff.app.printRoutes({ commonPrefix: false }));
    expect(registered.length).toBeGreaterThanOrEqual(ROUTES.length);
    // Bulk jobs have their own tests; the check below still holds them to "sign in first".
    for (const route of registered.filter((name) => !name.includes(' /api/jobs'))) {
      expect(documented, `${route} has no row in the table`).toContain(route);
    }
  });

  it('answers 401 to an anonymous caller on every route that is not public, whatever the body', async () => {
    await bff.app.ready();
    const publicRoutes = new Set(ROUTES.filter((route) => route.needs === 'anonymous').map((route) => route.name));
    const guarded = registeredRoutes(bff.app.printRoutes({ commonPrefix: false })).filter((name) => !publicRoutes.has(name));
    for (const route of guarded) {
      const [method, path] = route.split(' ') as [InjectOptions['method'], string];
      const response = await bff.inject({ method, url: path.replace(/:\w+/g, 'x'), headers: write });
      expect(response.statusCode, route).toBe(401);
    }
  });
});

/**
 * "METHOD /path" of every route in Fastify's printRoutes tree, where each line is a path segment
 * appended to its parent's ("├── /api/staff (GET, POST)" then "│   └── /:name (PATCH)").
 */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const prefixes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (prefixes[depth - 1] ?? '') + match[2]!;
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of match[3]?.split(', ') ?? []) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes;
}

describe('authentication comes before validation', () => {
  const invalidMarks = { method: 'POST' as const, url: '/api/chat-users/alice/marks', payload: { items: [], nonsense: true } };

  it('an anonymous caller with a malformed body gets 401, not a list of what is wrong with it', async () => {
    const response = await bff.inject({ ...invalidMarks, headers: write });
    expect(response.statusCode).toBe(401);
    expect(response.json()).not.toHaveProperty('error.details');
  });

  it('a viewer with a malformed body gets 403', async () => {
    const response = await bff.inject({ ...invalidMarks, headers: { ...write, cookie: cookies.get('viewer')! } });
    expect(response.statusCode).toBe(403);
  });

  it('an anonymous caller with an over-long path parameter gets 401', async () => {
    const response = await bff.inject({ method: 'GET', url: `/api/chat-users/${'x'.repeat(40)}/conversations` });
    expect(response.statusCode).toBe(401);
  });

  it('a disabled person’s session counts as anonymous', async () => {
    await bff.addStaff('leaver', 'admin');
    const cookie = await bff.sessionCookie('leaver');
    await bff.store.write((tx) => tx.updateTable('staff').set({ disabled: 1 }).where('username', '=', 'leaver').execute());
    const response = await bff.inject({ method: 'GET', url: '/api/staff', headers: { cookie } });
    expect(response.statusCode).toBe(401);
  });
});

it('never sends or logs a secret', () => {
  expect(bff.leaks()).toEqual([]);
});
