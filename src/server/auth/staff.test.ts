import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Store } from '../store/database';
import { createFakeClock } from '../testing/fake-clock';
import { createFlow, readFlow, upsertSsoStaff } from './identity';
import { resetMfa } from './mfa';
import { verifyPassword } from './passwords';
import { createSession, resolveSession } from './sessions';
import { openTestStore } from '../testing/test-store';
import {
  createStaff,
  ensureInitialStaff,
  getStaff,
  getStaffCredentials,
  listStaff,
  normalizeUsername,
  resetPassword,
  setDisabled,
  setRole,
  StaffError,
} from './staff';

const PASSWORD = 'correct horse battery';
const meta = { ip: '203.0.113.7', userAgent: 'test' };
const clock = createFakeClock();
let store: Store;

beforeEach(async () => {
  store = await openTestStore();
});
afterEach(async () => {
  await store.close();
});

async function expectStaffError(promise: Promise<unknown>, code: StaffError['code']): Promise<void> {
  await expect(promise).rejects.toSatisfy((error) => error instanceof StaffError && error.code === code);
}

describe('usernames', () => {
  it('are 1..64 of [a-z0-9._-], case-insensitive, stored lower-case', () => {
    expect(normalizeUsername('Rita.Kim_2-x')).toBe('rita.kim_2-x');
    expect(normalizeUsername('a'.repeat(64))).toBe('a'.repeat(64));
    for (const bad of ['', 'a'.repeat(65), 'rita kim', 'rita@example', 'ríta', 'ra\u212Aa' /* Kelvin sign lower-cases to k */]) {
      expect(normalizeUsername(bad)).toBeNull();
    }
  });
});

