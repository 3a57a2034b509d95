import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Store } from '../store/database';
import { createFakeClock, type FakeClock } from '../testing/fake-clock';
import { createGate } from '../testing/gate';
import { openTestStore } from '../testing/test-store';
import {
  accountDelayMs,
  authenticate,
  createLoginThrottle,
  IP_WINDOW_MS,
  ipThrottleKey,
  type IpVerdict,
  LoginThrottle,
  UNKNOWN_NAME_RETENTION_MS,
} from './login-throttle';
import { checkCode, currentCode } from './mfa';
import { secretBox } from './secret-box';
import type * as Passwords from './passwords';
import { DUMMY_HASH, verifyPassword } from './passwords';
import { createStaff } from './staff';

// Pass-through spy: the real argon2 verify runs, and the test sees which hash each attempt used.
vi.mock('./passwords', async (importOriginal) => {
  const actual = await importOriginal<typeof Passwords>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

const { verifyPassword: realVerifyPassword } = await vi.importActual<typeof Passwords>('./passwords');

const PASSWORD = 'correct horse battery';
const SECOND = 1000;
let store: Store;
let clock: FakeClock;
let throttle: LoginThrottle;
let ipCounter = 0;
/** A fresh address per attempt where a test is about the account, not the address. */
const freshIp = () => `198.51.100.${++ipCounter % 250}`;

beforeAll(async () => {
  store = await openTestStore();
  await createStaff(store, { username: 'rita', role: 'editor', password: PASSWORD });
  await createStaff(store, { username: 'gone', role: 'viewer', password: PASSWORD });
  await store.write((tx) => tx.updateTable('staff').set({ disabled: 1 }).where('username', '=', 'gone').execute());
});
afterAll(async () => {
  await store.close();
});
beforeEach(async () => {
  clock = createFakeClock();
  throttle = createLoginThrottle(store, { ipAttemptsPerWindow: 1000 });
  vi.mocked(verifyPassword).mockClear();
  // The throttle's counts live in the database now: each test starts from none.
  await store.write(async (tx) => {
    await tx.updateTable('staff').set({ failed_logins: 0, locked_until: null }).execute();
    await tx.deleteFrom('login_ip_attempts').execute();
    await tx.deleteFrom('login_unknown_names').execute();
  });
});

const attempt = (username: string, password: string, ip = freshIp(), by = throttle) =>
  authenticate(store, by, { username, password, ip }, clock);

/** The next password check waits at a gate (the real argon2 verify runs once it is released). */
function holdNextPasswordCheck() {
  const gate = createGate();
  vi.mocked(verifyPassword).mockImplementationOnce(async (hash, password) => {
    await gate.pass();
    return realVerifyPassword(hash, password);
  });
  return gate;
}
const take = (by: LoginThrottle, ip: string) => by.takeIpAttempt(ip, new Date(clock.now()));
const giveBack = (verdict: IpVerdict) => store.write(async (tx) => (verdict.allowed ? verdict.succeeded(tx) : undefined));
const rows = async (table: 'login_ip_attempts' | 'login_unknown_names') =>
  Number((await store.read.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const placesOf = async (ip: string) =>
  Number(
    (await store.read.selectFrom('login_ip_attempts').select((eb) => eb.fn.countAll().as('n')).where('ip_key', '=', ipThrottleKey(ip)).executeTakeFirstOrThrow()).n,
  );

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
    throttle = createLoginThrottle(store);
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
    throttle = createLoginThrottle(store);
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
    throttle = createLoginThrottle(store);
    for (let i = 0; i < 11; i++) {
      expect(await attempt('rita', PASSWORD, '192.0.2.7'), `sign-in ${i + 1}`).toMatchObject({ ok: true });
      clock.advance(SECOND);
    }
    for (let i = 0; i < 10; i++) expect(await attempt(`user${i}`, 'wrong password!!', '192.0.2.7')).toEqual({ ok: false, reason: 'invalid' });
    expect(await attempt('rita', PASSWORD, '192.0.2.7')).toMatchObject({ ok: false, reason: 'throttled' });
  });

  it('holds a place for an attempt whose password is still being checked, so parallel guesses cannot overrun the window', async () => {
    const small = createLoginThrottle(store, { ipAttemptsPerWindow: 2 });
    const first = await take(small, '192.0.2.8');
    const second = await take(small, '192.0.2.8');
    expect([first.allowed, second.allowed]).toEqual([true, true]);
    expect(await take(small, '192.0.2.8')).toEqual({ allowed: false, retryAfterSeconds: 60 });
    await giveBack(first);
    expect((await take(small, '192.0.2.8')).allowed).toBe(true);
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

  it('gives the place back in the transaction of the success: a success rolled back keeps it', async () => {
    const small = createLoginThrottle(store, { ipAttemptsPerWindow: 1 });
    const held = await take(small, '192.0.2.9');
    await expect(
      store.write(async (tx) => {
        if (held.allowed) await held.succeeded(tx);
        throw new Error('the success was not recorded after all');
      }),
    ).rejects.toThrow('not recorded');
    expect((await take(small, '192.0.2.9')).allowed).toBe(false);
    await giveBack(held);
    expect((await take(small, '192.0.2.9')).allowed).toBe(true);
  });
});

describe('shared by every instance on one database', () => {
  // Two throttles on one store stand for two Markdesk instances on one database: neither keeps
  // anything of its own.
  it('counts the failures of one address on both instances in one window', async () => {
    const [a, b] = [createLoginThrottle(store), createLoginThrottle(store)];
    for (let i = 0; i < 10; i++) {
      expect(await attempt(`user${i}`, 'wrong password!!', '192.0.2.20', i % 2 === 0 ? a : b)).toEqual({ ok: false, reason: 'invalid' });
      clock.advance(SECOND);
    }
    const refused = { ok: false, reason: 'throttled', retryAfterSeconds: 50 };
    expect(await attempt('rita', PASSWORD, '192.0.2.20', a)).toEqual(refused);
    expect(await attempt('rita', PASSWORD, '192.0.2.20', b)).toEqual(refused);
    // IPv6: one /64, two addresses in it, one on each instance.
    const c = createLoginThrottle(store, { ipAttemptsPerWindow: 1 });
    const d = createLoginThrottle(store, { ipAttemptsPerWindow: 1 });
    expect((await take(c, '2001:db8:5:6::1')).allowed).toBe(true);
    expect((await take(d, '2001:db8:5:6::ffff')).allowed).toBe(false);
  });

  it('delays a name without an account after 5 failures on any instance, as it would a real one', async () => {
    const [a, b] = [createLoginThrottle(store), createLoginThrottle(store)];
    const real: unknown[] = [];
    const fake: unknown[] = [];
    for (let i = 0; i < 7; i++) {
      const instance = i % 2 === 0 ? a : b;
      real.push(await attempt('rita', 'wrong password!!', freshIp(), instance));
      fake.push(await attempt('nobody', 'wrong password!!', freshIp(), instance === a ? b : a));
    }
    expect(fake).toEqual(real);
    expect(fake.slice(4)).toEqual([
      { ok: false, reason: 'invalid' },
      { ok: false, reason: 'throttled', retryAfterSeconds: 1 },
      { ok: false, reason: 'throttled', retryAfterSeconds: 1 },
    ]);
    // A third instance started now sees the same wait.
    expect(await attempt('nobody', PASSWORD, freshIp(), createLoginThrottle(store))).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 1 });
    // What was typed as a name is not kept: it may be a password typed into the wrong field.
    const kept = await store.read.selectFrom('login_unknown_names').selectAll().execute();
    expect(kept).toHaveLength(1);
    expect(JSON.stringify(kept)).not.toContain('nobody');
  });

  it('lets concurrent takes on two instances fill the window exactly', async () => {
    const [a, b] = [createLoginThrottle(store, { ipAttemptsPerWindow: 3 }), createLoginThrottle(store, { ipAttemptsPerWindow: 3 })];
    const verdicts = await Promise.all(Array.from({ length: 10 }, (_, i) => take(i % 2 === 0 ? a : b, '192.0.2.21')));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(3);
    expect(await placesOf('192.0.2.21')).toBe(3);
  });

  it('does not let the last place be taken twice while the attempt holding it is still checking its password', async () => {
    const [a, b] = [createLoginThrottle(store, { ipAttemptsPerWindow: 2 }), createLoginThrottle(store, { ipAttemptsPerWindow: 2 })];
    expect(await attempt('user1', 'wrong password!!', '192.0.2.22', a)).toEqual({ ok: false, reason: 'invalid' });
    clock.advance(SECOND);

    // The second attempt takes the last place, then its password check is held open.
    const gate = holdNextPasswordCheck();
    const held = attempt('rita', 'wrong password!!', '192.0.2.22', a);
    await gate.arrived();

    // Meanwhile, on the other instance, even the right password finds the window full, and costs no hash.
    expect(await attempt('rita', PASSWORD, '192.0.2.22', b)).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 59 });
    expect(await attempt('rita', PASSWORD, '192.0.2.22', a)).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 59 });
    expect(vi.mocked(verifyPassword)).toHaveBeenCalledTimes(2);

    gate.release();
    expect(await held).toEqual({ ok: false, reason: 'invalid' });
    expect(await placesOf('192.0.2.22')).toBe(2);
    expect(await attempt('rita', PASSWORD, '192.0.2.22', b)).toMatchObject({ ok: false, reason: 'throttled' });
  });

  it('counts a guess toward the account’s wait before its password is checked, so parallel guesses cannot all pass the wait', async () => {
    const [a, b] = [createLoginThrottle(store), createLoginThrottle(store)];
    for (let i = 0; i < 4; i++) expect(await attempt('rita', 'wrong password!!', freshIp(), a)).toEqual({ ok: false, reason: 'invalid' });
    // The 5th guess is held while its password is checked; meanwhile guesses arrive on both instances.
    const gate = holdNextPasswordCheck();
    const held = attempt('rita', 'wrong password!!', freshIp(), a);
    await gate.arrived();
    const others = await Promise.all(Array.from({ length: 6 }, (_, i) => attempt('rita', 'wrong password!!', freshIp(), i % 2 === 0 ? a : b)));
    expect(others).toEqual(Array.from({ length: 6 }, () => ({ ok: false, reason: 'throttled', retryAfterSeconds: 1 })));
    gate.release();
    expect(await held).toEqual({ ok: false, reason: 'invalid' });
    // The same for a name without an account.
    for (let i = 0; i < 4; i++) await attempt('nobody', 'wrong password!!', freshIp(), a);
    const gate2 = holdNextPasswordCheck();
    const heldUnknown = attempt('nobody', 'wrong password!!', freshIp(), b);
    await gate2.arrived();
    expect(await attempt('nobody', 'wrong password!!', freshIp(), a)).toEqual({ ok: false, reason: 'throttled', retryAfterSeconds: 1 });
    gate2.release();
    expect(await heldUnknown).toEqual({ ok: false, reason: 'invalid' });
  });

  it('gives the held place back when the held attempt succeeds, to either instance', async () => {
    const [a, b] = [createLoginThrottle(store, { ipAttemptsPerWindow: 2 }), createLoginThrottle(store, { ipAttemptsPerWindow: 2 })];
    expect(await attempt('user1', 'wrong password!!', '192.0.2.23', a)).toEqual({ ok: false, reason: 'invalid' });

    const gate = holdNextPasswordCheck();
    const held = attempt('rita', PASSWORD, '192.0.2.23', a);
    await gate.arrived();
    expect(await attempt('rita', PASSWORD, '192.0.2.23', b)).toMatchObject({ ok: false, reason: 'throttled' });

    gate.release();
    expect(await held).toMatchObject({ ok: true, username: 'rita' });
    expect(await placesOf('192.0.2.23')).toBe(1);
    expect(await attempt('rita', PASSWORD, '192.0.2.23', b)).toMatchObject({ ok: true });
  });
});

