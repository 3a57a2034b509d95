import { afterEach, describe, expect, it, vi } from 'vitest';
import { sessionSchema } from '../../shared/api/session';
import { apiError, installFakeApi, json } from '../test/fake-api';
import { ApiError } from './api-error';
import { apiRequest, apiRequestWithHeaders, parseRetryAfter } from './api-client';
import { setUnauthenticatedHandler, signInPath } from './session-expiry';

afterEach(() => vi.unstubAllGlobals());

describe('apiRequest', () => {
  it('sends the CSRF header and JSON content type on state-changing requests only', async () => {
    const api = installFakeApi({
      'GET /api/session': json({ username: 'support', role: 'editor' }),
      'POST /api/things': json({ username: 'support', role: 'editor' }),
      'PUT /api/things': { status: 204 },
      'PATCH /api/things': { status: 204 },
      'DELETE /api/things': { status: 204 },
    });
    await apiRequest('/api/session', { schema: sessionSchema });
    await apiRequest('/api/things', { method: 'POST', body: { a: 1 }, schema: sessionSchema });
    await apiRequest('/api/things', { method: 'PUT', body: { b: 2 } });
    await apiRequest('/api/things', { method: 'PATCH', body: { c: 3 } });
    await apiRequest('/api/things', { method: 'DELETE' });

    const [get, post, put, patch, del] = api.requests;
    expect(get?.headers.get('X-Requested-By')).toBeNull();
    expect(get?.headers.get('Content-Type')).toBeNull();
    for (const request of [post, put, patch, del]) expect(request?.headers.get('X-Requested-By')).toBe('markdesk');
    expect(post?.headers.get('Content-Type')).toBe('application/json');
    expect(post?.body).toEqual({ a: 1 });
    expect(del?.headers.get('Content-Type')).toBeNull();
    for (const request of api.requests) expect(request.credentials).toBe('same-origin');
  });

  it('sends extra headers (If-Match) and can hand back the response headers (ETag)', async () => {
    const api = installFakeApi({ 'PUT /api/things': json({ username: 'support', role: 'editor' }, 200, { etag: '"v2-x"' }) });
    const answer = await apiRequestWithHeaders('/api/things', { method: 'PUT', body: {}, headers: { 'If-Match': '"v1-x"' }, schema: sessionSchema });
    expect(answer.data).toEqual({ username: 'support', role: 'editor' });
    expect(answer.headers.get('ETag')).toBe('"v2-x"');
    expect(api.requests[0]?.headers.get('If-Match')).toBe('"v1-x"');
    expect(api.requests[0]?.headers.get('X-Requested-By')).toBe('markdesk');
  });

  it('validates a successful answer against the shared schema', async () => {
    installFakeApi({ 'GET /api/session': json({ username: 'support', role: 'superuser' }) });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const failure = await apiRequest('/api/session', { schema: sessionSchema }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 200, code: 'INVALID_RESPONSE' });
  });

  it('parses the error body into a typed ApiError', async () => {
    installFakeApi({
      'POST /api/chat-users/:userId/marks': apiError(502, 'UPSTREAM_ERROR', 'Chat failed.', { details: { hint: 'x' }, upstreamCode: 51008 }),
    });
    const failure = await apiRequest('/api/chat-users/u1/marks', { method: 'POST', body: {} }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({
      status: 502,
      code: 'UPSTREAM_ERROR',
      message: 'Chat failed.',
      requestId: 'req-502-upstream_error',
      details: { hint: 'x' },
      upstreamCode: 51008,
    });
  });

  it('keeps the x-request-id header and Retry-After when the body is not the error shape', async () => {
    installFakeApi({ 'GET /api/session': { status: 429, body: 'slow down', headers: { 'retry-after': '30' } } });
    const failure = (await apiRequest('/api/session').catch((error: unknown) => error)) as ApiError;
    expect(failure.status).toBe(429);
    expect(failure.code).toBe('UNKNOWN');
    expect(failure.requestId).toMatch(/^req-\d+$/);
    expect(failure.retryAfterSeconds).toBe(30);
  });

  it('turns a network failure into NETWORK_ERROR with status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(apiRequest('/api/session')).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });

  it('calls the session-ended handler on 401, except when asked not to (the login call)', async () => {
    installFakeApi({ 'GET /api/session': apiError(401, 'UNAUTHENTICATED', 'Sign in.'), 'POST /api/session': apiError(401, 'UNAUTHENTICATED', 'Wrong.') });
    const handler = vi.fn();
    const restore = setUnauthenticatedHandler(handler);
    try {
      await expect(apiRequest('/api/session')).rejects.toMatchObject({ status: 401 });
      expect(handler).toHaveBeenCalledTimes(1);
      await expect(apiRequest('/api/session', { method: 'POST', body: {}, redirectOnUnauthenticated: false })).rejects.toMatchObject({ status: 401 });
      expect(handler).toHaveBeenCalledTimes(1);
    } finally {
      restore();
    }
  });
});

describe('signInPath', () => {
  it('carries the current path as next, never the sign-in page itself', () => {
    expect(signInPath('/marks?user=minji.kim&bit=32')).toBe('/sign-in?next=%2Fmarks%3Fuser%3Dminji.kim%26bit%3D32');
    expect(signInPath('/sign-in?next=/marks')).toBe('/sign-in');
    expect(signInPath('/')).toBe('/sign-in');
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
