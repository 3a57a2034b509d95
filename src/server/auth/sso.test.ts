// Single sign-on against the real rehearsal identity provider (src/dev-idp, oidc-provider) over
// HTTP: the whole code flow, every refused callback the provider can produce, a replayed code,
// roles changed at the provider (next sign-in and open sessions), step-up and local sign-in off.
// Tokens the real provider will not produce (other issuer, other audience, expired, alg none) are
// in sso-forged.test.ts.
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp, type RunningDevIdp } from '../../dev-idp/provider';
import { parseRoleMap } from './oidc';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import { ssoBrowser, type SsoBrowser } from '../testing/sso-browser';

let idp: RunningDevIdp;
let bff: TestBff;
let browser: SsoBrowser;

const password = (username: string) => idp.accounts.get(username)!.password;
const setGroups = (username: string, groups: string[] | undefined) => void (idp.accounts.get(username)!.groups = groups);

beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
  const roleMap = parseRoleMap(idp.roleMap);
  if (!('map' in roleMap)) throw new Error(roleMap.problem);
  bff = await startTestBff({
    identity: {
      oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, roleClaim: 'groups', roleMap: roleMap.map, name: 'Dev IdP', scopes: 'openid profile email offline_access' },
    },
  });
  browser = ssoBrowser(bff);
}, 60_000);
afterAll(async () => {
  await bff.close();
  await idp.close();
});
afterEach(() => {
  setGroups('sso.admin', ['md-admins', 'everyone']);
  setGroups('sso.pm', ['md-pm', 'everyone']);
});

async function signInThroughProvider(username: string) {
  const { callbackPath, flowCookie } = await browser.startAndSignIn(username, password(username));
  return browser.callback(callbackPath, flowCookie);
}

async function sessionOf(cookie: string | null) {
  if (!cookie) return null;
  const response = await bff.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
  return response.statusCode === 200 ? (response.json() as { username: string; role: string }) : null;
}

async function expectRefused(outcome: { response: { statusCode: number }; location: string; cookie: string | null }, error: string) {
  expect(outcome.response.statusCode).toBe(302);
  expect(outcome.location).toBe(`/signin?error=${error}`);
  expect(outcome.cookie).toBeNull();
}

describe('SSO sign-in through the provider', () => {
  it('offers the button with the provider’s name', async () => {
    expect((await bff.inject({ method: 'GET', url: '/api/auth/config' })).json()).toEqual({ sso: { name: 'Dev IdP' }, localLogin: true });
  });

  it('signs in with the role mapped from the groups claim, creates the staff record just in time and records the sign-in', async () => {
    const outcome = await signInThroughProvider('sso.admin');
    expect(outcome.response.statusCode).toBe(302);
    expect(outcome.location).toBe('/marks');
    expect(await sessionOf(outcome.cookie)).toEqual({ username: 'sso.admin', role: 'admin' });
    const staff = await bff.store.read.selectFrom('staff').selectAll().where('username', '=', 'sso.admin').executeTakeFirstOrThrow();
    expect(staff).toMatchObject({ source: 'sso', sso_subject: `${idp.issuer} u-1001`, role: 'admin' });
    const me = await bff.inject({ method: 'GET', url: '/api/me', headers: { cookie: outcome.cookie! } });
    expect(me.json()).toMatchObject({ username: 'sso.admin', source: 'sso', method: 'sso' });
    const admin = await bff.signIn('admin');
    const activity = await bff.inject({ method: 'GET', url: '/api/audit?kind=admin&staff=sso.admin', headers: { cookie: admin } });
    expect(activity.json().entries[0]).toMatchObject({ action: 'sign_in', ip: '127.0.0.1', userAgent: 'lightMyRequest', details: { method: 'sso' } });
  });

  it('never lets the provider’s account take over a local account of the same name', async () => {
    await bff.addStaff('sso.support', 'viewer');
    const outcome = await signInThroughProvider('sso.support');
    expect(await sessionOf(outcome.cookie)).toEqual({ username: 'sso.support-sso', role: 'editor' });
  });

  it('gives a person whose groups map to no role, or who has no groups claim, the no-role page and no session', async () => {
    await expectRefused(await signInThroughProvider('sso.nobody'), 'no_role');
    await expectRefused(await signInThroughProvider('sso.nogroups'), 'no_role');
    expect(await bff.store.read.selectFrom('staff').select('username').where('username', 'in', ['sso.nobody', 'sso.nogroups']).execute()).toEqual([]);
  });
});

describe('where the browser goes after signing in', () => {
  it('back to the page it came from, on this site only: a returnTo a browser would read as another site goes to /marks', async () => {
    const returnTo = async (value: string) => {
      const { callbackPath, flowCookie } = await browser.startAndSignIn('sso.pm', password('sso.pm'), { returnTo: value });
      const back = await browser.callback(callbackPath, flowCookie);
      expect(back.response.statusCode).toBe(302);
      expect(back.cookie).not.toBeNull();
      return back.location;
    };
    expect(await returnTo('/conversations?user=alice#latest')).toBe('/conversations?user=alice#latest');
    // A browser drops the tab and reads "//evil.example/phish": another site, with this site's sign-in behind it.
    expect(await returnTo('/\t/evil.example/phish')).toBe('/marks');
    expect(await returnTo('/.//evil.example/phish')).toBe('/marks');
  });
});

