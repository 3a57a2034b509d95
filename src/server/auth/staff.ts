import type { Insertable, Selectable } from 'kysely';
import { type Role, ROLES, type StaffTable, type Store, type Tx } from '../store/database';
import type { StaffSource } from '../../shared/api/staff';
import { isStorableText, unstorableTextMessage } from '../../shared/text/storable';
import { generatePassword, hashPassword, passwordProblem } from './passwords';
import { type Clock, systemClock } from '../clock';
import { appendAdminActivity, type AdminActivity, type AlsoInTransaction } from '../store/admin-activity';

export type { Role } from '../store/database';
export { ROLES } from '../store/database';

/** A staff account as the rest of the server sees it — never with its password hash. */
export type StaffView = {
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  /** Where the account comes from: a local password, or just in time from the identity provider. */
  source: StaffSource;
  breakGlass: boolean;
  /** TOTP is set up. */
  mfa: boolean;
};

export type StaffRow = Selectable<StaffTable>;

export type StaffErrorCode =
  | 'INVALID_USERNAME'
  | 'INVALID_ROLE'
  | 'WEAK_PASSWORD'
  | 'ALREADY_EXISTS'
  | 'NOT_FOUND'
  /** Two-step verification is not set up (so there is nothing to give new recovery codes to). */
  | 'NOT_ENROLLED'
  /** The change would leave no enabled admin, and nobody could manage staff from the console. */
  | 'LAST_ADMIN';

export class StaffError extends Error {
  constructor(
    readonly code: StaffErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StaffError';
  }
}

export const USERNAME_MAX_LENGTH = 64;
// Checked before lower-casing: toLowerCase maps some non-ASCII letters (the Kelvin sign K) to ASCII.
const USERNAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function usernameProblem(raw: string): string | null {
  // Named first: the pattern's sentence would not tell anyone about a character they cannot see.
  if (!isStorableText(raw)) return unstorableTextMessage('The username');
  return USERNAME_PATTERN.test(raw)
    ? null
    : `A username has 1 to ${USERNAME_MAX_LENGTH} characters, each a letter a–z, a digit, ".", "_" or "-".`;
}

/** The stored (lower-case) form of a username, or null when it is not a valid username. */
export function normalizeUsername(raw: string): string | null {
  return usernameProblem(raw) === null ? raw.toLowerCase() : null;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

function requireUsername(raw: string): string {
  const username = normalizeUsername(raw);
  if (username === null) throw new StaffError('INVALID_USERNAME', usernameProblem(raw) ?? 'Invalid username.');
  return username;
}

function requireRole(role: unknown): Role {
  if (!isRole(role)) throw new StaffError('INVALID_ROLE', `The role must be one of ${ROLES.join(', ')}.`);
  return role;
}

function requireAcceptablePassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem !== null) throw new StaffError('WEAK_PASSWORD', problem);
}

function toView(row: Pick<StaffRow, 'username' | 'role' | 'disabled' | 'created_at' | 'last_login_at' | 'source' | 'break_glass' | 'totp_secret'>): StaffView {
  return {
    username: row.username,
    role: row.role,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
    source: row.source,
    breakGlass: row.break_glass === 1,
    mfa: row.totp_secret !== null,
  };
}

const VIEW_COLUMNS = ['username', 'role', 'disabled', 'created_at', 'last_login_at', 'source', 'break_glass', 'totp_secret'] as const;

export async function createStaff(
  store: Store,
  input: { username: string; role: Role; password: string },
  clock: Clock = systemClock,
  /** Runs in the insert's transaction when the account was created (its admin-activity entry). */
  also?: AlsoInTransaction,
): Promise<StaffView> {
  const username = requireUsername(input.username);
  const role = requireRole(input.role);
  requireAcceptablePassword(input.password);
  if (await getStaff(store, username)) throw new StaffError('ALREADY_EXISTS', `There is already a staff account "${username}".`);
  const passwordHash = await hashPassword(input.password);
  const row = {
    username,
    role,
    password_hash: passwordHash,
    disabled: 0,
    created_at: new Date(clock.now()).toISOString(),
    last_login_at: null,
    failed_logins: 0,
    locked_until: null,
  } satisfies Insertable<StaffTable>;
  // insert-or-ignore: someone may have created the same name while we were hashing.
  const result = await store.write(async (tx) => {
    const inserted = await tx.insertInto('staff').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows !== 0n) await also?.(tx);
    return inserted;
  });
  if (result.numInsertedOrUpdatedRows === 0n) {
    throw new StaffError('ALREADY_EXISTS', `There is already a staff account "${username}".`);
  }
  return toView({ ...row, source: 'local', break_glass: 0, totp_secret: null });
}

