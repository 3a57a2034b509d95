import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiRequest } from './api-client';
import { firstScreenRequests, sendEarly, takeEarly } from './early-requests';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const at = (path: string) => {
  const url = new URL(path, 'http://markdesk.test');
  return { pathname: url.pathname, search: url.search };
};

describe('firstScreenRequests', () => {
  it('names the shell’s requests, the labels and the Chat user’s conversations of the page asked for', () => {
    expect(firstScreenRequests(at('/marks?user=minji.kim'))).toEqual([
      '/api/session',
      '/api/health',
      '/api/ready',
      '/api/preferences',
      '/api/mark-labels',
      '/api/chat-users/minji.kim',
      '/api/chat-users/minji.kim/conversations',
    ]);
    expect(firstScreenRequests(at('/inspect?user=%EC%A7%80%EB%AF%BC%2F1'))).toContain('/api/chat-users/%EC%A7%80%EB%AF%BC%2F1/conversations');
    expect(firstScreenRequests(at('/bulk'))).toEqual(['/api/session', '/api/health', '/api/ready', '/api/preferences']);
    expect(firstScreenRequests(at('/marks?user=%20'))).toEqual(['/api/session', '/api/health', '/api/ready', '/api/preferences', '/api/mark-labels']);
    expect(firstScreenRequests(at('/sign-in'))).toEqual([]);
  });
});

describe('early answers', () => {
  it('are handed once to the first request for the same address, which checks them as its own', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ n: 1 }), { status: 200, headers: { 'Content-Type': 'application/json' } }));
    vi.stubGlobal('fetch', fetch);
    sendEarly(['/api/once']);
    expect(fetch).toHaveBeenCalledTimes(1);
    const { z } = await import('zod/mini');
    await expect(apiRequest('/api/once', { schema: z.object({ n: z.literal(1) }) })).resolves.toEqual({ n: 1 });
    expect(fetch).toHaveBeenCalledTimes(1);
    // Taken: the next request goes to the server.
    await apiRequest('/api/once', { schema: z.object({ n: z.literal(1) }) });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('are dropped when nobody asked for them in time', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{}')));
    sendEarly(['/api/late']);
    vi.advanceTimersByTime(10_001);
    expect(takeEarly('/api/late')).toBeUndefined();
  });

  it('a failed early request is the taker’s failure, reported as an unreachable server', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('offline'))));
    sendEarly(['/api/down']);
    await expect(apiRequest('/api/down')).rejects.toMatchObject({ status: 0 });
  });
});

describe('stale early answers', () => {
  const answer = (status: number) => new Response(JSON.stringify(status === 200 ? { n: 1 } : { error: { code: 'UNAUTHENTICATED', message: 'Sign in.' } }), { status });

  it('are all dropped when one says the visitor is not signed in: after signing in, the page asks again', async () => {
    const fetch = vi.fn(async () => answer(401));
    vi.stubGlobal('fetch', fetch);
    sendEarly(['/api/session', '/api/chat-users/a/conversations']);
    await expect(apiRequest('/api/session', { redirectOnUnauthenticated: false })).rejects.toMatchObject({ status: 401 });
    expect(takeEarly('/api/chat-users/a/conversations')).toBeUndefined();
  });

  it('are all dropped by a sign-in, and those of a changed resource by a change to it', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => answer(200)));
    sendEarly(['/api/mark-labels']);
    await apiRequest('/api/session', { method: 'POST', body: {} });
    expect(takeEarly('/api/mark-labels')).toBeUndefined();

    sendEarly(['/api/preferences', '/api/mark-labels', '/api/chat-users/a', '/api/chat-users/a/conversations']);
    // Saving the language leaves the Chat user's answers alone.
    await apiRequest('/api/preferences', { method: 'PUT', body: { language: 'en' } });
    expect(takeEarly('/api/preferences')).toBeUndefined();
    // A save to a Chat user's marks makes every Chat user answer stale, not the labels.
    await apiRequest('/api/chat-users/b/marks?x=1', { method: 'POST', body: {} });
    expect(takeEarly('/api/chat-users/a')).toBeUndefined();
    expect(takeEarly('/api/chat-users/a/conversations')).toBeUndefined();
    expect(takeEarly('/api/mark-labels')).toBeDefined();
  });
});
