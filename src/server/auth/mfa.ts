// TOTP (RFC 6238: SHA-1, 6 digits, 30 s) for local accounts: enrolment by QR code, 10 single-use
// recovery codes kept as keyed hashes, and wrong codes throttled like wrong passwords — the same
// per-address window and the same growing per-account delay (login-throttle.ts), on counters of
// their own so a guessed password does not buy code guesses.
import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { type Store, type Tx } from '../store/database';
import { accountDelayMs, type IpVerdict, type LoginThrottle } from './login-throttle';
import type { SecretBox } from './secret-box';
import { StaffError, deleteSignInFlowsIn, normalizeUsername } from './staff';
import { type Clock, systemClock } from '../clock';
import type { AlsoInTransaction } from '../store/admin-activity';

export const RECOVERY_CODE_COUNT = 10;
const TOTP_PERIOD_SECONDS = 30;
const ISSUER = 'Markdesk';
// No 0/o, 1/l/i: read off paper and typed in.
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function totpFor(username: string, secret: Secret): TOTP {
  return new TOTP({ issuer: ISSUER, label: username, secret, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_SECONDS });
}

function newRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < 12; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** The form a recovery code is hashed in: no dashes or spaces, lower case. */
export function normalizeRecoveryCode(code: string): string {
  return code.replace(/[\s-]/g, '').toLowerCase();
}

export type Enrolment = { uri: string; secret: string; qrSvg: string };

/** A fresh secret, kept (sealed) as pending until confirmed with a code; an earlier pending one is replaced. */
export async function startEnrolment(store: Store, box: SecretBox, username: string): Promise<Enrolment> {
  const secret = new Secret({ size: 20 });
  const result = await store.write((tx) =>
    tx.updateTable('staff').set({ totp_pending_secret: box.seal(secret.base32) }).where('username', '=', username).executeTakeFirst(),
  );
  if (result.numUpdatedRows === 0n) throw new StaffError('NOT_FOUND', `There is no staff account "${username}".`);
  const uri = totpFor(username, secret).toString();
  return { uri, secret: secret.base32, qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) };
}

/** The time step a 6-digit code matches (one step of drift either way), or null. */
function matchingStep(username: string, base32: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = totpFor(username, Secret.fromBase32(base32));
  const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp: now.getTime() }) + delta;
}

export type CodeCheck =
  | { ok: true; via: 'totp' | 'recovery' }
  | { ok: false; reason: 'invalid' | 'throttled'; retryAfterSeconds?: number };

/**
 * A code was accepted: the account's count of wrong codes starts again and the address gets its
 * place in the window back (in the accepting transaction).
 */
async function clearFailures(tx: Tx, username: string, ipVerdict: Extract<IpVerdict, { allowed: true }>): Promise<void> {
  await tx.updateTable('staff').set({ mfa_failures: 0, mfa_locked_until: null }).where('username', '=', username).execute();
  await ipVerdict.succeeded(tx);
}

type CodeAttempt =
  | { waitSeconds: number }
  | { waitSeconds: null; row: { totp_secret: string | null; totp_pending_secret: string | null; totp_last_step: number | null } | null };

/**
 * The account's wait is checked and this attempt counted as a wrong code in one write transaction,
 * before the code is: read outside it, parallel wrong codes (PostgreSQL runs reads side by side)
 * all found the account free before any of them was counted. A code accepted sets the count back
 * to zero (clearFailures), as a right password does. Returns the secrets the code is checked
 * against, read in the same transaction.
 */
async function takeCodeAttempt(store: Store, username: string, now: Date): Promise<CodeAttempt> {
  return store.write(async (tx) => {
    const row = await tx
      .selectFrom('staff')
      .select(['mfa_failures', 'mfa_locked_until', 'totp_secret', 'totp_pending_secret', 'totp_last_step'])
      .where('username', '=', username)
      .executeTakeFirst();
    if (!row) return { waitSeconds: null, row: null };
    const until = row.mfa_locked_until ? Date.parse(row.mfa_locked_until) : 0;
    if (until > now.getTime()) return { waitSeconds: Math.max(1, Math.ceil((until - now.getTime()) / 1000)) };
    const failures = row.mfa_failures + 1;
    const delay = accountDelayMs(failures);
    await tx
      .updateTable('staff')
      .set({ mfa_failures: failures, mfa_locked_until: delay > 0 ? new Date(now.getTime() + delay).toISOString() : null })
      .where('username', '=', username)
      .execute();
    return { waitSeconds: null, row: { totp_secret: row.totp_secret, totp_pending_secret: row.totp_pending_secret, totp_last_step: row.totp_last_step } };
  });
}

/**
 * Checks a second factor: a TOTP code (each time step is good once) or an unused recovery code
 * (used up here). `pending`: check against the secret being enrolled instead of the confirmed one.
 */