export async function listStaff(store: Store): Promise<StaffView[]> {
  const rows = await store.read.selectFrom('staff').select(VIEW_COLUMNS).orderBy('username').execute();
  return rows.map(toView);
}

/** The account, or null when there is none (or the name is not a valid username). */
export async function getStaff(store: Store, username: string): Promise<StaffView | null> {
  const normalized = normalizeUsername(username);
  if (normalized === null) return null;
  const row = await store.read.selectFrom('staff').select(VIEW_COLUMNS).where('username', '=', normalized).executeTakeFirst();
  return row ? toView(row) : null;
}

/** Everything login needs, including the hash and the lockout counters; for the auth module only. */
export async function getStaffCredentials(store: Store, username: string): Promise<StaffRow | null> {
  const normalized = normalizeUsername(username);
  if (normalized === null) return null;
  return (await store.read.selectFrom('staff').selectAll().where('username', '=', normalized).executeTakeFirst()) ?? null;
}

async function rowOrNotFound(tx: Tx, username: string): Promise<StaffRow> {
  const row = await tx.selectFrom('staff').selectAll().where('username', '=', username).executeTakeFirst();
  if (!row) throw new StaffError('NOT_FOUND', `There is no staff account "${username}".`);
  return row;
}

async function assertAnotherEnabledAdmin(tx: Tx, username: string): Promise<void> {
  const other = await tx
    .selectFrom('staff')
    .select('username')
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .where('username', '!=', username)
    .executeTakeFirst();
  if (!other) throw new StaffError('LAST_ADMIN', `"${username}" is the last enabled admin; make someone else admin first.`);
}

/** Ends the person's sessions, remembering that they were ended on purpose (the sign-in page says so). */
async function deleteSessionsIn(tx: Tx, username: string, reason: 'revoked' | 'role_removed' = 'revoked'): Promise<void> {
  const ended = await tx.selectFrom('sessions').select('id_hash').where('username', '=', username).execute();
  if (ended.length === 0) return;
  await tx.deleteFrom('sessions').where('username', '=', username).execute();
  const endedAt = new Date().toISOString();
  await tx
    .insertInto('ended_sessions')
    .values(ended.map((row) => ({ id_hash: row.id_hash, reason, ended_at: endedAt })))
    .onConflict((oc) => oc.column('id_hash').doUpdateSet({ reason, ended_at: endedAt }))
    .execute();
}

/**
 * Ends the person's sign-ins in progress (auth_flows: a password accepted with the code or the
 * enrolment still to come, an SSO step-up): one started before a change of the password, the
 * account's state or its second factor must not be finished after it — with a leaked old password,
 * an enrolment left open would let someone set up their own authenticator after the reset.
 */
export async function deleteSignInFlowsIn(tx: Tx, username: string): Promise<void> {
  await tx.deleteFrom('auth_flows').where('username', '=', username).execute();
}

/** Changes the role; when it really changes, that person's sessions end in the same transaction. */
export async function setRole(store: Store, username: string, role: Role): Promise<StaffView> {
  return (await updateStaff(store, username, { role })).current;
}

/** Disables or re-enables the account; its sessions end in the same transaction. */
export async function setDisabled(store: Store, username: string, disabled: boolean): Promise<StaffView> {
  return (await updateStaff(store, username, { disabled })).current;
}

/** Sets a new password, lifts any login lockout and ends that person's sessions, in one transaction (with `also`). */
export async function resetPassword(store: Store, username: string, password: string, also?: AlsoInTransaction): Promise<StaffView> {
  return (await updateStaff(store, username, { password }, also ? { also } : {})).current;
}

export type StaffChange = { role?: Role | undefined; disabled?: boolean | undefined; password?: string | undefined };

/**
 * A change of an account (role, disabled, password) in one transaction: a part refused (the last
 * admin, a password for an identity-provider account) changes nothing. The person's sessions and
 * sign-ins in progress end with it. `by`: an administrator's change, recorded by an admin-activity
 * entry per part in the same transaction; `also`: other work of that transaction (a person's own
 * password change, recorded so).
 */
