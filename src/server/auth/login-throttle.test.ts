import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Store } from '../store/database';
import { createFakeClock, type FakeClock } from '../testing/fake-clock';
import {
  accountDelayMs,
  authenticate,
  createLoginThrottle,
  ipThrottleKey,
  type LoginThrottle,
} from './login-throttle';
import type * as Passwords from './passwords';
import { DUMMY_HASH, verifyPassword } from './passwords';
import { createStaff } from './staff';

// Pass-through spy: the real argon2 verify runs, and the test sees which hash each attempt used.
vi.mock('./passwords', async (importOriginal) => {
  const actual = await importOriginal<typeof Passwords>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

const PASSWORD = 'correct horse battery';
const SECOND = 1000;
let store: Store;
let clock: FakeClock;
let throttle: LoginThrottle;
let ipCounter = 0;
/** A fresh address per attempt where a test is about the account, not the address. */
const freshIp = () => `198.51.100.${++ipCounter % 250}`;

beforeAll(async () => {
  store = await openDatabase({ file: ':memory:' });
  await createStaff(store, { username: 'rita', role: 'editor', password: PASSWORD });
  await createStaff(store, { username: 'gone', role: 'viewer', password: PASSWORD });
  await store.write((tx) => tx.updateTable('staff').set({ disabled: 1 }).where('username', '=', 'gone').execute());
});
afterAll(async () => {
  await store.close();
});
beforeEach(async () => {
  clock = createFakeClock();
  throttle = createLoginThrottle({ ipAttemptsPerWindow: 1000 });
  vi.mocked(verifyPassword).mockClear();
  await store.write((tx) => tx.updateTable('staff').set({ failed_logins: 0, locked_until: null }).execute());
});

const attempt = (username: string, password: string, ip = freshIp()) =>
  authenticate(store, throttle, { username, password, ip }, clock);

describe('authenticate', () => {
  it('logs in with the right password, case-insensitively, and records the time', async () => {
    expect(await attempt('Rita', PASSWORD)).toEqual({ ok: true, username: 'rita', role: 'editor' });
    const row = await store.read.selectFrom('staff').select('last_login_at').where('username', '=', 'rita').executeTakeFirstOrThrow();
    expect(row.last_login_at).toBe(new Date(clock.now()).toISOString());
  });

  it('answers the same "invalid" for an unknown user, a wrong password and a disabled account, each after one verify', async () => {
    const unknown = await attempt('nobody', PASSWORD);
    const wrong = await attempt('rita', 'wrong password!!');
    const disabled = await attempt('gone', PASSWORD);
    expect(unknown).toEqual({ ok: false, reason: 'invalid' });
    expect(wrong).toEqual(unknown);
    expect(disabled).toEqual(unknown);
    const calls = vi.mocked(verifyPassword).mock.calls;
    expect(calls).toHaveLength(3);
    expect(calls[0]![0]).toBe(DUMMY_HASH);
    expect(calls[1]![0]).not.toBe(DUMMY_HASH);
    expect(calls[2]![0]).not.toBe(DUMMY_HASH);
  });

  it('treats a name that is not even a valid username like an unknown one', async () => {
    expect(await attempt('not a name!', PASSWORD)).toEqual({ ok: false, reason: 'invalid' });
    expect(vi.mocked(verifyPassword).mock.calls[0]![0]).toBe(DUMMY_HASH);
  });
});

describe('per-account throttling', () => {
  it('follows 1 s, 2 s, 4 s … after the 5th failure, capped at 15 minutes', () => {
    expect([1, 4].map(accountDelayMs)).toEqual([0, 0]);
    expect([5, 6, 7, 8].map(accountDelayMs)).toEqual([1, 2, 4, 8].map((s) => s * SECOND));
    expect(accountDelayMs(15)).toBe(15 * 60 * SECOND);
    expect(accountDelayMs(1000)).toBe(15 * 60 * SECOND);
  });

  it('delays an account after 5 consecutive failures from any address, and success resets it', async () => {
    for (let i = 0; i < 4; i++) expect(await attempt('rita', 'wrong password!!')).toEqual({ ok: false, reason: 'invalid' });
    expect(await attempt('rita', 'wrong password!!')).toEqual({ ok: false, reason: 'invalid' }); // 5th: now 1 s
    expect(await attempt('rita', PASSWORD)).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 1 });
    clock.advance(SECOND);
    expect(await attempt('rita', 'wrong password!!')).toEqual({ ok: false, reason: 'invalid' }); // 6th: now 2 s
    clock.advance(SECOND);
    expect(await attempt('rita', PASSWORD)).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 1 });
    clock.advance(SECOND);
    expect(await attempt('rita', PASSWORD)).toMatchObject({ ok: true });
    // Reset: four more failures are free again.
    for (let i = 0; i < 4; i++) expect(await attempt('rita', 'wrong password!!')).toEqual({ ok: false, reason: 'invalid' });
    expect(await attempt('rita', PASSWORD)).toMatchObject({ ok: true });
  });

  it('keeps the delay in the database (it survives a restart of the throttle)', async () => {
    for (let i = 0; i < 7; i++) {
      await attempt('rita', 'wrong password!!');
      clock.advance(10 * SECOND);
    }
    clock.advance(-10 * SECOND); // the 7th failure set a 4 s delay; go back to that moment
    throttle = createLoginThrottle();
    expect(await attempt('rita', PASSWORD)).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 4 });
  });

  it('throttles an unknown name exactly like a real one, so it cannot be told apart', async () => {
    const real: unknown[] = [];
    const fake: unknown[] = [];
    for (let i = 0; i < 7; i++) {
      real.push(await attempt('rita', 'wrong password!!'));
      fake.push(await attempt('nobody', 'wrong password!!'));
    }
    expect(fake).toEqual(real);
    expect(real.slice(5)).toEqual([
      { ok: false, reason: 'throttled', retryAfterSeconds: 1 },
      { ok: false, reason: 'throttled', retryAfterSeconds: 1 },
    ]);
  });
});