export async function checkCode(
  store: Store,
  box: SecretBox,
  throttle: LoginThrottle,
  input: { username: string; code: string; ip: string; pending?: boolean },
  clock: Clock = systemClock,
): Promise<CodeCheck> {
  const now = new Date(clock.now());
  const username = normalizeUsername(input.username);
  if (username === null) return { ok: false, reason: 'invalid' };
  const ipVerdict = await throttle.takeIpAttempt(input.ip, now);
  if (!ipVerdict.allowed) return { ok: false, reason: 'throttled', retryAfterSeconds: ipVerdict.retryAfterSeconds };
  const attempt = await takeCodeAttempt(store, username, now);
  if (attempt.waitSeconds !== null) return { ok: false, reason: 'throttled', retryAfterSeconds: attempt.waitSeconds };

  const row = attempt.row;
  const sealed = input.pending ? row?.totp_pending_secret : row?.totp_secret;
  const base32 = sealed ? box.open(sealed) : null;
  const code = input.code.trim();
  let accepted: CodeCheck | null = null;
  if (row && base32) {
    const step = matchingStep(username, base32, code, now);
    if (step !== null && (row.totp_last_step === null || step > row.totp_last_step)) {
      // Compare-and-set on the last step: of two requests with one code, one wins.
      const previous = row.totp_last_step;
      accepted = await store.write(async (tx) => {
        const update = tx.updateTable('staff').set({ totp_last_step: step }).where('username', '=', username);
        const result = await (previous === null ? update.where('totp_last_step', 'is', null) : update.where('totp_last_step', '=', previous)).executeTakeFirst();
        if (result.numUpdatedRows !== 1n) return null;
        await clearFailures(tx, username, ipVerdict);
        return { ok: true, via: 'totp' } as const;
      });
    } else if (step === null && !input.pending && !/^\d{6}$/.test(code)) {
      accepted = await store.write(async (tx) => {
        const used = await tx
          .updateTable('recovery_codes')
          .set({ used_at: now.toISOString() })
          .where('username', '=', username)
          .where('code_hash', '=', box.digest(normalizeRecoveryCode(code)))
          .where('used_at', 'is', null)
          .executeTakeFirst();
        if (used.numUpdatedRows !== 1n) return null;
        await clearFailures(tx, username, ipVerdict);
        return { ok: true, via: 'recovery' } as const;
      });
    }
  }
  // Refused: the attempt stays counted (takeCodeAttempt).
  return accepted ?? { ok: false, reason: 'invalid' };
}

/**
 * Makes the pending secret the account's TOTP secret and replaces its recovery codes; returns the
 * codes, shown once. Refused (NOT_FOUND) for an account that is gone or disabled: checked in the
 * transaction that writes the secret, so a disable just before cannot be overtaken. Sign-ins still
 * in progress for the old second factor end with it.
 */
export async function completeEnrolment(store: Store, box: SecretBox, username: string, also?: AlsoInTransaction): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await store.write(async (tx) => {
    const row = await tx.selectFrom('staff').select(['totp_pending_secret', 'disabled']).where('username', '=', username).executeTakeFirst();
    if (!row || row.disabled !== 0) throw new StaffError('NOT_FOUND', `There is no enabled staff account "${username}".`);
    if (!row.totp_pending_secret) throw new StaffError('NOT_FOUND', 'There is no enrolment to confirm; start again.');
    await tx.updateTable('staff').set({ totp_secret: row.totp_pending_secret, totp_pending_secret: null }).where('username', '=', username).execute();
    await deleteSignInFlowsIn(tx, username);
    await writeRecoveryCodes(tx, box, username, codes);
    await also?.(tx);
  });
  return codes;
}

/**
 * Replaces the recovery codes of an account whose TOTP is set up (the earlier ones stop working, used
 * or not); returns the new ones, shown once. Refused (NOT_FOUND) for an account gone or disabled, and
 * (NOT_ENROLLED) without TOTP: checked in the transaction that writes the codes.
 */
export async function replaceRecoveryCodes(store: Store, box: SecretBox, username: string, also?: AlsoInTransaction): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await store.write(async (tx) => {
    const row = await tx.selectFrom('staff').select(['totp_secret', 'disabled']).where('username', '=', username).executeTakeFirst();
    if (!row || row.disabled !== 0) throw new StaffError('NOT_FOUND', `There is no enabled staff account "${username}".`);
    if (!row.totp_secret) throw new StaffError('NOT_ENROLLED', 'Two-step verification is not set up for this account.');
    await writeRecoveryCodes(tx, box, username, codes);
    await also?.(tx);
  });
  return codes;
}

async function writeRecoveryCodes(tx: Tx, box: SecretBox, username: string, codes: readonly string[]): Promise<void> {
  await tx.deleteFrom('recovery_codes').where('username', '=', username).execute();
  await tx
    .insertInto('recovery_codes')
    .values(codes.map((code) => ({ username, code_hash: box.digest(normalizeRecoveryCode(code)), used_at: null })))
    .execute();
}

/**
 * `npm run staff -- reset-mfa NAME`: removes TOTP and the recovery codes; that person's sessions end,
 * and so do their sign-ins in progress (an enrolment started before the reset must not finish after it).
 */
export async function resetMfa(store: Store, username: string): Promise<void> {
  const name = normalizeUsername(username);
  if (name === null) throw new StaffError('INVALID_USERNAME', 'That is not a valid username.');
  await store.write(async (tx) => {
    const result = await tx
      .updateTable('staff')
      .set({ totp_secret: null, totp_pending_secret: null, totp_last_step: null, mfa_failures: 0, mfa_locked_until: null })
      .where('username', '=', name)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new StaffError('NOT_FOUND', `There is no staff account "${name}".`);
    await tx.deleteFrom('recovery_codes').where('username', '=', name).execute();
    await tx.deleteFrom('sessions').where('username', '=', name).execute();
    await deleteSignInFlowsIn(tx, name);
  });
}

/** The current code of a base32 secret (tests and the enrolment walk-through use it). */
export function currentCode(username: string, base32: string, at: Date): string {
  return totpFor(username, Secret.fromBase32(base32)).generate({ timestamp: at.getTime() });
}
