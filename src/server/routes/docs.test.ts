// GET /api/docs: the OpenAPI 3 document of every route, generated from the zod contract.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const ROUTES: [string, string][] = [
  ['get', '/api/session'],
  ['post', '/api/session'],
  ['delete', '/api/session'],
  ['get', '/api/health'],
  ['get', '/api/ready'],
  ['get', '/api/chat-users/{userId}'],
  ['get', '/api/chat-users/{userId}/conversations'],
  ['post', '/api/chat-users/{userId}/marks'],
  ['get', '/api/audit'],
  ['get', '/api/audit/export.csv'],
  ['post', '/api/audit/{id}/revert'],
  ['get', '/api/audit/verify'],
  ['get', '/api/mark-labels'],
  ['put', '/api/mark-labels'],
  ['get', '/api/staff'],
  ['post', '/api/staff'],
  ['patch', '/api/staff/{name}'],
  ['get', '/api/sessions'],
  ['delete', '/api/sessions/{handle}'],
];

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

  it.each(ROUTES)('describes %s %s', (method, path) => {
    expect(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
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
