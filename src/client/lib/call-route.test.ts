// callRoute: a contract route called with its parameters, query and body, its answer checked
// against the contract. The @ts-expect-error lines are part of the test: `npm run typecheck`
// fails if a wrong body or a missing parameter ever compiles.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditRoutes } from '../../shared/api/contracts/audit';
import { chatUserRoutes } from '../../shared/api/contracts/chat-users';
import { jobRoutes } from '../../shared/api/contracts/jobs';
import { labelRoutes } from '../../shared/api/contracts/labels';
import { staffRoutes } from '../../shared/api/contracts/staff';
import { installFakeApi, json } from '../test/fake-api';
import { ApiError } from './api-error';
import { callRoute, callRouteWithHeaders, routeUrl } from './call-route';

afterEach(() => vi.unstubAllGlobals());

const MEMBER = { username: 'ada', role: 'editor', disabled: false, createdAt: '2026-11-28T09:00:00.000Z', lastLoginAt: null };

describe('callRoute', () => {
  it('builds the path from the parameters (encoded), sends the method and the body, and checks the answer', async () => {
    const api = installFakeApi({ 'PATCH /api/staff/:name': json(MEMBER) });
    const member = await callRoute(staffRoutes.patch, { params: { name: 'a d/a' }, body: { role: 'editor' } });
    expect(member.username).toBe('ada');
    expect(api.requests[0]).toMatchObject({ method: 'PATCH', path: '/api/staff/a%20d%2Fa', body: { role: 'editor' } });
    expect(api.requests[0]?.headers.get('X-Requested-By')).toBe('markdesk');
  });

  it('puts the query fields in the address, leaving out the ones not set', async () => {
    const api = installFakeApi({ 'GET /api/audit': json({ entries: [], nextCursor: null }) });
    await callRoute(auditRoutes.list, { query: { staff: 'ada', chatUser: undefined, limit: 50 } });
    expect(api.requests[0]?.search.toString()).toBe('staff=ada&limit=50');
  });

  it('refuses an answer outside the contract', async () => {
    installFakeApi({ 'GET /api/staff': json({ staff: [{ username: 1 }] }) });
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(callRoute(staffRoutes.list)).rejects.toBeInstanceOf(ApiError);
  });

  it('reads no body for a 204', async () => {
    const api = installFakeApi({ 'DELETE /api/sessions/:handle': { status: 204 } });
    await expect(callRoute(staffRoutes.revokeSession, { params: { handle: 'h1' } })).resolves.toBeUndefined();
    expect(api.requests[0]?.path).toBe('/api/sessions/h1');
  });

  it('sends headers and hands back the answer headers (ETag)', async () => {
    const api = installFakeApi({ 'PUT /api/mark-labels': json({ labels: {}, updatedBy: 'ada', updatedAt: '2026-11-28T09:00:00.000Z' }, 200, { etag: '"v2"' }) });
    const answer = await callRouteWithHeaders(labelRoutes.put, { body: { labels: {} }, headers: { 'If-Match': '"v1"' } });
    expect(answer.headers.get('ETag')).toBe('"v2"');
    expect(api.requests[0]?.headers.get('If-Match')).toBe('"v1"');
  });

  it('sends a raw body under its own content type (the CSV upload)', async () => {
    const api = installFakeApi({ 'POST /api/jobs': { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'No.', requestId: 'r1' } } } });
    // A Blob, as the page sends the file (the fake reads only string bodies, as JSON).
    const file = new Blob(['chat_user,conversation\n'], { type: 'text/csv' });
    await expect(callRoute(jobRoutes.upload, { rawBody: { content: file, contentType: 'text/csv' } })).rejects.toMatchObject({ status: 400 });
    expect(api.requests[0]?.headers.get('Content-Type')).toBe('text/csv');
  });

  it('makes plain links with routeUrl', () => {
    expect(routeUrl(jobRoutes.impact, { params: { id: 'j1', kind: 'notImported' } })).toBe('/api/jobs/j1/impact/notImported.csv');
    expect(routeUrl(auditRoutes.export, { query: { kind: 'admin' } })).toBe('/api/audit/export.csv?kind=admin');
  });

  it('does not compile a wrong body or a missing parameter', () => {
    // Only the types are under test here: nothing is sent.
    const never = () => {
      // @ts-expect-error the path parameter userId is missing
      void callRoute(chatUserRoutes.saveMarks, { body: { items: [] } });
      // @ts-expect-error the body is not a mark request
      void callRoute(chatUserRoutes.saveMarks, { params: { userId: 'u' }, body: { items: 'all' } });
      // @ts-expect-error this route takes no body
      void callRoute(staffRoutes.list, { body: { username: 'x' } });
      // @ts-expect-error the upload is a raw body, not JSON
      void callRoute(jobRoutes.upload, { body: {} });
      // @ts-expect-error a body is required here
      void callRoute(staffRoutes.create);
    };
    expect(typeof never).toBe('function');
  });
});
