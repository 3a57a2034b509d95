// TOTP for local accounts through the HTTP API: enrolment (QR code, 10 recovery codes), sign-in
// with a code, a used code and a used recovery code refused, wrong codes throttled, required MFA,
// reset from the CLI, step-up with password + code, and local sign-in turned off.
import { afterEach, describe, expect, it } from 'vitest';
import { currentCode, normalizeRecoveryCode, replaceRecoveryCodes, resetMfa } from './mfa';
import { secretBox } from './secret-box';
import { createGate } from '../testing/gate';
import { updateStaff } from './staff';
import { startTestBff, TEST_PASSWORD, type TestBff } from '../testing/bff-harness';
import { flowCookieName, sessionCookieFor } from '../http/auth';

let bff: TestBff;
afterEach(async () => bff?.close());

const cookieOf = (response: { headers: Record<string, unknown> }, name: string): string | null => {
  const lines = ([] as string[]).concat((response.headers['set-cookie'] as string | string[] | undefined) ?? []);
  const line = lines.find((candidate) => candidate.startsWith(`${name}=`) && !candidate.startsWith(`${name}=;`));
  return line ? (line.split(';')[0] ?? null) : null;
};

async function enrol(cookie: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const started = await bff.inject({ method: 'POST', url: '/api/me/mfa/enrolment', headers: { ...bff.writeHeaders, cookie } });
  expect(started.statusCode).toBe(200);
  const { secret, uri, qrSvg } = started.json() as { secret: string; uri: string; qrSvg: string };
  expect(uri).toMatch(/^otpauth:\/\/totp\/Markdesk:editor\?/);
  expect(qrSvg).toContain('<svg');
  const wrong = await bff.inject({ method: 'POST', url: '/api/me/mfa/enrolment/confirm', headers: { ...bff.writeHeaders, cookie }, payload: { code: '000000' } });
  expect(wrong.statusCode).toBe(400);
  const confirmed = await bff.inject({
    method: 'POST',
    url: '/api/me/mfa/enrolment/confirm',
    headers: { ...bff.writeHeaders, cookie },
    payload: { code: currentCode('editor', secret, new Date(bff.clock.now())) },
  });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { secret, recoveryCodes: (confirmed.json() as { recoveryCodes: string[] }).recoveryCodes };
}

/** Password first; answers the flow cookie of the second step. */
async function passwordStep(username: string, expected: 'mfaRequired' | 'enrolmentRequired'): Promise<string> {
  const { response } = await bff.login(username);
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({ [expected]: true });
  expect(cookieOf(response, sessionCookieFor(bff.origin).name)).toBeNull();
  const flow = cookieOf(response, flowCookieName(sessionCookieFor(bff.origin), 'local'));
  expect(flow).not.toBeNull();
  return flow!;
}

const codeStep = (flow: string, code: string, remoteAddress?: string) =>
  bff.inject({ method: 'POST', url: '/api/session/mfa', headers: { ...bff.writeHeaders, cookie: flow }, payload: { code }, ...(remoteAddress ? { remoteAddress } : {}) });

const stepUpWith = (cookie: string, password: string, code: string) =>
  bff.inject({ method: 'POST', url: '/api/session/step-up', headers: { ...bff.writeHeaders, cookie }, payload: { password, code } });