describe('refused callbacks: a clear sign-in error and no session', () => {
  it('refuses a state that is not the one this browser was sent with', async () => {
    const { callbackPath, flowCookie } = await browser.startAndSignIn('sso.pm', password('sso.pm'));
    const tampered = callbackPath.replace(/state=[^&]+/, 'state=someone-elses-state');
    await expectRefused(await browser.callback(tampered, flowCookie), 'sso_failed');
  });

  it('refuses a callback without the browser’s flow cookie (login CSRF)', async () => {
    const { callbackPath } = await browser.startAndSignIn('sso.pm', password('sso.pm'));
    await expectRefused(await browser.callback(callbackPath, null), 'sso_failed');
  });

  it('refuses an ID token whose nonce is not the one sent', async () => {
    const { callbackPath, flowCookie } = await browser.startAndSignIn('sso.pm', password('sso.pm'));
    await tamperFlow(flowCookie, (data) => ({ ...data, nonce: 'another-nonce-entirely' }));
    await expectRefused(await browser.callback(callbackPath, flowCookie), 'sso_failed');
  });

  it('refuses when the PKCE verifier does not match the challenge (the provider refuses the code)', async () => {
    const { callbackPath, flowCookie } = await browser.startAndSignIn('sso.pm', password('sso.pm'));
    await tamperFlow(flowCookie, (data) => ({ ...data, codeVerifier: 'x'.repeat(43) }));
    await expectRefused(await browser.callback(callbackPath, flowCookie), 'sso_failed');
  });

  it('refuses a replayed authorization code, both at Markdesk (used flow) and at the provider (used code)', async () => {
    const { callbackPath, flowCookie } = await browser.startAndSignIn('sso.pm', password('sso.pm'));
    const original = await flowData(flowCookie);
    const first = await browser.callback(callbackPath, flowCookie);
    expect(await sessionOf(first.cookie)).toEqual({ username: 'sso.pm', role: 'viewer' });
    await expectRefused(await browser.callback(callbackPath, flowCookie), 'sso_failed');
    // A fresh flow made to expect the old state, nonce and verifier: only the provider stands in the way now.
    const fresh = await browser.start();
    await tamperFlow(fresh, () => original);
    await expectRefused(await browser.callback(callbackPath, fresh), 'sso_failed');
    expect(bff.logs.some((line) => line.includes('"reason":"provider_invalid_grant"'))).toBe(true);
  });
});

const flowHash = (flowCookie: string) => createHash('sha256').update(flowCookie.slice(flowCookie.indexOf('=') + 1), 'utf8').digest('hex');

async function flowData(flowCookie: string): Promise<Record<string, string>> {
  const row = await bff.store.read.selectFrom('auth_flows').select('data_json').where('id_hash', '=', flowHash(flowCookie)).executeTakeFirstOrThrow();
  return JSON.parse(row.data_json) as Record<string, string>;
}

/** Rewrites the data of a flow in progress (as a broken or hostile state would). */
async function tamperFlow(flowCookie: string, change: (data: Record<string, string>) => Record<string, string>) {
  const data = change(await flowData(flowCookie));
  await bff.store.write((tx) => tx.updateTable('auth_flows').set({ data_json: JSON.stringify(data) }).where('id_hash', '=', flowHash(flowCookie)).execute());
}

describe('roles changed at the provider', () => {
  it('takes a downgrade at the next sign-in', async () => {
    expect(await sessionOf((await signInThroughProvider('sso.admin')).cookie)).toEqual({ username: 'sso.admin', role: 'admin' });
    setGroups('sso.admin', ['md-pm']);
    expect(await sessionOf((await signInThroughProvider('sso.admin')).cookie)).toEqual({ username: 'sso.admin', role: 'viewer' });
  });

  it('re-checks open sessions with the refresh token: a downgrade applies, a removed role ends the session with its reason', async () => {
    const { cookie } = await signInThroughProvider('sso.admin');
    expect(await sessionOf(cookie)).toEqual({ username: 'sso.admin', role: 'admin' });
    setGroups('sso.admin', ['md-support']);
    bff.clock.advance(4 * 60_000); // not due yet: the role stands
    expect(await sessionOf(cookie)).toEqual({ username: 'sso.admin', role: 'admin' });
    bff.clock.advance(2 * 60_000); // 6 minutes since sign-in: asked again
    expect(await sessionOf(cookie)).toEqual({ username: 'sso.admin', role: 'editor' });
    setGroups('sso.admin', ['everyone']);
    bff.clock.advance(6 * 60_000);
    const ended = await bff.inject({ method: 'GET', url: '/api/session', headers: { cookie: cookie! } });
    expect(ended.statusCode).toBe(401);
    expect(ended.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', details: { reason: 'role_removed' } } });
  });
});

describe('step-up through the provider', () => {
  it('asks an SSO session older than 10 minutes to re-authenticate at the provider (max_age), then lets the admin action through', async () => {
    const { cookie } = await signInThroughProvider('sso.admin');
    const save = () =>
      bff.inject({ method: 'PUT', url: '/api/mark-labels', headers: { ...bff.writeHeaders, cookie: cookie!, 'if-match': '*' }, payload: { labels: { '40': { name: 'Escalated' } } } });
    expect((await save()).statusCode).toBe(200);
    bff.clock.advance(11 * 60_000);
    const refused = await save();
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'STEP_UP_REQUIRED', details: { method: 'sso' } } });
    // The provider's session is still there, yet prompt=login makes it ask for the password again.
    const { callbackPath, flowCookie } = await browser.startAndSignIn('sso.admin', password('sso.admin'), { purpose: 'step-up', cookie: cookie!, returnTo: '/settings', keepProviderSession: true });
    const back = await browser.callback(callbackPath, flowCookie);
    expect(back.location).toBe('/settings');
    expect((await save()).statusCode).toBe(200);
  });
});
