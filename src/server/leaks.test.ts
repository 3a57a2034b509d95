// What must never leave the server: never a secret key, a UserSig, a session id or a password in
// a response or a log line, never a stack trace in a response — checked over a run that goes through sign-in,
// reads, writes, upstream failures of every kind and an unexpected error, with the log at trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUserSig } from './chat/usersig';
import { startTestBff, TEST_PASSWORD, type TestBff } from './testing/bff-harness';
import { findLeaks } from './testing/leak-scan';

describe('the leak scan itself', () => {
  const secret = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
  const userSig = generateUserSig({ sdkAppId: 1400000000, identifier: 'administrator', secretKey: secret, expireSeconds: 86_400 });
  const scan = (body: string, logs: string[] = [], headers: Record<string, unknown> = {}) =>
    findLeaks({ secrets: { 'the secret key': secret, 'a password': TEST_PASSWORD }, responses: [{ where: 'response', headers, body }], logs });

  it('finds each kind of secret wherever it is', () => {
    expect(scan(`{"key":"${secret}"}`)).toEqual([{ where: 'response, body', what: 'the secret key' }]);
    expect(scan('{}', [`{"msg":"${TEST_PASSWORD}"}`])[0]?.what).toBe('a password');
    expect(scan('{}', [], { 'x-debug': userSig }).map((leak) => leak.what)).toContain('a UserSig');
    expect(scan('{"url":"/v4/x?usersig=abc"}').map((leak) => leak.what)).toContain('a usersig= query parameter');
    expect(scan('{"stack":"Error: x\\n    at handler (app.ts:1:1)"}').map((leak) => leak.what)).toContain('a stack trace');
  });

  it('finds nothing in ordinary answers', () => {
    expect(scan('{"id":"0b7d2f0e-3c1a-4f55-9f5e-1e2d3c4b5a69","nonce":"9f86d081884c7d659a2feaa0c55ad015"}')).toEqual([]);
  });
});

describe('a run through every path that touches a secret', () => {
  let bff: TestBff;
  let editor: string;
  const request = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    bff.inject({ method, url, headers: { ...bff.writeHeaders, cookie: editor }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const marks = { items: [{ conversation: { type: 'c2c', id: 'peer' }, setBits: [0], customMark: 'note' }] };

  beforeAll(async () => {
    bff = await startTestBff({ logLevel: 'trace' });
    await bff.importUsers('alice');
    editor = await bff.signIn('editor');
  });
  afterAll(() => bff.close());

  it('signs in and out, with right and wrong passwords', async () => {
    expect((await bff.login('viewer', 'a wrong but plausible password')).response.statusCode).toBe(401);
    expect((await bff.login('nobody', 'yet another guessed password')).response.statusCode).toBe(401);
    const { cookie } = await bff.login('admin');
    await bff.inject({ method: 'GET', url: '/api/sessions', headers: { cookie: cookie! } });
    await bff.inject({ method: 'DELETE', url: '/api/session', headers: { ...bff.writeHeaders, cookie: cookie! } });
    await bff.inject({ method: 'GET', url: '/api/session', headers: { cookie: cookie! } });
  });

  it('refuses a viewer’s write', async () => {
    const response = await bff.inject({ method: 'POST', url: '/api/chat-users/alice/marks', headers: { ...bff.writeHeaders, cookie: await bff.signIn('viewer') }, payload: marks });
    expect(response.statusCode).toBe(403);
  });

  it('reads and writes', async () => {
    expect((await request('GET', '/api/chat-users/alice/conversations')).statusCode).toBe(200);
    expect((await request('POST', '/api/chat-users/alice/marks', marks)).statusCode).toBe(200);
    expect((await request('GET', '/api/audit/export.csv')).statusCode).toBe(200);
  });

  it('meets configuration errors upstream (wrong key, bad UserSig, not an admin): a sentence and Chat’s code, nothing more', async () => {
    for (const code of [70009, 70003, 70013, 60010]) {
      await bff.setFaults({ errorRate: { [code]: 1 } });
      const read = await request('GET', '/api/chat-users/alice/conversations');
      expect(read.statusCode, String(code)).toBe(502);
      expect(read.json()).toEqual({ error: { code: 'UPSTREAM_ERROR', message: expect.any(String), requestId: expect.any(String), upstreamCode: code } });
      const write = await request('POST', '/api/chat-users/alice/marks', marks);
      expect(write.statusCode).toBe(200);
      expect(write.json()).toMatchObject({ results: [{ status: 'failed', upstreamCode: code }] });
    }
    await bff.setFaults({});
  });

  it('meets a dropped connection (after the client’s retries): 502 and failed items, no address or query', async () => {
    await bff.setFaults({ resetRate: 1 });
    const read = await request('GET', '/api/chat-users/alice/conversations');
    expect(read.statusCode).toBe(502);
    const write = await request('POST', '/api/chat-users/alice/marks', marks);
    expect(write.json()).toMatchObject({ results: [{ status: 'failed', code: 'UPSTREAM_UNREACHABLE' }] });
    bff.clock.advance(60_000);
    const ready = await bff.inject({ method: 'GET', url: '/api/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ ready: false, checks: { database: true, upstream: false }, problem: 'chat-unreachable' });
    await bff.setFaults({});
    for (const exchange of bff.exchanges) expect(exchange.body).not.toContain(bff.emulator.url);
  });

  it('answers an unexpected error with 500, a sentence and the request id — no stack, no internals', async () => {
    bff.chatHooks.beforeCall = () => {
      throw new TypeError(`cannot read properties of undefined (reading 'usersig') at ${bff.emulator.url}`);
    };
    const response = await request('GET', '/api/chat-users/alice/conversations');
    bff.chatHooks.beforeCall = undefined;
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: { code: 'INTERNAL_ERROR', message: expect.stringContaining('request id'), requestId: response.headers['x-request-id'] },
    });
    expect(response.body).not.toContain('TypeError');
  });

  it('sent and logged none of it', () => {
    expect(bff.logs.length).toBeGreaterThan(50);
    expect(bff.leaks()).toEqual([]);
  });

  it('logged every security event as a JSON line with the request id', () => {
    const events = bff.logs.map((line) => JSON.parse(line) as { event?: string; reqId?: string }).filter((line) => line.event !== undefined);
    expect(new Set(events.map((line) => line.event))).toEqual(
      new Set(['authn_login_success', 'authn_login_fail', 'session_expired', 'authz_fail', 'sensitive_update']),
    );
    for (const line of events) expect(line.reqId, JSON.stringify(line)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