export async function updateStaff(
  store: Store,
  username: string,
  change: StaffChange,
  options: { by?: Pick<AdminActivity, 'staff' | 'ip' | 'userAgent'>; clock?: Clock; also?: AlsoInTransaction } = {},
): Promise<{ previous: StaffView; current: StaffView }> {
  const { by, clock = systemClock, also } = options;
  const name = requireUsername(username);
  const role = change.role === undefined ? undefined : requireRole(change.role);
  if (change.password !== undefined) requireAcceptablePassword(change.password);
  const passwordHash = change.password === undefined ? undefined : await hashPassword(change.password);
  const at = new Date(clock.now());
  return store.write(async (tx) => {
    const row = await rowOrNotFound(tx, name);
    const next = { ...row };
    const done: Omit<AdminActivity, 'staff' | 'ip' | 'userAgent'>[] = [];
    if (role !== undefined && role !== row.role) {
      next.role = role;
      done.push({ action: 'role_changed', target: name, details: { from: row.role, to: role } });
    }
    const disabled = change.disabled === undefined ? row.disabled : change.disabled ? 1 : 0;
    if (disabled !== row.disabled) {
      next.disabled = disabled;
      done.push({ action: disabled ? 'staff_disabled' : 'staff_enabled', target: name });
    }
    // An enabled admin who stops being one (demoted or disabled) must leave another.
    if (row.role === 'admin' && row.disabled === 0 && (next.role !== 'admin' || next.disabled !== 0)) await assertAnotherEnabledAdmin(tx, name);
    if (passwordHash !== undefined) {
      // A password would let an account of the identity provider sign in around it.
      if (row.source === 'sso') throw new StaffError('INVALID_ROLE', `"${name}" signs in through the identity provider and has no password to reset.`);
      next.password_hash = passwordHash;
      next.failed_logins = 0;
      next.locked_until = null;
      done.push({ action: 'password_reset', target: name });
    }
    await tx
      .updateTable('staff')
      .set({ role: next.role, disabled: next.disabled, password_hash: next.password_hash, failed_logins: next.failed_logins, locked_until: next.locked_until })
      .where('username', '=', name)
      .execute();
    if (done.length > 0 || change.disabled !== undefined) {
      await deleteSessionsIn(tx, name);
      await deleteSignInFlowsIn(tx, name);
    }
    if (by) for (const activity of done) await appendAdminActivity(tx, store.auditKey, { ...by, ...activity }, at);
    await also?.(tx);
    return { previous: toView(row), current: toView(next) };
  });
}

/** Marks a local account as break-glass (signs in with its password while local sign-in is off), or not. */
export async function setBreakGlass(store: Store, username: string, on: boolean): Promise<StaffView> {
  const name = requireUsername(username);
  return store.write(async (tx) => {
    const row = await rowOrNotFound(tx, name);
    if (row.source === 'sso') throw new StaffError('INVALID_ROLE', `"${name}" signs in through the identity provider and has no password to break glass with.`);
    await tx.updateTable('staff').set({ break_glass: on ? 1 : 0 }).where('username', '=', name).execute();
    return toView({ ...row, break_glass: on ? 1 : 0 });
  });
}

export type InitialAccount = { username: string; role: Role; password: string };

/**
 * On a database without any staff: creates `admin` (and in sandbox mode `support`, an editor, and
 * `pm`, a viewer) with random passwords, and returns them so the caller prints them once. Returns
 * [] when there already is staff. There is no fixed default password anywhere.
 */
export async function ensureInitialStaff(
  store: Store,
  options: { sandbox: boolean },
  clock: Clock = systemClock,
): Promise<InitialAccount[]> {
  if (await hasAnyStaff(store)) return [];
  const accounts: InitialAccount[] = [{ username: 'admin', role: 'admin', password: generatePassword() }];
  if (options.sandbox) {
    accounts.push({ username: 'support', role: 'editor', password: generatePassword() });
    accounts.push({ username: 'pm', role: 'viewer', password: generatePassword() });
  }
  const hashes: string[] = [];
  for (const account of accounts) hashes.push(await hashPassword(account.password));
  const createdAt = new Date(clock.now()).toISOString();
  return store.write(async (tx) => {
    // Checked again under the write lock: a staff CLI may have added someone while we were hashing.
    const existing = await tx.selectFrom('staff').select('username').limit(1).executeTakeFirst();
    if (existing) return [];
    await tx
      .insertInto('staff')
      .values(
        accounts.map((account, i) => ({
          username: account.username,
          role: account.role,
          password_hash: hashes[i] as string,
          disabled: 0,
          created_at: createdAt,
          last_login_at: null,
          failed_logins: 0,
          locked_until: null,
        })),
      )
      .execute();
    return accounts;
  });
}

async function hasAnyStaff(store: Store): Promise<boolean> {
  return (await store.read.selectFrom('staff').select('username').limit(1).executeTakeFirst()) !== undefined;
}