describe('wrong TOTP codes', () => {
  const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const code = (username: string, input: { code: string; by?: LoginThrottle }) =>
    checkCode(store, secretBox(store.auditKey), input.by ?? throttle, { username, code: input.code, ip: freshIp() }, clock);

  /** An instance whose attempts each wait at `gate` once the address window has let them in. */
  const heldAfterAdmission = (gate: ReturnType<typeof createGate>) =>
    new (class extends LoginThrottle {
      override async takeIpAttempt(ip: string, now: Date): Promise<IpVerdict> {
        const verdict = await super.takeIpAttempt(ip, now);
        await gate.pass();
        return verdict;
      }
    })(store, { ipAttemptsPerWindow: 1000 });

  it('counts a code toward the account’s wait before it is checked, so parallel wrong codes cannot all pass the wait', async () => {
    const box = secretBox(store.auditKey);
    await store.write((tx) =>
      tx.updateTable('staff').set({ totp_secret: box.seal(TOTP_SECRET), totp_last_step: null, mfa_failures: 0, mfa_locked_until: null }).where('username', '=', 'rita').execute(),
    );
    const now = clock.now();
    const wrong = '000000';
    expect([-30_000, 0, 30_000].map((offset) => currentCode('rita', TOTP_SECRET, new Date(now + offset)))).not.toContain(wrong);
    for (let i = 0; i < 4; i++) expect(await code('rita', { code: wrong })).toEqual({ ok: false, reason: 'invalid' });

    // Eight wrong codes on two instances, each held once its address let it in, then all let go at once:
    // the 5th failure starts the wait, so exactly one of them may be checked.
    const gate = createGate();
    const [a, b] = [heldAfterAdmission(gate), heldAfterAdmission(gate)];
    const attempts = Array.from({ length: 8 }, (_, i) => code('rita', { code: wrong, by: i % 2 === 0 ? a : b }));
    await gate.arrived(8);
    gate.release();
    const results = await Promise.all(attempts);
    expect(results.filter((result) => !result.ok && result.reason === 'invalid')).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.reason === 'throttled')).toEqual(Array.from({ length: 7 }, () => ({ ok: false, reason: 'throttled', retryAfterSeconds: 1 })));
    const counted = await store.read.selectFrom('staff').select(['mfa_failures', 'mfa_locked_until']).where('username', '=', 'rita').executeTakeFirstOrThrow();
    expect(counted).toEqual({ mfa_failures: 5, mfa_locked_until: new Date(now + accountDelayMs(5)).toISOString() });

    // Once the wait is over, the right code is taken and sets the count back to zero.
    clock.advance(accountDelayMs(5));
    expect(await code('rita', { code: currentCode('rita', TOTP_SECRET, new Date(clock.now())) })).toEqual({ ok: true, via: 'totp' });
    expect(await store.read.selectFrom('staff').select(['mfa_failures', 'mfa_locked_until']).where('username', '=', 'rita').executeTakeFirstOrThrow()).toEqual({
      mfa_failures: 0,
      mfa_locked_until: null,
    });
  });
});

