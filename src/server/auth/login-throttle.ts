import { createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { type Role, type Store, type Tx } from '../store/database';
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
/**
 * How long the failures under a name without an account are remembered after its last one (its
 * wait, at most ACCOUNT_MAX_DELAY_MS, is over long before). A name left alone that long starts
 * again from nothing: the bound on that table.
 */
export const UNKNOWN_NAME_RETENTION_MS = 24 * 60 * 60 * 1000;

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

/**
 * An allowed attempt holds a place in its address's window until `succeeded(tx)` gives it back, as
 * part of the transaction that records the success.
 */
export type IpVerdict = { allowed: true; succeeded: (tx: Tx) => Promise<void> } | { allowed: false; retryAfterSeconds: number };

function secondsUntil(untilMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((untilMs - nowMs) / 1000));
}

export type LoginThrottleOptions = {
  ipAttemptsPerWindow?: number;
  ipWindowMs?: number;
  unknownNameRetentionMs?: number;
  /** How often (at most) this instance sweeps stale rows, on its next take; default: one window. */
  sweepEveryMs?: number;
};

/**
 * Sign-in throttling kept in the database, so that every instance sharing it counts the same: a
 * sliding window of failed sign-ins per client address (login_ip_attempts), and the same
 * failure/delay bookkeeping as staff.failed_logins/locked_until for names that have no account
 * (login_unknown_names), so that being throttled does not reveal whether an account exists. Times
 * come from the caller's clock.
 *
 * Each take reads the window and takes its place in one write transaction. Write transactions on
 * a store run one at a time, across every instance sharing the database (SQLite: BEGIN IMMEDIATE;
 * PostgreSQL: the store's write lock), so two requests — on one instance or two — cannot both see
 * the last place free. Holding that lock is also why every statement here is a short, indexed one.
 *
 * Bounded growth. In memory, a least-recently-used bound (10,000 addresses and names) kept a flood
 * of new addresses from exhausting the process, at the price of forgetting the windows it pushed
 * out — a flood that reset the counts it was meant to keep. In the database the bound is time
 * instead, and nothing current is forgotten: a take deletes its own address's attempts that left
 * the window, so an address holds at most `ipAttemptsPerWindow` rows; and at most once per
 * `sweepEveryMs` a take of this instance also deletes every attempt that left the window (the
 * addresses not seen again) and the unknown names untried for UNKNOWN_NAME_RETENTION_MS. So the
 * attempts table holds at most `ipAttemptsPerWindow` rows per address seen in the last window and
 * sweep interval, and the names table one row per name failed in the last retention period —
 * failures the address window itself limits.
 */
export class LoginThrottle {
  readonly #store: Store;
  readonly #ipLimit: number;
  readonly #windowMs: number;
  readonly #unknownNameRetentionMs: number;
  readonly #sweepEveryMs: number;
  readonly #nameKey: Buffer;
  #lastSweepMs: number | null = null;

  constructor(store: Store, options: LoginThrottleOptions = {}) {
    this.#store = store;
    this.#ipLimit = options.ipAttemptsPerWindow ?? IP_ATTEMPTS_PER_WINDOW;
    this.#windowMs = options.ipWindowMs ?? IP_WINDOW_MS;
    this.#unknownNameRetentionMs = options.unknownNameRetentionMs ?? UNKNOWN_NAME_RETENTION_MS;
    this.#sweepEveryMs = options.sweepEveryMs ?? this.#windowMs;
    // Every instance on one database holds the same audit key, so they all hash a name alike.
    this.#nameKey = Buffer.from(hkdfSync('sha256', store.auditKey, Buffer.alloc(0), 'markdesk login throttle names v1', 32));
  }

  /**
   * Counts one login attempt from `ip`, unless its window is already full (refusals do not count).
   * Only failures should stay counted: many people behind one office NAT all signing in at nine
   * must not lock each other out, so a successful attempt gives its place back (`succeeded`). The
   * place is taken before the password is checked, so a burst of parallel guesses cannot all pass
   * the check before any of them has failed.
   */
  async takeIpAttempt(ip: string, now: Date): Promise<IpVerdict> {
    const key = ipThrottleKey(ip);
    const nowMs = now.getTime();
    const windowStartMs = nowMs - this.#windowMs;
    const attemptId = randomUUID();
    // Opportunistic: the first take of this instance, then one take per interval (or after its clock went back).
    const sweep = this.#lastSweepMs === null || nowMs < this.#lastSweepMs || nowMs - this.#lastSweepMs >= this.#sweepEveryMs;
    if (sweep) this.#lastSweepMs = nowMs;
    const refusal = await this.#store.write(
      async (tx) => {
        if (sweep) await this.#sweep(tx, nowMs);
        await tx.deleteFrom('login_ip_attempts').where('ip_key', '=', key).where('at_ms', '<=', windowStartMs).execute();
        const held = await tx
          .selectFrom('login_ip_attempts')
          .select((eb) => [eb.fn.countAll().as('places'), eb.fn.min('at_ms').as('oldest_ms')])
          .where('ip_key', '=', key)
          .executeTakeFirstOrThrow();
        if (Number(held.places) >= this.#ipLimit) return { retryAfterSeconds: secondsUntil(Number(held.oldest_ms) + this.#windowMs, nowMs) };
        await tx.insertInto('login_ip_attempts').values({ attempt_id: attemptId, ip_key: key, at_ms: nowMs }).execute();
        return null;
      },
      // A place a power cut loses is one more guess for that address, once: counts were lost at
      // every restart while they lived in memory. Not worth an fsync on every sign-in attempt.
      { durability: 'relaxed' },
    );
    if (refusal) return { allowed: false, ...refusal };
    return {
      allowed: true,
      succeeded: async (tx) => {
        await tx.deleteFrom('login_ip_attempts').where('attempt_id', '=', attemptId).execute();
      },
    };
  }