describe('TOTP', () => {
  it('enrols with a QR code and 10 recovery codes, then signs in with a code; a code and a recovery code are each good once', async () => {
    bff = await startTestBff();
    const { secret, recoveryCodes } = await enrol(await bff.sessionCookie('editor'));
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    // Stored hashed, never as given; the secret is sealed.
    const stored = await bff.store.read.selectFrom('recovery_codes').select('code_hash').where('username', '=', 'editor').execute();
    expect(stored.map((row) => row.code_hash)).not.toContain(recoveryCodes[0]);
    const staff = await bff.store.read.selectFrom('staff').select('totp_secret').where('username', '=', 'editor').executeTakeFirstOrThrow();
    expect(staff.totp_secret).not.toContain(secret);

    bff.clock.advance(60_000); // the next time step: the enrolment's code is behind us
    const code = currentCode('editor', secret, new Date(bff.clock.now()));
    const first = await codeStep(await passwordStep('editor', 'mfaRequired'), code);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ username: 'editor', role: 'editor' });
    expect((await codeStep(await passwordStep('editor', 'mfaRequired'), code)).statusCode).toBe(401);

    const recovery = recoveryCodes[3]!;
    const viaRecovery = await codeStep(await passwordStep('editor', 'mfaRequired'), recovery.toUpperCase());
    expect(viaRecovery.statusCode).toBe(200);
    const again = await codeStep(await passwordStep('editor', 'mfaRequired'), recovery);
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });

    const admin = await bff.sessionCookie('admin');
    const activity = await bff.inject({ method: 'GET', url: '/api/audit?kind=admin&staff=editor&action=sign_in', headers: { cookie: admin } });
    expect(activity.json().entries.map((entry: { details: unknown }) => entry.details)).toEqual([
      { method: 'totp', factor: 'recovery' },
      { method: 'totp', factor: 'totp' },
    ]);
  });

  it('throttles wrong codes like passwords', async () => {
    bff = await startTestBff();
    await enrol(await bff.sessionCookie('editor'));
    const flow = await passwordStep('editor', 'mfaRequired');
    const statuses: number[] = [];
    // From changing addresses: the account's own delay is what stops the guessing.
    for (let i = 0; i < 7; i++) statuses.push((await codeStep(flow, '111111', `10.0.0.${i + 1}`)).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
  });

  it('makes every local account enrol at its next sign-in with MARKDESK_REQUIRE_MFA=1, and reset-mfa is the way back', async () => {
    bff = await startTestBff({ identity: { requireMfa: true } });
    const flow = await passwordStep('viewer', 'enrolmentRequired');
    const started = await bff.inject({ method: 'POST', url: '/api/session/mfa/enrolment', headers: { ...bff.writeHeaders, cookie: flow } });
    const { secret } = started.json() as { secret: string };
    const confirmed = await bff.inject({
      method: 'POST',
      url: '/api/session/mfa/enrolment/confirm',
      headers: { ...bff.writeHeaders, cookie: flow },
      payload: { code: currentCode('viewer', secret, new Date(bff.clock.now())) },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ session: { username: 'viewer', role: 'viewer' } });
    await passwordStep('viewer', 'mfaRequired');
    await resetMfa(bff.store, 'viewer');
    await passwordStep('viewer', 'enrolmentRequired');
  });
});

