// Single sign-on, two-step verification and step-up in Chromium, end to end: a Markdesk started for
// this spec (as `npm start` runs it) and the dev identity provider (a real OpenID Connect provider)
// started in this process, so a test can change someone's groups at the provider while it runs.
import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { startDevIdp, type RunningDevIdp } from '../src/dev-idp/provider';
import { startMarkdesk, type RunningMarkdesk } from './support/markdesk-process';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

const SCREENSHOTS = '/tmp/sso';
/** Sign-ins cross two servers on a busy machine: generous, never a fixed wait. */
const SLOW = { timeout: 30_000 };

/** A port nobody listens on now, so Markdesk's origin (and the provider's idea of it) is known before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

type Rehearsal = { idp: RunningDevIdp; app: RunningMarkdesk; url: string };

/** The dev provider, then Markdesk pointed at it on a port chosen first. */
async function startRehearsal(env: Record<string, string>): Promise<Rehearsal> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const idp = await startDevIdp({ markdeskOrigin: url });
  try {
    const app = await startMarkdesk({ ...idp.env(), MARKDESK_PORT: String(port), MARKDESK_PUBLIC_ORIGIN: url, ...env });
    return { idp, app, url };
  } catch (error) {
    await idp.close();
    throw error;
  }
}

async function stopRehearsal(rehearsal: Rehearsal | undefined): Promise<void> {
  if (!rehearsal) return;
  await rehearsal.app.stop();
  await rehearsal.idp.close();
}

function password(idp: RunningDevIdp, username: string): string {
  const account = idp.accounts.get(username);
  if (!account) throw new Error(`The dev provider has no ${username}`);
  return account.password;
}

/** At the provider's own page: its form, its button. */
async function signInAtProvider(page: Page, idp: RunningDevIdp, username: string): Promise<void> {
  await expect(page).toHaveTitle('Dev identity provider — sign in', SLOW);
  expect(new URL(page.url()).origin).toBe(idp.issuer);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password(idp, username));
  await page.getByRole('button', { name: 'Continue' }).click();
}

async function signInWithSso(page: Page, rehearsal: Rehearsal, username: string, options: { screenshot?: string } = {}): Promise<void> {
  await page.goto(`${rehearsal.url}/sign-in`);
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  await expect(page.getByLabel('Username')).toBeVisible(SLOW);
  if (options.screenshot) await page.screenshot({ path: `${SCREENSHOTS}/${options.screenshot}.png`, fullPage: true });
  await signInAtProvider(page, rehearsal.idp, username);
}

async function expectSignedInAs(page: Page, username: string, role: string): Promise<void> {
  await expect(page.getByTestId('signed-in-as')).toHaveText(`Signed in as ${username} (${role})`, SLOW);
  await expect(page.getByLabel('Chat user ID')).toBeVisible(SLOW);
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Markdesk' })).toBeVisible(SLOW);
}

