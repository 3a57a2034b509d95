// Sessions and /api/session (docs/http-api.md, Sessions): the cookie's attributes, fixation, idle and absolute
// expiry on the server's clock, logout, revocation by a staff change, fresh roles, login throttling.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_FREE_FAILURES, IP_ATTEMPTS_PER_WINDOW } from '../auth/login-throttle';
import { SESSION_ABSOLUTE_TIMEOUT_MS, SESSION_IDLE_TIMEOUT_MS } from '../auth/sessions';
import { sessionCookieFor } from '../http/auth';
import { startTestBff, TEST_PASSWORD, type TestBff } from '../testing/bff-harness';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff();
});
afterAll(() => bff.close());

const MINUTE = 60_000;
const whoAmI = (cookie: string) => bff.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
const setCookieOf = (response: LightMyRequestResponse) => String(response.headers['set-cookie']);
let addressCounter = 0;
/** A client address of its own, so one test's sign-ins never throttle another's. */
const freshAddress = () => `10.0.0.${++addressCounter}`;

describe('sessionCookieFor', () => {
  it('is Secure with the __Host- prefix for https and for http on localhost / 127.0.0.1 / ::1', () => {
    for (const origin of ['https://markdesk.example.com', 'http://127.0.0.1:8080', 'http://localhost:5173', 'http://[::1]:8080']) {
      expect(sessionCookieFor(origin), origin).toEqual({ name: '__Host-markdesk_session', secure: true });
    }
  });

  it('is neither Secure nor prefixed for plain http on any other host (a browser would drop it)', () => {
    for (const origin of ['http://markdesk.internal:8080', 'http://192.168.1.20', 'http://10.0.0.5:8080']) {
      expect(sessionCookieFor(origin), origin).toEqual({ name: 'markdesk_session', secure: false });
    }
  });
});

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Strict, Secure, Path=/, without Domain, named __Host-…, for an http://127.0.0.1 origin', async () => {
    const { response } = await bff.login('viewer', TEST_PASSWORD, { remoteAddress: freshAddress() });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ username: 'viewer', role: 'viewer' });
    const [nameValue, ...attributes] = setCookieOf(response).split(';').map((part) => part.trim());
    expect(nameValue).toMatch(/^__Host-markdesk_session=[A-Za-z0-9_-]{43}$/);
    const lower = attributes.map((attribute) => attribute.toLowerCase());
    expect(lower).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'secure', 'path=/']));
    expect(lower.some((attribute) => attribute.startsWith('domain'))).toBe(false);
  });

  it('is cleared (same name and attributes) at logout', async () => {
    const { cookie } = await bff.login('viewer', TEST_PASSWORD, { remoteAddress: freshAddress() });
    const response = await bff.inject({ method: 'DELETE', url: '/api/session', headers: { ...bff.writeHeaders, cookie: cookie! } });
    expect(response.statusCode).toBe(204);
    const cleared = setCookieOf(response);
    expect(cleared).toMatch(/^__Host-markdesk_session=;/);
    expect(cleared.toLowerCase()).toMatch(/expires=thu, 01 jan 1970|max-age=0/);
    expect(cleared.toLowerCase()).toContain('secure');
    expect(cleared.toLowerCase()).toContain('path=/');
  });
});

describe('session fixation', () => {
  it('never adopts a session id the browser brings to the login', async () => {
    const planted = `__Host-markdesk_session=${'A'.repeat(43)}`;
    const { response, cookie } = await bff.login('editor', TEST_PASSWORD, { remoteAddress: freshAddress(), cookie: planted });
    expect(response.statusCode).toBe(200);
    expect(cookie).not.toBe(planted);
    expect((await whoAmI(planted)).statusCode).toBe(401);
    expect((await whoAmI(cookie!)).statusCode).toBe(200);
  });

  it('hands out a new id at every login and ends the one the browser had', async () => {
    const address = freshAddress();
    const first = await bff.login('editor', TEST_PASSWORD, { remoteAddress: address });
    const second = await bff.login('editor', TEST_PASSWORD, { remoteAddress: address, cookie: first.cookie! });
    expect(second.cookie).not.toBe(first.cookie);
    expect((await whoAmI(first.cookie!)).statusCode).toBe(401);
    expect((await whoAmI(second.cookie!)).json()).toEqual({ username: 'editor', role: 'editor' });
  });
});