describe('a sign-in in progress ends with a change of the account', () => {
  const enrolmentStart = (flow: string) => bff.inject({ method: 'POST', url: '/api/session/mfa/enrolment', headers: { ...bff.writeHeaders, cookie: flow } });
  const enrolmentConfirm = (flow: string, code: string) =>
    bff.inject({ method: 'POST', url: '/api/session/mfa/enrolment/confirm', headers: { ...bff.writeHeaders, cookie: flow }, payload: { code } });
  const totpSecretOf = async (username: string) =>
    (await bff.store.read.selectFrom('staff').select('totp_secret').where('username', '=', username).executeTakeFirstOrThrow()).totp_secret;

  it('an enrolment started with the old password cannot go on after a password reset, a disable, a role change or an MFA reset', async () => {
    bff = await startTestBff({ identity: { requireMfa: true } });
    const changes: Record<string, (username: string) => Promise<unknown>> = {
      password: (username) => updateStaff(bff.store, username, { password: 'a brand new pass phrase' }),
      disabled: (username) => updateStaff(bff.store, username, { disabled: true }),
      role: (username) => updateStaff(bff.store, username, { role: 'viewer' }),
      mfa: (username) => resetMfa(bff.store, username),
    };
    for (const [change, apply] of Object.entries(changes)) {
      const username = `victim.${change}`;
      await bff.addStaff(username, 'editor');
      // Someone with a leaked password gets as far as the enrolment; then an administrator steps in.
      const flow = await passwordStep(username, 'enrolmentRequired');
      await apply(username);
      const started = await enrolmentStart(flow);
      expect(started.statusCode, `${change}: ${started.body}`).toBe(401);
      expect(started.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', message: 'This sign-in has timed out. Enter your username and password again.' } });
      expect(await bff.store.read.selectFrom('auth_flows').select('id_hash').where('username', '=', username).execute(), change).toEqual([]);
      expect(await totpSecretOf(username)).toBeNull();
    }
  });

  it('an account disabled while its enrolment is open gets a 401, and its second factor is not written', async () => {
    bff = await startTestBff({ identity: { requireMfa: true } });
    await bff.addStaff('rita', 'editor');
    const flow = await passwordStep('rita', 'enrolmentRequired');
    const { secret } = (await enrolmentStart(flow)).json() as { secret: string };
    // Disabled by a way round updateStaff (another instance's older code, a hand-made change): the flow is still there.
    await bff.store.write((tx) => tx.updateTable('staff').set({ disabled: 1 }).where('username', '=', 'rita').execute());
    const confirmed = await enrolmentConfirm(flow, currentCode('rita', secret, new Date(bff.clock.now())));
    expect(confirmed.statusCode, confirmed.body).toBe(401);
    expect(confirmed.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect(cookieOf(confirmed, sessionCookieFor(bff.origin).name)).toBeNull();
    expect(await totpSecretOf('rita')).toBeNull();
    // A code step for a disabled account is refused the same way, before the code is looked at.
    await bff.store.write((tx) => tx.updateTable('staff').set({ disabled: 0 }).where('username', '=', 'rita').execute());
    const second = await passwordStep('rita', 'enrolmentRequired');
    await bff.store.write((tx) => tx.updateTable('staff').set({ disabled: 1 }).where('username', '=', 'rita').execute());
    expect((await enrolmentStart(second)).statusCode).toBe(401);
  });
});

describe('step-up with password and code', () => {
  it('answers 403 STEP_UP_REQUIRED to an admin action after 10 minutes, and lets it through after re-authentication', async () => {
    bff = await startTestBff();
    const admin = await bff.sessionCookie('admin');
    const addStaff = (name: string) =>
      bff.inject({ method: 'POST', url: '/api/staff', headers: { ...bff.writeHeaders, cookie: admin }, payload: { username: name, role: 'viewer', password: 'a long enough pass phrase' } });
    expect((await addStaff('first.person')).statusCode).toBe(201);
    bff.clock.advance(10 * 60_000 + 1);
    const refused = await addStaff('second.person');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'STEP_UP_REQUIRED', details: { method: 'password', mfa: false } } });
    // Reading is not an admin action.
    expect((await bff.inject({ method: 'GET', url: '/api/staff', headers: { cookie: admin } })).statusCode).toBe(200);
    const wrong = await bff.inject({ method: 'POST', url: '/api/session/step-up', headers: { ...bff.writeHeaders, cookie: admin }, payload: { password: 'not it at all' } });
    expect(wrong.statusCode).toBe(400);
    const stepUp = await bff.inject({ method: 'POST', url: '/api/session/step-up', headers: { ...bff.writeHeaders, cookie: admin }, payload: { password: TEST_PASSWORD } });
    expect(stepUp.statusCode, stepUp.body).toBe(200);
    expect((await addStaff('second.person')).statusCode).toBe(201);
  });

  it('needs the code too when TOTP is set up', async () => {
    bff = await startTestBff();
    const admin = await bff.sessionCookie('admin');
    const started = await bff.inject({ method: 'POST', url: '/api/me/mfa/enrolment', headers: { ...bff.writeHeaders, cookie: admin } });
    const { secret } = started.json() as { secret: string };
    await bff.inject({ method: 'POST', url: '/api/me/mfa/enrolment/confirm', headers: { ...bff.writeHeaders, cookie: admin }, payload: { code: currentCode('admin', secret, new Date(bff.clock.now())) } });
    bff.clock.advance(11 * 60_000);
    const verify = () => bff.inject({ method: 'GET', url: '/api/audit/verify', headers: { cookie: admin } });
    expect((await verify()).json()).toMatchObject({ error: { code: 'STEP_UP_REQUIRED', details: { method: 'password', mfa: true } } });
    const withoutCode = await bff.inject({ method: 'POST', url: '/api/session/step-up', headers: { ...bff.writeHeaders, cookie: admin }, payload: { password: TEST_PASSWORD } });
    expect(withoutCode.statusCode).toBe(400);
    const withCode = await bff.inject({
      method: 'POST',
      url: '/api/session/step-up',
      headers: { ...bff.writeHeaders, cookie: admin },
      payload: { password: TEST_PASSWORD, code: currentCode('admin', secret, new Date(bff.clock.now())) },
    });
    expect(withCode.statusCode, withCode.body).toBe(200);
    expect((await verify()).statusCode).toBe(200);
  });
});