  /**
   * An attempt under a name without an account: refused (seconds to wait) while the name waits,
   * else counted as a failure at once, in one transaction, so that parallel guesses cannot all pass
   * the wait before any has been counted.
   */
  async takeUnknownAccountAttempt(username: string, now: Date): Promise<number | null> {
    const nameHash = this.#nameHash(username);
    const nowMs = now.getTime();
    return this.#store.write(
      async (tx) => {
        const row = await tx.selectFrom('login_unknown_names').select('locked_until_ms').where('name_hash', '=', nameHash).executeTakeFirst();
        const untilMs = row ? Number(row.locked_until_ms) : 0;
        if (untilMs > nowMs) return secondsUntil(untilMs, nowMs);
        await this.#countUnknownName(tx, nameHash, nowMs);
        return null;
      },
      { durability: 'relaxed' },
    );
  }

  async #countUnknownName(tx: Tx, nameHash: string, nowMs: number): Promise<void> {
    const row = await tx.selectFrom('login_unknown_names').select(['failures', 'locked_until_ms', 'last_failure_ms']).where('name_hash', '=', nameHash).executeTakeFirst();
    // A row the sweep would delete counts as gone whether or not a sweep has removed it yet.
    const remembered = row && !this.#forgotten(row, nowMs) ? Number(row.failures) : 0;
    const failures = remembered + 1;
    const values = { failures, locked_until_ms: nowMs + accountDelayMs(failures), last_failure_ms: nowMs };
    await tx
      .insertInto('login_unknown_names')
      .values({ name_hash: nameHash, ...values })
      .onConflict((oc) => oc.column('name_hash').doUpdateSet(values))
      .execute();
  }

  #nameHash(username: string): string {
    return createHmac('sha256', this.#nameKey).update(username, 'utf8').digest('hex');
  }

  /** An unknown name whose last failure is past its retention and whose wait is over. */
  #forgotten(row: { last_failure_ms: number; locked_until_ms: number }, nowMs: number): boolean {
    return Number(row.last_failure_ms) <= nowMs - this.#unknownNameRetentionMs && Number(row.locked_until_ms) <= nowMs;
  }

  /** Deletes the attempts that left the window under any address, and the names forgotten (see #forgotten). */
  async #sweep(tx: Tx, nowMs: number): Promise<void> {
    await tx.deleteFrom('login_ip_attempts').where('at_ms', '<=', nowMs - this.#windowMs).execute();
    await tx
      .deleteFrom('login_unknown_names')
      .where('last_failure_ms', '<=', nowMs - this.#unknownNameRetentionMs)
      .where('locked_until_ms', '<=', nowMs)
      .execute();
  }
}

export function createLoginThrottle(store: Store, options?: LoginThrottleOptions): LoginThrottle {
  return new LoginThrottle(store, options);
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
  const ipVerdict = await throttle.takeIpAttempt(credentials.ip, now);
  if (!ipVerdict.allowed) return { ok: false, reason: 'throttled', retryAfterSeconds: ipVerdict.retryAfterSeconds };

  // An invalid name is looked after like an unknown one, under a bounded key.
  const username = normalizeUsername(credentials.username) ?? `invalid:${credentials.username.slice(0, 64)}`;
  const staff = await getStaffCredentials(store, username);

  if (!staff) {
    const retryAfter = await throttle.takeUnknownAccountAttempt(username, now);
    if (retryAfter !== null) return { ok: false, reason: 'throttled', retryAfterSeconds: retryAfter };
    await verifyPassword(DUMMY_HASH, credentials.password);
    return { ok: false, reason: 'invalid' };
  }

  // The account's wait is checked and this attempt counted as a failure in one transaction, before
  // the password is: parallel guesses cannot all pass the wait before any of them has failed. A
  // success then sets the count back to zero.
  const waitSeconds = await store.write(async (tx) => {
    const current = await tx.selectFrom('staff').select(['failed_logins', 'locked_until']).where('username', '=', staff.username).executeTakeFirst();
    if (!current) return null;
    if (current.locked_until !== null && Date.parse(current.locked_until) > now.getTime()) return secondsUntil(Date.parse(current.locked_until), now.getTime());
    const failures = current.failed_logins + 1;
    const delayMs = accountDelayMs(failures);
    await tx
      .updateTable('staff')
      .set({ failed_logins: failures, locked_until: delayMs > 0 ? new Date(now.getTime() + delayMs).toISOString() : null })
      .where('username', '=', staff.username)
      .execute();
    return null;
  });
  if (waitSeconds !== null) return { ok: false, reason: 'throttled', retryAfterSeconds: waitSeconds };
  const passwordMatches = await verifyPassword(staff.password_hash, credentials.password);
  const after = new Date(clock.now());
  if (passwordMatches && staff.disabled === 0) {
    await store.write(async (tx) => {
      await tx
        .updateTable('staff')
        .set({ failed_logins: 0, locked_until: null, last_login_at: after.toISOString() })
        .where('username', '=', staff.username)
        .execute();
      await ipVerdict.succeeded(tx);
    });
    return { ok: true, username: staff.username, role: staff.role };
  }
  return { ok: false, reason: 'invalid' };
}