describe('bounded growth', () => {
  it('keeps no more rows for an address than its window has places, however long it keeps trying', async () => {
    const small = createLoginThrottle(store, { ipAttemptsPerWindow: 3 });
    let allowed = 0;
    for (let i = 0; i < 60; i++) {
      if ((await take(small, '192.0.2.30')).allowed) allowed++;
      expect(await placesOf('192.0.2.30')).toBeLessThanOrEqual(3);
      clock.advance(7 * SECOND);
    }
    // 7 minutes at 3 places a minute: every place freed by time was taken again, nothing more.
    expect(allowed).toBe(21);
  });

  it('sweeps the attempts of addresses not seen again once they leave the window, and names left alone', async () => {
    const [a, b] = [createLoginThrottle(store), createLoginThrottle(store)];
    await take(a, '203.0.113.250'); // a's first take sweeps (nothing yet); its next sweep is due a window later
    for (let i = 0; i < 200; i++) await take(i % 2 === 0 ? a : b, `10.0.${Math.floor(i / 100)}.${i % 100}`);
    for (let i = 0; i < 20; i++) await a.takeUnknownAccountAttempt(`ghost${i}`, new Date(clock.now()));
    expect(await rows('login_ip_attempts')).toBe(201);
    expect(await rows('login_unknown_names')).toBe(20);

    clock.advance(IP_WINDOW_MS / 2);
    await take(a, '203.0.113.1'); // not due yet: nothing swept
    expect(await rows('login_ip_attempts')).toBe(202);

    clock.advance(IP_WINDOW_MS / 2);
    await take(a, '203.0.113.2'); // due: everything that left the window goes, whoever took it
    expect(await rows('login_ip_attempts')).toBe(2);
    expect(await rows('login_unknown_names')).toBe(20); // names are kept for a day

    await a.takeUnknownAccountAttempt('recent', new Date(clock.now()));
    clock.advance(UNKNOWN_NAME_RETENTION_MS - IP_WINDOW_MS);
    await take(b, '203.0.113.3'); // b's first take: it sweeps too
    expect(await rows('login_ip_attempts')).toBe(1);
    expect(await rows('login_unknown_names')).toBe(1); // the ghosts are a day old; 'recent' is not
  });

  it('lets a name left alone past its retention start again from nothing, swept or not', async () => {
    const short = createLoginThrottle(store, { unknownNameRetentionMs: 60 * 60 * SECOND });
    for (let i = 0; i < 6; i++) {
      await attempt('nobody', 'wrong password!!', freshIp(), short);
      clock.advance(10 * SECOND);
    }
    expect(await attempt('nobody', 'wrong password!!', freshIp(), short)).toEqual({ ok: false, reason: 'invalid' }); // 7th: 4 s
    clock.advance(60 * 60 * SECOND);
    // Four free failures again, then the fifth sets the first wait.
    for (let i = 0; i < 5; i++) expect(await short.takeUnknownAccountAttempt('nobody', new Date(clock.now()))).toBeNull();
    expect(await short.takeUnknownAccountAttempt('nobody', new Date(clock.now()))).toBe(1);
  });
});
