import { isIPv4, isIPv6 } from 'node:net';
import { type Role, type Store } from '../store/database';
import { DUMMY_HASH, verifyPassword } from './passwords';
import { getStaffCredentials, normalizeUsername } from './staff';
import { type Clock, systemClock } from '../clock';

/** Failed sign-ins one address may make per sliding window; successes do not count. */
export const IP_ATTEMPTS_PER_WINDOW = 10;
export const IP_WINDOW_MS = 60 * 1000;
/** Consecutive failures an account is allowed before each further one costs a growing wait. */
export const ACCOUNT_FREE_FAILURES = 5;
export const ACCOUNT_BASE_DELAY_MS = 1000;
export const ACCOUNT_MAX_DELAY_MS = 15 * 60 * 1000;
/** Bound on the addresses/names held in memory, so a flood of new ones cannot exhaust it. */
export const MAX_TRACKED_KEYS = 10_000;

/** The wait after the n-th consecutive failure: 0 before the 5th, then 1 s, 2 s, 4 s … at most 15 min. */
export function accountDelayMs(consecutiveFailures: number): number {
  if (consecutiveFailures < ACCOUNT_FREE_FAILURES) return 0;
  const doublings = Math.min(consecutiveFailures - ACCOUNT_FREE_FAILURES, 30);
  return Math.min(ACCOUNT_BASE_DELAY_MS * 2 ** doublings, ACCOUNT_MAX_DELAY_MS);
}

/**
 * The key an address is counted under: IPv4 as is, IPv6 by its /64 (one subscriber usually holds a
 * whole /64, so counting single IPv6 addresses would throttle nobody).
 */
export function ipThrottleKey(ip: string): string {
  const address = ip.replace(/%.*$/, '').toLowerCase(); // zone index: fe80::1%eth0
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(address) || !isIPv6(address)) return address;
  const [head = '', tail] = address.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array<string>(Math.max(0, 8 - headParts.length - tailParts.length)).fill('0');
  const groups = tail === undefined ? headParts : [...headParts, ...zeros, ...tailParts];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** An allowed attempt holds a place in its address's window until `succeeded()` gives it back. */
type Verdict = { allowed: true; succeeded: () => void } | { allowed: false; retryAfterSeconds: number };

function secondsUntil(untilMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((untilMs - nowMs) / 1000));
}

/** A Map that forgets its least recently touched key beyond a size bound. */
class BoundedMap<V> {
  readonly #map = new Map<string, V>();
  constructor(readonly limit: number) {}
  get(key: string): V | undefined {
    return this.#map.get(key);
  }
  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.limit) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
  }
  delete(key: string): void {
    this.#map.delete(key);
  }
}

/**
 * In-memory login throttling: a sliding window of failed sign-ins per client address, and the same failure/delay
 * bookkeeping as staff.failed_logins/locked_until for names that have no account — so that being
 * throttled does not reveal whether an account exists. Times come from the caller's clock.
 */
export class LoginThrottle {
  readonly #attemptsByIp: BoundedMap<number[]>;
  readonly #unknownNames: BoundedMap<{ failures: number; lockedUntilMs: number }>;
  readonly #ipLimit: number;
  readonly #windowMs: number;

  constructor(options: { ipAttemptsPerWindow?: number; ipWindowMs?: number; maxTrackedKeys?: number } = {}) {
    this.#ipLimit = options.ipAttemptsPerWindow ?? IP_ATTEMPTS_PER_WINDOW;
    this.#windowMs = options.ipWindowMs ?? IP_WINDOW_MS;
    this.#attemptsByIp = new BoundedMap(options.maxTrackedKeys ?? MAX_TRACKED_KEYS);
    this.#unknownNames = new BoundedMap(options.maxTrackedKeys ?? MAX_TRACKED_KEYS);
  }

