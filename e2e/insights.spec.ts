import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { printedPassword, signIn, snap } from './support/staff';
import { shortId } from '../src/shared/short-id';

// Customers 0001–0500 of the sandbox: their own marks (demo/customer-marks.ts), read by surveys only.
const USERS = Array.from({ length: 500 }, (_, index) => `customer.${String(index + 1).padStart(4, '0')}`);
// Ten of them "open" their conversation with the shop between the two surveys: unread cleared.
const OPENERS = USERS.slice(0, 10);
const SHOP = 'heavy.user';

type Results = { usersRead: number; usersWithBit: Record<string, number>; conversationsWithBit: Record<string, number> };

async function seriousAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

async function runSurvey(page: Page, name: string): Promise<string> {
  await page.getByRole('button', { name: 'New survey' }).click();
  const dialog = page.getByRole('dialog', { name: 'New survey' });
  await dialog.getByLabel('Chat user IDs').fill(USERS.join('\n'));
  await expect(dialog.getByText('500 distinct IDs')).toBeVisible();
  await dialog.getByLabel('Name (optional)').fill(name);
  await dialog.getByRole('button', { name: 'Start survey' }).click();
  await expect(page.getByRole('heading', { name: `Survey: ${name}` })).toBeVisible();
  // 500 users at the rate ceiling: a few seconds.
  await expect(page.getByText('500 of 500 users read (100 %)')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('region', { name: 'Users per bit' })).toBeVisible({ timeout: 15_000 });
  return new URL(page.url()).searchParams.get('survey')!;
}