describe('staff repository', () => {
  it('creates, gets and lists accounts without ever showing the hash', async () => {
    const created = await createStaff(store, { username: 'Rita', role: 'editor', password: PASSWORD }, clock);
    expect(created).toEqual({ username: 'rita', role: 'editor', disabled: false, createdAt: new Date(clock.now()).toISOString(), lastLoginAt: null, source: 'local', breakGlass: false, mfa: false });
    await createStaff(store, { username: 'admin', role: 'admin', password: PASSWORD }, clock);
    expect(await getStaff(store, 'RITA')).toEqual(created);
    expect(await getStaff(store, 'nobody')).toBeNull();
    expect((await listStaff(store)).map((s) => s.username)).toEqual(['admin', 'rita']);
    expect(JSON.stringify(await listStaff(store))).not.toContain('argon2');
    expect(await verifyPassword((await getStaffCredentials(store, 'rita'))!.password_hash, PASSWORD)).toBe(true);
  });

  it('creates nothing, and changes no password, when what is recorded with the change fails', async () => {
    const failing = async () => {
      throw new Error('the admin-activity entry could not be appended');
    };
    await expect(createStaff(store, { username: 'omar', role: 'viewer', password: PASSWORD }, clock, failing)).rejects.toThrow('could not be appended');
    expect(await getStaff(store, 'omar')).toBeNull();
    await createStaff(store, { username: 'omar', role: 'viewer', password: PASSWORD }, clock);
    await expect(resetPassword(store, 'omar', `${PASSWORD}!`, failing)).rejects.toThrow('could not be appended');
    expect(await verifyPassword((await getStaffCredentials(store, 'omar'))!.password_hash, PASSWORD)).toBe(true);
  });

  it('refuses a password for an account of the identity provider: it would sign in around the provider', async () => {
    await upsertSsoStaff(store, { issuer: 'https://idp.example', subject: 'u-1', suggestedName: 'sso.rita', role: 'editor', roleClaimPresent: true, refreshToken: null }, clock);
    await expectStaffError(resetPassword(store, 'sso.rita', PASSWORD), 'INVALID_ROLE');
    expect((await getStaffCredentials(store, 'sso.rita'))!.password_hash).toBe('!sso');
    expect(await getStaff(store, 'sso.rita')).toMatchObject({ source: 'sso', mfa: false, breakGlass: false });
  });

  it('refuses a duplicate (in any case), a bad name, a bad role and a short password', async () => {
    await createStaff(store, { username: 'rita', role: 'viewer', password: PASSWORD }, clock);
    await expectStaffError(createStaff(store, { username: 'RITA', role: 'viewer', password: PASSWORD }, clock), 'ALREADY_EXISTS');
    await expectStaffError(createStaff(store, { username: 'ri ta', role: 'viewer', password: PASSWORD }, clock), 'INVALID_USERNAME');
    await expectStaffError(createStaff(store, { username: 'sam', role: 'owner' as 'admin', password: PASSWORD }, clock), 'INVALID_ROLE');
    await expectStaffError(createStaff(store, { username: 'sam', role: 'viewer', password: 'short' }, clock), 'WEAK_PASSWORD');
    await expectStaffError(setRole(store, 'nobody', 'viewer'), 'NOT_FOUND');
  });

  it('ends that person’s sessions (only theirs) on a role change, disable and password reset', async () => {
    await createStaff(store, { username: 'admin', role: 'admin', password: PASSWORD }, clock);
    await createStaff(store, { username: 'rita', role: 'editor', password: PASSWORD }, clock);
    const login = async (name: string) => (await createSession(store, name, meta, clock)).sessionId;

    let rita = await login('rita');
    const admin = await login('admin');
    expect(await resolveSession(store, rita, clock)).toMatchObject({ username: 'rita', role: 'editor' });

    expect(await setRole(store, 'rita', 'viewer')).toMatchObject({ role: 'viewer' });
    expect(await resolveSession(store, rita, clock)).toBeNull();
    expect(await resolveSession(store, admin, clock)).toMatchObject({ username: 'admin', role: 'admin' });

    rita = await login('rita');
    expect(await setDisabled(store, 'rita', true)).toMatchObject({ disabled: true });
    expect(await resolveSession(store, rita, clock)).toBeNull();
    await expectStaffError(createSession(store, 'rita', meta, clock), 'NOT_FOUND');
    await setDisabled(store, 'rita', false);

    rita = await login('rita');
    await resetPassword(store, 'rita', 'a brand new passphrase');
    expect(await resolveSession(store, rita, clock)).toBeNull();
    const credentials = await getStaffCredentials(store, 'rita');
    expect(await verifyPassword(credentials!.password_hash, 'a brand new passphrase')).toBe(true);
    expect(await resolveSession(store, admin, clock)).not.toBeNull();
  });

  it('ends that person’s sign-ins in progress (only theirs) with a role change, disable, password reset or MFA reset, in the same transaction', async () => {
    await createStaff(store, { username: 'admin', role: 'admin', password: PASSWORD }, clock);
    await createStaff(store, { username: 'rita', role: 'editor', password: PASSWORD }, clock);
    const start = (username: string, kind: 'mfa' | 'enrol') => createFlow(store, { kind, username, sessionHash: null, data: {} }, clock);
    const open = async (flowId: string, kind: 'mfa' | 'enrol') => (await readFlow(store, flowId, kind, { consume: false }, clock)) !== null;

    const admins = await start('admin', 'mfa');
    const changes: [string, () => Promise<unknown>][] = [
      ['role', () => setRole(store, 'rita', 'viewer')],
      ['disable', () => setDisabled(store, 'rita', true)],
      ['enable', () => setDisabled(store, 'rita', false)],
      ['password', () => resetPassword(store, 'rita', 'a brand new passphrase')],
      ['mfa', () => resetMfa(store, 'rita')],
    ];
    for (const [change, apply] of changes) {
      const [code, enrolment] = [await start('rita', 'mfa'), await start('rita', 'enrol')];
      await apply();
      expect([await open(code, 'mfa'), await open(enrolment, 'enrol')], change).toEqual([false, false]);
    }
    expect(await open(admins, 'mfa')).toBe(true);

    // A change refused (the last admin) ends nothing.
    const kept = await start('admin', 'enrol');
    await expectStaffError(setRole(store, 'admin', 'viewer'), 'LAST_ADMIN');
    expect(await open(kept, 'enrol')).toBe(true);
  });

  it('keeps a session when the role is set to what it already is', async () => {
    await createStaff(store, { username: 'rita', role: 'editor', password: PASSWORD }, clock);
    const { sessionId } = await createSession(store, 'rita', meta, clock);
    await setRole(store, 'rita', 'editor');
    expect(await resolveSession(store, sessionId, clock)).not.toBeNull();
  });

  it('never leaves the console without an enabled admin', async () => {
    await createStaff(store, { username: 'admin', role: 'admin', password: PASSWORD }, clock);
    await expectStaffError(setRole(store, 'admin', 'editor'), 'LAST_ADMIN');
    await expectStaffError(setDisabled(store, 'admin', true), 'LAST_ADMIN');
    await createStaff(store, { username: 'second', role: 'admin', password: PASSWORD }, clock);
    await setDisabled(store, 'admin', true);
    await expectStaffError(setRole(store, 'second', 'viewer'), 'LAST_ADMIN');
  });
});

describe('ensureInitialStaff', () => {
  it('creates admin, support and pm with random passwords in sandbox mode, once', async () => {
    const accounts = await ensureInitialStaff(store, { sandbox: true }, clock);
    expect(accounts.map(({ username, role }) => ({ username, role }))).toEqual([
      { username: 'admin', role: 'admin' },
      { username: 'support', role: 'editor' },
      { username: 'pm', role: 'viewer' },
    ]);
    expect(new Set(accounts.map((a) => a.password)).size).toBe(3);
    const admin = accounts[0]!;
    expect(await verifyPassword((await getStaffCredentials(store, 'admin'))!.password_hash, admin.password)).toBe(true);
    expect(await ensureInitialStaff(store, { sandbox: true }, clock)).toEqual([]);
  });

  it('creates only admin in live mode, and nothing when there is staff already', async () => {
    expect((await ensureInitialStaff(store, { sandbox: false }, clock)).map((a) => a.username)).toEqual(['admin']);
    const other = await openTestStore();
    await createStaff(other, { username: 'rita', role: 'viewer', password: PASSWORD }, clock);
    expect(await ensureInitialStaff(other, { sandbox: true }, clock)).toEqual([]);
    expect((await listStaff(other)).map((s) => s.username)).toEqual(['rita']);
    await other.close();
  });
});
