// GET /api/docs: the OpenAPI 3 document of every route, generated from the contract table; and the
// table against what Fastify serves, so no /api route can be added without it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allApiRoutes } from '../../shared/api/routes';
import { startTestBff, type TestBff } from '../testing/bff-harness';

type OpenApi = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; parameters?: { name: string; in: string }[]; responses?: Record<string, unknown> }>>;
};

let bff: TestBff;
let doc: OpenApi;

beforeAll(async () => {
  bff = await startTestBff();
  const response = await bff.inject({ method: 'GET', url: '/api/docs', headers: { cookie: await bff.signIn('viewer') } });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  doc = JSON.parse(response.body) as OpenApi;
});
afterAll(() => bff.close());

/** `POST /api/audit/:id/revert` for every route of the contract table (the document leaves out hidden ones). */
const CONTRACT = allApiRoutes().map((route) => ({ route, key: `${route.method} ${route.path}` }));

/** `/api/audit/:id/revert` → `/api/audit/{id}/revert`, as OpenAPI writes a path. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

/**
 * `METHOD /path` of every route Fastify registered, read from app.printRoutes: each line is a node
 * of the router's tree, its text appended to its parent's, with the methods it answers in brackets.
 */
function registeredRoutes(tree: string): string[] {
  const prefixes: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const node = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!node) continue;
    const depth = node[1]!.length / 4;
    prefixes.length = depth;
    const path = (prefixes[depth - 1] ?? '') + node[2]!;
    prefixes[depth] = path;
    for (const method of (node[3] ?? '').split(', ')) if (method !== '' && method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes;
}

describe('GET /api/docs', () => {
  it('is for signed-in staff only', async () => {
    const response = await bff.inject({ method: 'GET', url: '/api/docs' });
    expect(response.statusCode).toBe(401);
    expect(response.body).not.toContain('/api/chat-users');
  });

  it('is an OpenAPI 3.x document with the app’s version', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: 'test' });
  });

  it.each(CONTRACT.filter(({ route }) => !route.hide))('describes $key', ({ route }) => {
    const operation = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
    expect(operation, `${route.method} ${route.path}`).toBeDefined();
    expect(Object.keys(operation?.responses ?? {}).map(Number).sort()).toEqual(Object.keys(route.responses).map(Number).sort());
  });

  it('leaves out the routes the contract hides (the document itself)', () => {
    expect(doc.paths['/api/docs']).toBeUndefined();
  });

  it('has no route the contract does not have', () => {
    const contract = new Set(CONTRACT.map(({ route }) => `${route.method.toLowerCase()} ${openApiPath(route.path)}`));
    const described = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    expect(described.filter((operation) => !contract.has(operation))).toEqual([]);
  });

  it('serves exactly the /api routes of the contract: none registered outside it, none of it missing', () => {
    const registered = registeredRoutes(bff.app.printRoutes({ commonPrefix: false })).filter((route) => route.split(' ')[1]!.startsWith('/api/'));
    // The reading of the tree itself: the seven bulk-job routes under /api/jobs/:id, among others.
    expect(registered).toEqual(expect.arrayContaining(['GET /api/jobs/:id/impact/:kind.csv', 'POST /api/jobs/:id/cancel', 'GET /api/sessions', 'DELETE /api/me/sessions/:handle']));
    expect([...registered].sort()).toEqual(CONTRACT.map(({ key }) => key).sort());
  });

  it('gives the revert 409 the shape of its details', () => {
    const revert = doc.paths['/api/audit/{id}/revert']!.post!;
    expect(JSON.stringify(revert.responses?.['409'])).toContain('revertedBy');
  });

  it('carries the request schemas, path parameters and responses of the contract', () => {
    const marks = doc.paths['/api/chat-users/{userId}/marks']!.post!;
    expect(marks.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'userId', in: 'path' })]));
    expect(JSON.stringify(marks.requestBody?.content['application/json']?.schema)).toContain('expectedCustomMark');
    expect(Object.keys(marks.responses ?? {})).toContain('200');
    const audit = doc.paths['/api/audit']!.get!;
    expect(audit.parameters?.map((parameter) => parameter.name)).toEqual(expect.arrayContaining(['chatUser', 'staff', 'status', 'from', 'to', 'limit', 'cursor']));
  });
});