  /**
   * Counts one login attempt from `ip`, unless its window is already full (refusals do not count).
   * Only failures should stay counted: many people behind one office NAT all signing in at nine
   * must not lock each other out, so a successful attempt gives its place back (`succeeded`). The
   * place is taken before the password is checked, so a burst of parallel guesses cannot all pass
   * the check before any of them has failed.
   */
  takeIpAttempt(ip: string, now: Date): Verdict {
    const key = ipThrottleKey(ip);
    const nowMs = now.getTime();
    const recent = (this.#attemptsByIp.get(key) ?? []).filter((t) => t > nowMs - this.#windowMs);
    if (recent.length >= this.#ipLimit) {
      this.#attemptsByIp.set(key, recent);
      return { allowed: false, retryAfterSeconds: secondsUntil((recent[0] as number) + this.#windowMs, nowMs) };
    }
    recent.push(nowMs);
    this.#attemptsByIp.set(key, recent);
    return {
      allowed: true,
      succeeded: () => {
        const held = this.#attemptsByIp.get(key);
        const index = held?.indexOf(nowMs) ?? -1;
        if (held && index >= 0) held.splice(index, 1);
      },
    };
  }

  /** Seconds to wait before `username` (a name without an account) may be tried again, or null. */
  unknownAccountRetryAfter(username: string, now: Date): number | null {
    const entry = this.#unknownNames.get(username);
    return entry && entry.lockedUntilMs > now.getTime() ? secondsUntil(entry.lockedUntilMs, now.getTime()) : null;
  }

  recordUnknownAccountFailure(username: string, now: Date): void {
    const failures = (this.#unknownNames.get(username)?.failures ?? 0) + 1;
    this.#unknownNames.set(username, { failures, lockedUntilMs: now.getTime() + accountDelayMs(failures) });
  }
}

export function createLoginThrottle(options?: ConstructorParameters<typeof LoginThrottle>[0]): LoginThrottle {
  return new LoginThrottle(options);
}

export type AuthenticationResult =
  | { ok: true; username: string; role: Role }
  | { ok: false; reason: 'invalid' | 'throttled'; retryAfterSeconds?: number };

/**
 * Checks a login. Unknown user, wrong password and disabled account all answer 'invalid', each
 * after one argon2 verify (against DUMMY_HASH for an unknown user), and all count as a failure
 * toward the account delay and the address's window. 'throttled' comes with retryAfterSeconds.
 * Success resets the account's counter and does not use up the address's budget.
 */
export async function authenticate(
  store: Store,
  throttle: LoginThrottle,
  credentials: { username: string; password: string; ip: string },
  clock: Clock = systemClock,
): Promise<AuthenticationResult> {
  const now = new Date(clock.now());
  const ipVerdict = throttle.takeIpAttempt(credentials.ip, now);
  if (!ipVerdict.allowed) return { ok: false, reason: 'throttled', retryAfterSeconds: ipVerdict.retryAfterSeconds };

  // An invalid name is looked after like an unknown one, under a bounded key.
  const username = normalizeUsername(credentials.username) ?? `invalid:${credentials.username.slice(0, 64)}`;
  const staff = await getStaffCredentials(store, username);

  if (!staff) {
    const retryAfter = throttle.unknownAccountRetryAfter(username, now);
    if (retryAfter !== null) return { ok: false, reason: 'throttled', retryAfterSeconds: retryAfter };
    await verifyPassword(DUMMY_HASH, credentials.password);
    throttle.recordUnknownAccountFailure(username, new Date(clock.now()));
    return { ok: false, reason: 'invalid' };
  }

  if (staff.locked_until !== null && Date.parse(staff.locked_until) > now.getTime()) {
    return { ok: false, reason: 'throttled', retryAfterSeconds: secondsUntil(Date.parse(staff.locked_until), now.getTime()) };
  }
  const passwordMatches = await verifyPassword(staff.password_hash, credentials.password);
  const after = new Date(clock.now());
  if (passwordMatches && staff.disabled === 0) {
    await store.write((tx) =>
      tx
        .updateTable('staff')
        .set({ failed_logins: 0, locked_until: null, last_login_at: after.toISOString() })
        .where('username', '=', staff.username)
        .execute(),
    );
    ipVerdict.succeeded();
    return { ok: true, username: staff.username, role: staff.role };
  }
  await store.write(async (tx) => {
    const current = await tx
      .selectFrom('staff')
      .select('failed_logins')
      .where('username', '=', staff.username)
      .executeTakeFirst();
    if (!current) return;
    const failures = current.failed_logins + 1;
    const delayMs = accountDelayMs(failures);
    await tx
      .updateTable('staff')
      .set({ failed_logins: failures, locked_until: delayMs > 0 ? new Date(after.getTime() + delayMs).toISOString() : null })
      .where('username', '=', staff.username)
      .execute();
  });
  return { ok: false, reason: 'invalid' };
}