describe('expiry on the server’s clock', () => {
  it('ends a session idle for 30 minutes, and keeps one in use', async () => {
    const { cookie } = await bff.login('viewer', TEST_PASSWORD, { remoteAddress: freshAddress() });
    bff.clock.advance(SESSION_IDLE_TIMEOUT_MS - MINUTE);
    expect((await whoAmI(cookie!)).statusCode).toBe(200);
    bff.clock.advance(SESSION_IDLE_TIMEOUT_MS - MINUTE);
    expect((await whoAmI(cookie!)).statusCode).toBe(200);
    bff.clock.advance(SESSION_IDLE_TIMEOUT_MS);
    const expired = await whoAmI(cookie!);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('ends every session 8 hours after its login, however busy', async () => {
    const { cookie } = await bff.login('viewer', TEST_PASSWORD, { remoteAddress: freshAddress() });
    let elapsed = 0;
    while (elapsed + 20 * MINUTE < SESSION_ABSOLUTE_TIMEOUT_MS) {
      bff.clock.advance(20 * MINUTE);
      elapsed += 20 * MINUTE;
      expect((await whoAmI(cookie!)).statusCode).toBe(200);
    }
    bff.clock.advance(SESSION_ABSOLUTE_TIMEOUT_MS - elapsed);
    expect((await whoAmI(cookie!)).statusCode).toBe(401);
  });
});

describe('logout', () => {
  it('kills the session on the server, not just the cookie', async () => {
    const { cookie } = await bff.login('viewer', TEST_PASSWORD, { remoteAddress: freshAddress() });
    await bff.inject({ method: 'DELETE', url: '/api/session', headers: { ...bff.writeHeaders, cookie: cookie! } });
    expect((await whoAmI(cookie!)).statusCode).toBe(401);
  });

  it('answers 204 also without a session', async () => {
    const response = await bff.inject({ method: 'DELETE', url: '/api/session', headers: bff.writeHeaders });
    expect(response.statusCode).toBe(204);
  });
});

describe('staff changes and roles', () => {
  const adminCookie = () => bff.sessionCookie('admin');
  const patch = async (name: string, body: unknown) =>
    bff.inject({ method: 'PATCH', url: `/api/staff/${name}`, headers: { ...bff.writeHeaders, cookie: await adminCookie() }, payload: body as object });

  it('a role change through PATCH /api/staff ends that person’s sessions (all of them), nobody else’s', async () => {
    await bff.addStaff('changing', 'editor');
    const one = await bff.sessionCookie('changing');
    const two = await bff.sessionCookie('changing');
    const bystander = await bff.sessionCookie('viewer');
    const response = await patch('changing', { role: 'viewer' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ username: 'changing', role: 'viewer', disabled: false });
    expect((await whoAmI(one)).statusCode).toBe(401);
    expect((await whoAmI(two)).statusCode).toBe(401);
    expect((await whoAmI(bystander)).statusCode).toBe(200);
  });

  it('disabling ends the sessions and refuses the next login with the usual 401', async () => {
    await bff.addStaff('leaving', 'editor');
    const cookie = await bff.sessionCookie('leaving');
    expect((await patch('leaving', { disabled: true })).statusCode).toBe(200);
    expect((await whoAmI(cookie)).statusCode).toBe(401);
    const { response } = await bff.login('leaving', TEST_PASSWORD, { remoteAddress: freshAddress() });
    expect(response.statusCode).toBe(401);
  });

  it('a password reset ends the sessions too', async () => {
    await bff.addStaff('forgetful', 'viewer');
    const cookie = await bff.sessionCookie('forgetful');
    expect((await patch('forgetful', { password: 'a brand new long passphrase' })).statusCode).toBe(200);
    expect((await whoAmI(cookie)).statusCode).toBe(401);
  });

  it('reads the role fresh on every request', async () => {
    await bff.addStaff('promoted', 'viewer');
    const cookie = await bff.sessionCookie('promoted');
    const staffList = () => bff.inject({ method: 'GET', url: '/api/staff', headers: { cookie } });
    expect((await staffList()).statusCode).toBe(403);
    // Behind the API's back (as the staff CLI of an older version might): the session stays, the role changes.
    await bff.store.write((tx) => tx.updateTable('staff').set({ role: 'admin' }).where('username', '=', 'promoted').execute());
    expect((await staffList()).statusCode).toBe(200);
    expect((await whoAmI(cookie)).json()).toEqual({ username: 'promoted', role: 'admin' });
    await bff.store.write((tx) => tx.updateTable('staff').set({ role: 'viewer' }).where('username', '=', 'promoted').execute());
    expect((await staffList()).statusCode).toBe(403);
  });
});

describe('login throttling', () => {
  it('answers the same 401 for an unknown user and a wrong password', async () => {
    const address = freshAddress();
    const unknown = await bff.login('nobody-here', 'some password or other', { remoteAddress: address });
    const wrong = await bff.login('viewer', 'not the right password', { remoteAddress: address });
    const invalidName = await bff.login('Not A Username!', 'some password or other', { remoteAddress: address });
    for (const response of [unknown.response, wrong.response, invalidName.response]) {
      expect(response.statusCode).toBe(401);
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    const shape = (response: LightMyRequestResponse) => {
      const { requestId: _requestId, ...rest } = (response.json() as { error: Record<string, unknown> }).error;
      return rest;
    };
    expect(shape(unknown.response)).toEqual(shape(wrong.response));
    expect(shape(invalidName.response)).toEqual(shape(wrong.response));
    expect(shape(wrong.response)).toEqual({ code: 'UNAUTHENTICATED', message: 'Username or password is incorrect.' });
  });

  it(`refuses the ${IP_ATTEMPTS_PER_WINDOW + 1}th attempt in a minute from one address with 429 and Retry-After`, async () => {
    const address = freshAddress();
    for (let attempt = 1; attempt <= IP_ATTEMPTS_PER_WINDOW; attempt++) {
      // Different unknown names: only the address is throttled here, not an account.
      const { response } = await bff.login(`stranger${attempt}`, 'guess guess guess', { remoteAddress: address });
      expect(response.statusCode, `attempt ${attempt}`).toBe(401);
    }
    const { response } = await bff.login('viewer', TEST_PASSWORD, { remoteAddress: address });
    expect(response.statusCode).toBe(429);
    expect(response.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const retryAfter = Number(response.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another address is not affected, and the window passes.
    expect((await bff.login('viewer', TEST_PASSWORD, { remoteAddress: freshAddress() })).response.statusCode).toBe(200);
    bff.clock.advance(retryAfter * 1000);
    expect((await bff.login('viewer', TEST_PASSWORD, { remoteAddress: address })).response.statusCode).toBe(200);
  });

  it('lets eleven people behind one office address all sign in within a minute, and still throttles failures there', async () => {
    const office = freshAddress();
    for (let person = 1; person <= IP_ATTEMPTS_PER_WINDOW + 1; person++) {
      await bff.addStaff(`colleague${person}`, 'viewer');
      const { response } = await bff.login(`colleague${person}`, TEST_PASSWORD, { remoteAddress: office });
      expect(response.statusCode, `colleague ${person}`).toBe(200);
    }
    for (let attempt = 1; attempt <= IP_ATTEMPTS_PER_WINDOW; attempt++) {
      expect((await bff.login(`stranger-o${attempt}`, 'guess guess guess', { remoteAddress: office })).response.statusCode).toBe(401);
    }
    expect((await bff.login('colleague1', TEST_PASSWORD, { remoteAddress: office })).response.statusCode).toBe(429);
  });

  it(`delays an account after ${ACCOUNT_FREE_FAILURES} failures in a row, from any address`, async () => {
    await bff.addStaff('targeted', 'viewer');
    for (let attempt = 1; attempt <= ACCOUNT_FREE_FAILURES; attempt++) {
      const { response } = await bff.login('targeted', `wrong guess number ${attempt}`, { remoteAddress: freshAddress() });
      expect(response.statusCode, `attempt ${attempt}`).toBe(401);
    }
    // Even the right password waits now, from a new address.
    const locked = await bff.login('targeted', TEST_PASSWORD, { remoteAddress: freshAddress() });
    expect(locked.response.statusCode).toBe(429);
    const retryAfter = Number(locked.response.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    bff.clock.advance(retryAfter * 1000);
    expect((await bff.login('targeted', TEST_PASSWORD, { remoteAddress: freshAddress() })).response.statusCode).toBe(200);
  });

  it('delays an unknown name the same way, so the delay does not reveal which names exist', async () => {
    for (let attempt = 1; attempt <= ACCOUNT_FREE_FAILURES; attempt++) {
      await bff.login('ghost', `wrong guess number ${attempt}`, { remoteAddress: freshAddress() });
    }
    const locked = await bff.login('ghost', 'one more guess', { remoteAddress: freshAddress() });
    expect(locked.response.statusCode).toBe(429);
    expect(locked.response.headers['retry-after']).toBeDefined();
  });

  it('logs authn_login_success and authn_login_fail, without the password', () => {
    const events = bff.logs.map((line) => JSON.parse(line) as { event?: string; reason?: string });
    expect(events.some((line) => line.event === 'authn_login_success')).toBe(true);
    expect(events.some((line) => line.event === 'authn_login_fail' && line.reason === 'invalid')).toBe(true);
    expect(events.some((line) => line.event === 'authn_login_fail' && line.reason === 'throttled')).toBe(true);
  });
});

it('never sends or logs a secret', () => {
  expect(bff.leaks()).toEqual([]);
});