describe('per-address throttling', () => {
  it('allows 10 failed attempts per sliding minute per address, then says when to retry', async () => {
    throttle = createLoginThrottle();
    for (let i = 0; i < 10; i++) {
      expect(await attempt(`user${i}`, 'wrong password!!', '192.0.2.1')).toEqual({ ok: false, reason: 'invalid' });
      clock.advance(5 * SECOND);
    }
    // 50 s after the first attempt: the window still holds all ten.
    expect(await attempt('rita', PASSWORD, '192.0.2.1')).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 10 });
    expect(await attempt('rita', PASSWORD, '192.0.2.2')).toMatchObject({ ok: true });
    clock.advance(10 * SECOND); // the first attempt leaves the window
    expect(await attempt('rita', PASSWORD, '192.0.2.1')).toMatchObject({ ok: true });
    // The success gave its place back; one more failure fills the window again.
    expect(await attempt('rita', PASSWORD, '192.0.2.1')).toMatchObject({ ok: true });
    expect(await attempt('user10', 'wrong password!!', '192.0.2.1')).toEqual({ ok: false, reason: 'invalid' });
    expect(await attempt('rita', PASSWORD, '192.0.2.1')).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 5 });
    expect(vi.mocked(verifyPassword)).toHaveBeenCalledTimes(14); // refused attempts cost no hash
  });

  it('does not count successful sign-ins: eleven people behind one address all get in within a minute', async () => {
    throttle = createLoginThrottle();
    for (let i = 0; i < 11; i++) {
      expect(await attempt('rita', PASSWORD, '192.0.2.7'), `sign-in ${i + 1}`).toMatchObject({ ok: true });
      clock.advance(SECOND);
    }
    for (let i = 0; i < 10; i++) expect(await attempt(`user${i}`, 'wrong password!!', '192.0.2.7')).toEqual({ ok: false, reason: 'invalid' });
    expect(await attempt('rita', PASSWORD, '192.0.2.7')).toMatchObject({ ok: false, reason: 'throttled' });
  });

  it('holds a place for an attempt whose password is still being checked, so parallel guesses cannot overrun the window', () => {
    const small = createLoginThrottle({ ipAttemptsPerWindow: 2 });
    const now = new Date(clock.now());
    const first = small.takeIpAttempt('192.0.2.8', now);
    const second = small.takeIpAttempt('192.0.2.8', now);
    expect([first.allowed, second.allowed]).toEqual([true, true]);
    expect(small.takeIpAttempt('192.0.2.8', now).allowed).toBe(false);
    if (first.allowed) first.succeeded();
    expect(small.takeIpAttempt('192.0.2.8', now).allowed).toBe(true);
  });

  it('counts IPv6 clients by their /64 and IPv4-mapped addresses as IPv4', () => {
    expect(ipThrottleKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipThrottleKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(ipThrottleKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipThrottleKey('::1')).toBe('0:0:0:0::/64');
    expect(ipThrottleKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(ipThrottleKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(ipThrottleKey('192.0.2.1')).toBe('192.0.2.1');
  });

  it('forgets the least recently seen addresses beyond its bound', () => {
    const small = createLoginThrottle({ ipAttemptsPerWindow: 1, maxTrackedKeys: 2 });
    const now = new Date(clock.now());
    expect(small.takeIpAttempt('192.0.2.1', now).allowed).toBe(true);
    expect(small.takeIpAttempt('192.0.2.1', now).allowed).toBe(false);
    small.takeIpAttempt('192.0.2.2', now);
    small.takeIpAttempt('192.0.2.3', now);
    expect(small.takeIpAttempt('192.0.2.1', now).allowed).toBe(true);
  });
});