async function signInWithPassword(page: Page, url: string, username: string, secret: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(secret);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * An authenticator app: RFC 6238 codes from the key the enrolment page shows. The server accepts
 * each time step once (and one step of drift), so a code is always for a step after the last one
 * used; when that step is not within reach yet, this waits for the clock to get there.
 */
class Authenticator {
  #lastStep = -1;
  readonly #totp: TOTP;
  constructor(secret: string) {
    this.#totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  }
  async nextCode(): Promise<string> {
    const currentStep = () => Math.floor(Date.now() / 30_000);
    await expect.poll(currentStep, { timeout: 45_000, intervals: [500] }).toBeGreaterThanOrEqual(this.#lastStep);
    const step = Math.max(currentStep(), this.#lastStep + 1);
    this.#lastStep = step;
    return this.#totp.generate({ timestamp: step * 30_000 });
  }
}

/** MARKDESK_REQUIRE_MFA=1: the sign-in goes on to the QR code, the key and a first code, then the recovery codes. */
async function enrolAtSignIn(page: Page): Promise<{ authenticator: Authenticator; recoveryCodes: string[] }> {
  await expect(page.getByRole('heading', { name: 'Set up two-step verification' })).toBeVisible(SLOW);
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const keyLine = await page.getByText(/^Or type this key: /).textContent();
  const secret = /^Or type this key: ([A-Z2-7]+)$/.exec(keyLine ?? '')?.[1];
  expect(secret, 'the key is readable on the page').toBeTruthy();
  const authenticator = new Authenticator(secret!);
  await page.getByLabel('Authentication code').fill(await authenticator.nextCode());
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('heading', { name: 'Your recovery codes' })).toBeVisible(SLOW);
  const recoveryCodes = await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allTextContents();
  expect(recoveryCodes).toHaveLength(10);
  for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  expect(new Set(recoveryCodes).size).toBe(10);
  // Saved as a text file, as shown: a title line naming the account, then the codes one a line.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download codes' }).click()]);
  const saved = readFileSync(await download.path(), 'utf8').trim().split('\n');
  expect(download.suggestedFilename()).toMatch(/^markdesk-recovery-codes-.+\.txt$/);
  expect(saved[0]).toMatch(/^Markdesk recovery codes for .+\. Each code works once\.$/);
  expect(saved.slice(2)).toEqual(recoveryCodes);
  await page.getByRole('button', { name: 'I have saved them — continue' }).click();
  return { authenticator, recoveryCodes };
}

/**
 * Ten minutes and more pass for this person's sessions: their last authentication is moved back in
 * the data dir's database while the server runs (the server reads sessions from it at every request;
 * it has no clock to wind forward).
 */
function makeLastAuthenticationOld(dataDir: string, username: string): void {
  const db = new Database(join(dataDir, 'markdesk.sqlite'));
  try {
    db.pragma('busy_timeout = 10000');
    const changed = db.prepare('UPDATE sessions SET auth_at = ? WHERE username = ?').run(new Date(Date.now() - 11 * 60_000).toISOString(), username);
    expect(changed.changes).toBeGreaterThan(0);
  } finally {
    db.close();
  }
}

/** Settings → Staff, then an admin action (a new account); answers the dialog the page then shows. */
async function createStaffAccount(page: Page, url: string, username: string): Promise<void> {
  await page.goto(`${url}/settings?tab=staff`);
  await expect(page.getByRole('heading', { name: 'Staff accounts' })).toBeVisible(SLOW);
  const form = page.getByRole('form', { name: 'New staff account' });
  await form.getByLabel('Username').fill(username);
  await form.getByRole('button', { name: 'Create account' }).click();
}

async function expectAccountCreated(page: Page, username: string): Promise<void> {
  await expect(page.getByRole('dialog', { name: `Password of ${username}` })).toBeVisible(SLOW);
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.locator(`tr[data-username="${username}"]`)).toBeVisible(SLOW);
}

test.describe('single sign-on and two-step verification', () => {
  let rehearsal: Rehearsal | undefined;
  const running = () => {
    if (!rehearsal) throw new Error('not started');
    return rehearsal;
  };

  test.beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    rehearsal = await startRehearsal({ MARKDESK_REQUIRE_MFA: '1' });
  });
  test.afterAll(async () => {
    await stopRehearsal(rehearsal);
  });

  test('Sign in with SSO goes to the provider and back, with the role its groups map to', async ({ page, browser }) => {
    const r = running();
    await signInWithSso(page, r, 'sso.pm', { screenshot: 'provider-sign-in' });
    await expect(page).toHaveURL(`${r.url}/marks`, SLOW);
    await expectSignedInAs(page, 'sso.pm', 'viewer');
    await signOut(page);

    // Another person: the provider still knows this browser, so it asks again only after a sign-out there;
    // a fresh browser context stands for another person's browser.
    const other = await browser.newContext({ locale: 'en-US' });
    try {
      const adminPage = await other.newPage();
      await signInWithSso(adminPage, r, 'sso.admin');
      await expectSignedInAs(adminPage, 'sso.admin', 'admin');
    } finally {
      await other.close();
    }
  });

  test('a person whose groups map to no role is told so and gets no session', async ({ page }) => {
    const r = running();
    await signInWithSso(page, r, 'sso.nobody');
    await expect(page.getByRole('alert')).toHaveText(
      'Your account has no Markdesk role. Ask your administrator to add you to one of the Markdesk groups at your identity provider.',
      SLOW,
    );
    expect(new URL(page.url()).origin).toBe(r.url);
    await page.screenshot({ path: `${SCREENSHOTS}/no-role.png`, fullPage: true });
    expect((await page.request.get(`${r.url}/api/session`)).status()).toBe(401);
    await page.goto(`${r.url}/marks`);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Markdesk' })).toBeVisible(SLOW);
  });

  test('a role lowered at the provider applies at the next sign-in', async ({ page }) => {
    const r = running();
    const account = r.idp.accounts.get('sso.support')!;
    await signInWithSso(page, r, 'sso.support');
    await expectSignedInAs(page, 'sso.support', 'editor');

    account.groups = ['md-pm', 'everyone'];
    await signOut(page);
    // The provider still has this browser's session: it sends it straight back, with the new groups.
    await page.getByRole('link', { name: 'Sign in with SSO' }).click();
    await expectSignedInAs(page, 'sso.support', 'viewer');
  });

  test('a local account enrols TOTP at sign-in, then signs in with a code or a recovery code, each recovery code once', async ({ page }) => {
    const r = running();
    const pm = r.app.staff.pm;
    expect(pm, 'the first start printed the pm password').toBeTruthy();

    await signInWithPassword(page, r.url, 'pm', pm!.password);
    const { authenticator, recoveryCodes } = await enrolAtSignIn(page);
    await expectSignedInAs(page, 'pm', 'viewer');
    await signOut(page);

    await signInWithPassword(page, r.url, 'pm', pm!.password);
    await expect(page.getByRole('heading', { name: 'Two-step verification' })).toBeVisible(SLOW);
    await page.getByLabel('Authentication code').fill(await authenticator.nextCode());
    await page.getByRole('button', { name: 'Verify' }).click();
    await expectSignedInAs(page, 'pm', 'viewer');
    await signOut(page);

    const recovery = recoveryCodes[3]!;
    await signInWithPassword(page, r.url, 'pm', pm!.password);
    await page.getByLabel('Authentication code').fill(recovery);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expectSignedInAs(page, 'pm', 'viewer');
    await signOut(page);

    await signInWithPassword(page, r.url, 'pm', pm!.password);
    await page.getByLabel('Authentication code').fill(recovery);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByRole('alert')).toHaveText('That code is not right, or it was used already.', SLOW);
    expect((await page.request.get(`${r.url}/api/session`)).status()).toBe(401);
  });

  test('lost recovery codes: new ones from Account after a step-up; the earlier ones stop working', async ({ page }) => {
    const r = running();
    const support = r.app.staff.support!;
    await signInWithPassword(page, r.url, 'support', support.password);
    const { authenticator, recoveryCodes: earlier } = await enrolAtSignIn(page);
    await expectSignedInAs(page, 'support', 'editor');

    makeLastAuthenticationOld(r.app.dataDir, 'support');
    await page.goto(`${r.url}/account`);
    await page.getByRole('button', { name: 'New recovery codes' }).click();
    await page.getByRole('dialog', { name: 'Make new recovery codes?' }).getByRole('button', { name: 'Make new codes' }).click();
    const stepUp = page.getByRole('dialog', { name: 'Confirm it is you' });
    await expect(stepUp).toBeVisible(SLOW);
    await stepUp.getByLabel('Password').fill(support.password);
    await stepUp.getByLabel('Authentication code').fill(await authenticator.nextCode());
    await stepUp.getByRole('button', { name: 'Confirm' }).click();
    const list = page.getByRole('list', { name: 'Recovery codes' });
    await expect(list.getByRole('listitem')).toHaveCount(10, SLOW);
    const fresh = await list.getByRole('listitem').allTextContents();
    expect(fresh.filter((code) => earlier.includes(code))).toEqual([]);
    await page.getByRole('button', { name: 'I have saved them — continue' }).click();
    await signOut(page);

    await signInWithPassword(page, r.url, 'support', support.password);
    await page.getByLabel('Authentication code').fill(earlier[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByRole('alert')).toHaveText('That code is not right, or it was used already.', SLOW);
    await page.getByLabel('Authentication code').fill(fresh[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expectSignedInAs(page, 'support', 'editor');
  });

  test('an admin action after ten minutes asks for the password and a code, then goes through', async ({ page }) => {
    const r = running();
    const admin = r.app.staff.admin!;
    await signInWithPassword(page, r.url, 'admin', admin.password);
    const { authenticator } = await enrolAtSignIn(page);
    await expectSignedInAs(page, 'admin', 'admin');

    makeLastAuthenticationOld(r.app.dataDir, 'admin');
    await createStaffAccount(page, r.url, 'step.local');
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await expect(dialog).toBeVisible(SLOW);
    await dialog.getByLabel('Password').fill(admin.password);
    await dialog.getByLabel('Authentication code').fill(await authenticator.nextCode());
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect(dialog).toBeHidden(SLOW);
    await expectAccountCreated(page, 'step.local');
  });

  test('an SSO admin confirms at the provider in a window of its own, and the action goes through', async ({ page, context }) => {
    const r = running();
    await signInWithSso(page, r, 'sso.admin');
    await expectSignedInAs(page, 'sso.admin', 'admin');

    makeLastAuthenticationOld(r.app.dataDir, 'sso.admin');
    await createStaffAccount(page, r.url, 'step.sso');
    const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
    await expect(dialog).toBeVisible(SLOW);
    const popupOpened = context.waitForEvent('page', SLOW);
    await dialog.getByRole('button', { name: 'Continue with your identity provider' }).click();
    const popup = await popupOpened;
    // prompt=login: the provider asks again although it still has this browser's session.
    await signInAtProvider(popup, r.idp, 'sso.admin');
    await popup.waitForEvent('close', SLOW);
    await expect(dialog).toBeHidden(SLOW);
    await expectAccountCreated(page, 'step.sso');
  });
});

test.describe('password sign-in turned off', () => {
  let rehearsal: Rehearsal | undefined;
  let dataDir: string | undefined;
  const localPassword = 'clerk-password-4417';
  const rescuePassword = 'rescue-password-9021';

  /** `npm run staff -- …` against the data dir, as an operator would before the first start. */
  const staffCli = (args: string[], input: string) => {
    const result = spawnSync('npm', ['run', '--silent', 'staff', '--', ...args], {
      input,
      env: { ...process.env, MARKDESK_DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`staff CLI failed (${result.status}): ${result.stderr}`);
  };

  test.beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'markdesk-e2e-sso-'));
    staffCli(['add', 'clerk', '--role', 'editor', '--password-stdin'], `${localPassword}\n`);
    staffCli(['add', 'rescue', '--role', 'admin', '--password-stdin'], `${rescuePassword}\n`);
    staffCli(['break-glass', 'rescue', 'on'], '');
    rehearsal = await startRehearsal({ MARKDESK_LOCAL_LOGIN: 'off', MARKDESK_DATA_DIR: dataDir });
  });
  test.afterAll(async () => {
    await stopRehearsal(rehearsal);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('a local account is refused with the page’s sentence; a break-glass account signs in', async ({ page }) => {
    const r = rehearsal!;
    await page.goto(`${r.url}/sign-in`);
    await expect(page.getByText('Password sign-in is only for emergency (break-glass) accounts here.')).toBeVisible(SLOW);

    await signInWithPassword(page, r.url, 'clerk', localPassword);
    await expect(page.getByRole('alert')).toHaveText('Signing in with a password is turned off here; use single sign-on.', SLOW);
    expect((await page.request.get(`${r.url}/api/session`)).status()).toBe(401);

    await signInWithPassword(page, r.url, 'rescue', rescuePassword);
    await expectSignedInAs(page, 'rescue', 'admin');
  });
});