test('a viewer surveys 500 demo users, reads the charts and their tables, downloads CSV and compares two surveys', async ({ page, playwright }) => {
  test.setTimeout(180_000);
  await signIn(page, 'pm', printedPassword('pm'));
  await page.getByRole('link', { name: 'Insights' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Insights' })).toBeVisible();

  const before = await runSurvey(page, 'before the nudge');
  const results = ((await (await page.request.get(`/api/surveys/${before}`)).json()) as { results: Results }).results;
  expect(results.usersRead).toBe(500);
  const favourites = results.usersWithBit['0']!;
  expect(favourites).toBeGreaterThan(0);

  // The chart, then its table: the same numbers as the API's.
  const usersPerBit = page.getByRole('region', { name: 'Users per bit' });
  await expect(usersPerBit.getByRole('figure', { name: 'Users per bit' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Conversations per bit' })).toBeVisible();
  await usersPerBit.getByRole('button', { name: 'Table' }).click();
  const favouriteRow = usersPerBit.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Favourite', exact: true }) });
  await expect(favouriteRow.getByRole('cell').nth(2)).toHaveText(favourites.toLocaleString('en-GB'));
  await expect(usersPerBit.getByText(/bits in use among 500 users read/)).toBeVisible();
  await snap(page, 'insights-01-survey-table');

  // The numbers behind the chart as CSV.
  const [download] = await Promise.all([page.waitForEvent('download'), usersPerBit.getByRole('button', { name: 'Download CSV of Users per bit' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(csv[0]).toBe('Bit,Name,Users,Share (%)');
  expect(csv).toContain(`0,Favourite,${favourites},${Math.round((favourites / 500) * 1000) / 10}`);

  // One line per user in the per-user CSV.
  const [perUser] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download per-user CSV' }).click()]);
  const userLines = readFileSync((await perUser.path())!, 'utf8').trim().split('\r\n');
  expect(userLines).toHaveLength(501);
  expect(userLines[1]).toMatch(/^customer\.0001,read,\d+,/);

  expect(await seriousAxeViolations(page)).toEqual([]);

  // An editor's API session "opens" ten conversations with the shop (unread cleared) between the surveys.
  const editor = await playwright.request.newContext({ baseURL: new URL(page.url()).origin, extraHTTPHeaders: { 'x-requested-by': 'markdesk' } });
  expect((await editor.post('/api/session', { data: { username: 'support', password: printedPassword('support') } })).ok()).toBe(true);
  for (const user of OPENERS) {
    const response = await editor.post(`/api/chat-users/${user}/marks`, { data: { items: [{ conversation: { type: 'c2c', id: SHOP }, setBits: [1] }], reason: 'insights e2e: before' } });
    expect(response.ok()).toBe(true);
  }
  // The "before" survey saw these users before that first write; survey again, then they open it.
  await page.goto(`/insights?survey=${before}`);
  const middle = await runSurvey(page, 'nudged');
  for (const user of OPENERS) {
    const response = await editor.post(`/api/chat-users/${user}/marks`, { data: { items: [{ conversation: { type: 'c2c', id: SHOP }, clearBits: [1] }], reason: 'insights e2e: opened' } });
    expect(response.ok()).toBe(true);
  }
  await editor.dispose();
  await runSurvey(page, 'after the nudge');

  await page.getByLabel('Earlier survey').click();
  await page.getByRole('option', { name: /^nudged · 500$/ }).click();
  const change = page.getByRole('region', { name: 'Change per bit' });
  await change.getByRole('button', { name: 'Table' }).click();
  const unreadRow = change.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Unread', exact: true }) });
  // The table holds the API's numbers; ten conversations lost unread (a user may still have it elsewhere).
  const compared = (await (await page.request.get(`/api/surveys/compare?a=${middle}&b=${new URL(page.url()).searchParams.get('survey')}`)).json()) as {
    bits: { bit: number; usersA: number; usersB: number; gained: number; lost: number }[];
  };
  const unread = compared.bits.find((row) => row.bit === 1)!;
  await expect(unreadRow.getByRole('cell').nth(4)).toHaveText(String(unread.usersB - unread.usersA));
  await expect(unreadRow.getByRole('cell').nth(5)).toHaveText('0');
  await expect(unreadRow.getByRole('cell').nth(6)).toHaveText(String(unread.lost));
  await expect(unreadRow.getByRole('cell').nth(9)).toHaveText('-10');
  expect(new URL(page.url()).searchParams.get('compare')).toBe(middle);

  // The view is in the address: a reload shows the same comparison.
  await page.reload();
  await expect(page.getByRole('region', { name: 'Change per bit' })).toBeVisible({ timeout: 15_000 });
  expect(await seriousAxeViolations(page)).toEqual([]);
  await snap(page, 'insights-02-compare');
});

test('activity over time and a campaign’s effect have their charts and tables', async ({ page, playwright }) => {
  test.setTimeout(120_000);
  // An editor runs a small bulk job (unread and bit 34 on three conversations with the shop); then one is "opened".
  const editor = await playwright.request.newContext({ baseURL: process.env.MARKDESK_E2E_URL, extraHTTPHeaders: { 'x-requested-by': 'markdesk' } });
  expect((await editor.post('/api/session', { data: { username: 'support', password: printedPassword('support') } })).ok()).toBe(true);
  const nudged = ['customer.1301', 'customer.1302', 'customer.1303'];
  const csv = ['chat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark,clear_custom_mark', ...nudged.map((user) => `${user},c2c,${SHOP},unread 34,,,`)].join('\r\n');
  const upload = await editor.post('/api/jobs', { headers: { 'content-type': 'text/csv' }, data: csv });
  expect(upload.status()).toBe(201);
  const { jobId } = (await upload.json()) as { jobId: string };
  expect((await editor.post(`/api/jobs/${jobId}/start`, { data: {} })).ok()).toBe(true);
  await expect.poll(async () => ((await (await editor.get(`/api/jobs/${jobId}`)).json()) as { state: string }).state, { timeout: 30_000 }).toBe('done');
  const opened = await editor.post(`/api/chat-users/${nudged[0]}/marks`, { data: { items: [{ conversation: { type: 'c2c', id: SHOP }, clearBits: [1] }], reason: 'insights e2e: opened' } });
  expect(opened.ok()).toBe(true);
  await editor.dispose();

  await signIn(page, 'pm', printedPassword('pm'));
  await page.goto('/insights?tab=activity');
  const activity = page.getByRole('region', { name: 'Activity over time' });
  await expect(activity).toBeVisible({ timeout: 15_000 });
  await activity.getByRole('button', { name: 'Table' }).click();
  await expect(activity.getByRole('columnheader', { name: 'Day (UTC)' })).toBeVisible();
  expect(await seriousAxeViolations(page)).toEqual([]);

  await page.getByRole('tab', { name: 'Campaign effect' }).click();
  await expect(page).toHaveURL(/tab=effect/);
  await page.getByLabel('Finished bulk job').click();
  await page.getByRole('option', { name: new RegExp(`^Job ${shortId(jobId)}`) }).click();
  await expect(page).toHaveURL(new RegExp(`job=${jobId}`));
  await page.getByRole('button', { name: 'Measure effect now' }).click();
  await expect(page.getByText(/of 3 rows, 2 still carry what the job wrote and 1 changed since/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('Unread cleared (opened): 1.')).toBeVisible();
  const curve = page.getByRole('region', { name: 'Effect over time' });
  await curve.getByRole('button', { name: 'Table' }).click();
  await expect(curve.getByRole('cell', { name: '2', exact: true }).first()).toBeVisible();
  expect(await seriousAxeViolations(page)).toEqual([]);
  await snap(page, 'insights-03-effect');
});

test('Inspect keeps its what-if and its All conversations filter in the address; a PM lists the hidden ones among 1,500', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, 'pm', printedPassword('pm'));
  const conversations = ((await (await page.request.get(`/api/chat-users/${SHOP}/conversations`)).json()) as { conversations: { bits: number[] }[] }).conversations;
  const hidden = conversations.filter((row) => row.bits.includes(3)).length;
  expect(hidden).toBeGreaterThan(0);
  await page.goto(`/inspect?user=${SHOP}`);
  const raw = page.getByRole('region', { name: 'All conversations' });
  await expect(raw.getByText(`${conversations.length.toLocaleString('en-GB')} of ${conversations.length.toLocaleString('en-GB')} shown`)).toBeVisible({ timeout: 30_000 });
  await raw.getByLabel('Bit filter').click();
  await page.getByRole('option', { name: 'Hidden', exact: true }).click();
  await expect(raw.getByText(`${hidden} of ${conversations.length.toLocaleString('en-GB')} shown`)).toBeVisible();
  await expect(page).toHaveURL(/bit=3/);
  await page.getByLabel('What-if mode').check();
  await expect(page).toHaveURL(/whatif=1/);
  // A reload (or a shared link) shows the same view.
  await page.reload();
  await expect(page.getByRole('region', { name: 'All conversations' }).getByText(`${hidden} of ${conversations.length.toLocaleString('en-GB')} shown`)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByLabel('What-if mode')).toBeChecked();
  expect(await seriousAxeViolations(page)).toEqual([]);
});