describe('step-up is not had for less', () => {
  const verify = (cookie: string) => bff.inject({ method: 'GET', url: '/api/audit/verify', headers: { cookie } });

  it('a password change keeps the session’s time of sign-in: admin actions still need the code afterwards', async () => {
    bff = await startTestBff();
    const admin = await bff.sessionCookie('admin');
    const started = await bff.inject({ method: 'POST', url: '/api/me/mfa/enrolment', headers: { ...bff.writeHeaders, cookie: admin } });
    const { secret } = started.json() as { secret: string };
    const enrolled = await bff.inject({
      method: 'POST',
      url: '/api/me/mfa/enrolment/confirm',
      headers: { ...bff.writeHeaders, cookie: admin },
      payload: { code: currentCode('admin', secret, new Date(bff.clock.now())) },
    });
    expect(enrolled.statusCode, enrolled.body).toBe(200);
    bff.clock.advance(11 * 60_000);
    expect((await verify(admin)).json()).toMatchObject({ error: { code: 'STEP_UP_REQUIRED', details: { method: 'password', mfa: true } } });

    const changed = await bff.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: { ...bff.writeHeaders, cookie: admin },
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new pass phrase' },
    });
    expect(changed.statusCode, changed.body).toBe(204);
    const fresh = cookieOf(changed, sessionCookieFor(bff.origin).name)!;
    const me = (await bff.inject({ method: 'GET', url: '/api/me', headers: { cookie: fresh } })).json() as { authAt: string };
    expect(me.authAt).toBe(new Date(bff.clock.now() - 11 * 60_000).toISOString());
    const refused = await verify(fresh);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'STEP_UP_REQUIRED', details: { method: 'password', mfa: true } } });

    expect((await stepUpWith(fresh, 'a brand new pass phrase', currentCode('admin', secret, new Date(bff.clock.now())))).statusCode).toBe(200);
    expect((await verify(fresh)).statusCode).toBe(200);
  });

  it('replacing a second factor already set up needs a recent step-up, with the current code; setting up the first one does not', async () => {
    bff = await startTestBff();
    const cookie = await bff.sessionCookie('editor');
    bff.clock.advance(11 * 60_000);
    // The first one only adds a factor: a session is enough, however old its sign-in.
    const { secret, recoveryCodes } = await enrol(cookie);
    const storedBefore = await bff.store.read.selectFrom('staff').select('totp_secret').where('username', '=', 'editor').executeTakeFirstOrThrow();

    bff.clock.advance(60_000);
    const start = () => bff.inject({ method: 'POST', url: '/api/me/mfa/enrolment', headers: { ...bff.writeHeaders, cookie } });
    const refused = await start();
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'STEP_UP_REQUIRED', details: { method: 'password', mfa: true } } });
    const confirmRefused = await bff.inject({ method: 'POST', url: '/api/me/mfa/enrolment/confirm', headers: { ...bff.writeHeaders, cookie }, payload: { code: '123456' } });
    expect(confirmRefused.statusCode).toBe(403);
    // Nothing was replaced: the same secret, the recovery codes still good.
    const storedAfter = await bff.store.read.selectFrom('staff').select(['totp_secret', 'totp_pending_secret']).where('username', '=', 'editor').executeTakeFirstOrThrow();
    expect(storedAfter).toEqual({ totp_secret: storedBefore.totp_secret, totp_pending_secret: null });
    expect(await bff.store.read.selectFrom('recovery_codes').select('code_hash').where('username', '=', 'editor').where('used_at', 'is', null).execute()).toHaveLength(recoveryCodes.length);

    expect((await stepUpWith(cookie, TEST_PASSWORD, currentCode('editor', secret, new Date(bff.clock.now())))).statusCode).toBe(200);
    const replacement = await start();
    expect(replacement.statusCode, replacement.body).toBe(200);
    const next = (replacement.json() as { secret: string }).secret;
    bff.clock.advance(30_000);
    const confirmed = await bff.inject({
      method: 'POST',
      url: '/api/me/mfa/enrolment/confirm',
      headers: { ...bff.writeHeaders, cookie },
      payload: { code: currentCode('editor', next, new Date(bff.clock.now())) },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
  });
});

