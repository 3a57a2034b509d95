// GET /metrics: 404 without MARKDESK_METRICS_TOKEN; with it, Prometheus text behind a bearer token.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { createLoginThrottle } from '../auth/login-throttle';
import { createChatClient } from '../chat/client';
import { sessionCookieFor } from '../http/auth';
import { DATABASE_FILE_NAME, openDatabase, type Store } from '../store/database';
import { createMetrics } from './metrics';
import { systemClock } from '../clock';

const TOKEN = 'metrics-token-0123456789';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function appWith(metricsOn: boolean) {
  // A database file: the app's job ledger opens a connection of its own to it.
  const dir = mkdtempSync(join(tmpdir(), 'markdesk-metrics-'));
  const store: Store = await openDatabase({ file: join(dir, DATABASE_FILE_NAME) });
  // Never called here: nothing in these tests reaches Chat.
  const chat = createChatClient({ baseUrl: 'http://127.0.0.1:9', sdkAppId: 1400000001, adminIdentifier: 'administrator', secretKey: 'not-a-real-secret' });
  const metrics = metricsOn ? createMetrics({ store, chat: () => chat }) : null;
  const logs: string[] = [];
  const app = await buildApp(
    { store, chat, clock: systemClock, loginThrottle: createLoginThrottle(store), cookie: sessionCookieFor('http://127.0.0.1:8080'), mode: 'live', chatApp: { sdkAppId: 1400000001, region: null }, version: 'test' },
    { publicOrigin: 'http://127.0.0.1:8080', metrics: metrics ? { metrics, token: TOKEN } : null, logStream: { write: (line: string) => void logs.push(line) } },
  );
  closers.push(async () => {
    // The app closes its Chat client and database.
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { app, metrics, logs };
}

describe('GET /metrics', () => {
  it('is 404 when no token is configured', async () => {
    const { app } = await appWith(false);
    const response = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('is 401 with a missing or wrong token, and never logs the token', async () => {
    const { app, logs } = await appWith(true);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const wrong = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer metrics-token-0123456780' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer');
    await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(logs.join('\n')).not.toContain(TOKEN);
  });

  it('serves requests by route and status, Chat calls by command and result, job rows, audit rows, sessions and process metrics', async () => {
    const { app, metrics } = await appWith(true);
    await app.inject({ method: 'GET', url: '/api/health' });
    await app.inject({ method: 'GET', url: '/api/no-such-thing-1' });
    metrics!.observeChat({ command: 'recentcontact/mark_contact', attempt: 1, durationMs: 120, waitedMs: 30 });
    metrics!.observeChat({ command: 'recentcontact/mark_contact', attempt: 2, durationMs: 80, errorCode: 60007 });
    metrics!.observeLedgerCommit({ settled: [{ status: 'applied' }, { status: 'applied' }, { status: 'conflict' }] as never });
    const response = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.body;
    expect(text).toMatch(/markdesk_http_request_duration_seconds_count\{method="GET",route="\/api\/health",status_code="200"\} 1/);
    expect(text).toMatch(/markdesk_http_request_duration_seconds_count\{method="GET",route="\(unmatched\)",status_code="404"\} 1/);
    expect(text).toContain('markdesk_chat_calls_total{command="recentcontact/mark_contact",result="ok"} 1');
    expect(text).toContain('markdesk_chat_calls_total{command="recentcontact/mark_contact",result="60007"} 1');
    expect(text).toMatch(/markdesk_chat_rate_limiter_wait_seconds_count\{command="recentcontact\/mark_contact"\} 1/);
    expect(text).toContain('markdesk_job_rows_total{outcome="applied"} 2');
    expect(text).toContain('markdesk_job_rows_total{outcome="conflict"} 1');
    expect(text).toContain('markdesk_audit_entries_total 0');
    expect(text).toContain('markdesk_sessions_active 0');
    expect(text).toContain('# TYPE markdesk_chat_rate_limiter_queue gauge');
    expect(text).toContain('process_resident_memory_bytes');
  });
});
