import { expect, type Cookie, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import type { StaffCredentials } from './markdesk-process';

export function printedPassword(username: string): string {
  const staff = JSON.parse(process.env.MARKDESK_E2E_STAFF ?? '{}') as StaffCredentials;
  const account = staff[username];
  if (!account) throw new Error(`The first start printed no password for "${username}"`);
  return account.password;
}

/** `npm run staff -- add …` against the running server's data dir, as an operator would. */
export function addStaffWithCli(username: string, role: 'viewer' | 'editor' | 'admin', password: string): void {
  const result = spawnSync('npm', ['run', '--silent', 'staff', '--', 'add', username, '--role', role, '--password-stdin'], {
    input: `${password}\n`,
    env: { ...process.env, MARKDESK_DATA_DIR: process.env.MARKDESK_E2E_DATA_DIR },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`staff CLI failed (${result.status}): ${result.stderr}`);
}

/**
 * Session cookies per username, reused across tests: the server allows 10 sign-in attempts a
 * minute from one address (as it should), and the whole suite signs in from 127.0.0.1.
 */
const signedIn = new Map<string, Cookie[]>();

/** Signs in through the form, or reuses this person's live session unless `viaForm` is set. */
export async function signIn(page: Page, username: string, password: string, options: { viaForm?: boolean } = {}): Promise<void> {
  const cookies = signedIn.get(username);
  if (cookies && !options.viaForm) {
    await page.context().addCookies(cookies);
    if ((await page.request.get('/api/session')).ok()) {
      await page.goto('/');
      await expect(page.getByLabel('Chat user ID')).toBeVisible();
      return;
    }
    await page.context().clearCookies();
  }
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByLabel('Chat user ID')).toBeVisible();
  signedIn.set(username, await page.context().cookies());
}

/** Saves a screenshot under test-results/screenshots for people to look at. */
export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}