describe('new recovery codes', () => {
  const newCodes = (cookie: string) => bff.inject({ method: 'POST', url: '/api/me/mfa/recovery-codes', headers: { ...bff.writeHeaders, cookie } });

  it('replace the earlier ones, used or not, and each works once; recorded as admin activity', async () => {
    bff = await startTestBff();
    const cookie = await bff.sessionCookie('editor');
    const without = await newCodes(cookie);
    expect(without.statusCode).toBe(409);
    expect(without.json()).toMatchObject({ error: { code: 'CONFLICT', message: 'Set up two-step verification first: recovery codes come with it.' } });

    const { recoveryCodes: earlier } = await enrol(cookie);
    const replaced = await newCodes(cookie);
    expect(replaced.statusCode, replaced.body).toBe(200);
    const { recoveryCodes: fresh } = replaced.json() as { recoveryCodes: string[] };
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((code) => earlier.includes(code))).toEqual([]);

    expect((await codeStep(await passwordStep('editor', 'mfaRequired'), earlier[0]!)).statusCode).toBe(401);
    expect((await codeStep(await passwordStep('editor', 'mfaRequired'), fresh[0]!)).statusCode).toBe(200);
    expect((await codeStep(await passwordStep('editor', 'mfaRequired'), fresh[0]!)).statusCode).toBe(401);

    const activity = await bff.inject({ method: 'GET', url: '/api/audit?kind=admin&staff=editor&action=mfa_recovery_codes_replaced', headers: { cookie: await bff.sessionCookie('admin') } });
    expect(activity.json().entries).toHaveLength(1);
  });

  it('asked for twice at once, leave one set of 10: the one written last (the first held open in its transaction)', async () => {
    bff = await startTestBff();
    await enrol(await bff.sessionCookie('editor'));
    const box = secretBox(bff.store.auditKey);
    const held = createGate();
    const first = replaceRecoveryCodes(bff.store, box, 'editor', () => held.pass());
    await held.arrived();
    const second = replaceRecoveryCodes(bff.store, box, 'editor');
    held.release();
    const [, last] = await Promise.all([first, second]);
    const stored = await bff.store.read.selectFrom('recovery_codes').select('code_hash').where('username', '=', 'editor').execute();
    expect(stored.map((row) => row.code_hash).sort()).toEqual(last.map((code) => box.digest(normalizeRecoveryCode(code))).sort());
  });

  it('need a sign-in or step-up within the last 10 minutes, as replacing TOTP does; refused, the codes stay', async () => {
    bff = await startTestBff();
    const cookie = await bff.sessionCookie('editor');
    const { secret, recoveryCodes } = await enrol(cookie);
    bff.clock.advance(11 * 60_000);
    const refused = await newCodes(cookie);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'STEP_UP_REQUIRED', details: { method: 'password', mfa: true } } });
    expect((await codeStep(await passwordStep('editor', 'mfaRequired'), recoveryCodes[1]!)).statusCode).toBe(200);

    expect((await stepUpWith(cookie, TEST_PASSWORD, currentCode('editor', secret, new Date(bff.clock.now())))).statusCode).toBe(200);
    expect((await newCodes(cookie)).statusCode).toBe(200);
    expect((await codeStep(await passwordStep('editor', 'mfaRequired'), recoveryCodes[2]!)).statusCode).toBe(401);
  });
});

describe('MARKDESK_LOCAL_LOGIN=off', () => {
  it('refuses password sign-in except for break-glass accounts', async () => {
    bff = await startTestBff({ identity: { localLogin: false } });
    expect((await bff.inject({ method: 'GET', url: '/api/auth/config' })).json()).toEqual({ sso: null, localLogin: false });
    const refused = await bff.login('admin');
    expect(refused.response.statusCode).toBe(403);
    expect(refused.cookie).toBeNull();
    await bff.store.write((tx) => tx.updateTable('staff').set({ break_glass: 1 }).where('username', '=', 'admin').execute());
    const allowed = await bff.login('admin');
    expect(allowed.response.statusCode).toBe(200);
    expect(allowed.cookie).not.toBeNull();
  });
});

describe('people look after themselves', () => {
  it('change their own password (other sessions end, this one goes on) and end their own sessions', async () => {
    bff = await startTestBff();
    const here = await bff.sessionCookie('editor');
    const elsewhere = await bff.sessionCookie('editor');
    const list = await bff.inject({ method: 'GET', url: '/api/me/sessions', headers: { cookie: here } });
    const sessions = (list.json() as { sessions: { handle: string; current: boolean }[] }).sessions;
    expect(sessions).toHaveLength(2);
    const other = sessions.find((session) => !session.current)!;
    expect((await bff.inject({ method: 'DELETE', url: `/api/me/sessions/${other.handle}`, headers: { ...bff.writeHeaders, cookie: here } })).statusCode).toBe(204);
    const ended = await bff.inject({ method: 'GET', url: '/api/session', headers: { cookie: elsewhere } });
    expect(ended.json()).toMatchObject({ error: { details: { reason: 'revoked' } } });

    const third = await bff.sessionCookie('editor');
    const changed = await bff.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: { ...bff.writeHeaders, cookie: here },
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new pass phrase' },
    });
    expect(changed.statusCode).toBe(204);
    const fresh = cookieOf(changed, sessionCookieFor(bff.origin).name)!;
    expect((await bff.inject({ method: 'GET', url: '/api/session', headers: { cookie: fresh } })).statusCode).toBe(200);
    expect((await bff.inject({ method: 'GET', url: '/api/session', headers: { cookie: third } })).statusCode).toBe(401);
    expect((await bff.login('editor', 'a brand new pass phrase')).response.statusCode).toBe(200);
  });
});
