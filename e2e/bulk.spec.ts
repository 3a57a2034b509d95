import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { addStaffWithCli, printedPassword, signIn, snap } from './support/staff';
import { shortId } from '../src/shared/short-id';

type Row = { conversation: { type: string; id: string }; bits: number[]; customMark: string; inRecentList: boolean };

const HEADER = 'chat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark,clear_custom_mark';
// heavy.user's customers: each has one conversation, with heavy.user, that no other spec touches.
const CUSTOMERS = ['customer.1201', 'customer.1202', 'customer.1203', 'customer.1204', 'customer.1205'];
const PEER = 'heavy.user';

async function conversationsOf(request: APIRequestContext, userId: string): Promise<Row[]> {
  const response = await request.get(`/api/chat-users/${encodeURIComponent(userId)}/conversations`);
  expect(response.ok(), `conversations of ${userId}`).toBe(true);
  return ((await response.json()) as { conversations: Row[] }).conversations;
}

/** A screenshot once MUI's colour transitions are over, from the top (the app bar stays in place). */
async function look(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.waitForTimeout(400);
  await snap(page, name);
}

/** For screenshots: the control answered (its buttons are enabled again). */
async function settled(page: Page, button: string): Promise<void> {
  await expect(page.getByRole('button', { name: button, exact: true })).toBeEnabled();
}

async function seriousAxeViolations(page: Page) {
  // The pointer rests where the last click was; MUI's hover tint under primary text is 4.38:1, a
  // theme-wide matter of the moment of hovering, not of this page's resting state.
  await page.mouse.move(0, 0);
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)} ${n.failureSummary ?? ''}`).join(', ')}`);
}

test('a CSV job: checked against Chat with its bad line named, started, followed to 100 %, results downloaded, marks written upstream, rolled back', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, 'support', printedPassword('support'));

  // The targets exist and start without the bits this job sets.
  const before = new Map<string, Row>();
  for (const customer of CUSTOMERS) {
    const account = await page.request.get(`/api/chat-users/${customer}`);
    expect(await account.json()).toEqual({ userId: customer, imported: true });
    const row = (await conversationsOf(page.request, customer)).find((c) => c.conversation.type === 'c2c' && c.conversation.id === PEER);
    expect(row, `${customer} talks with ${PEER}`).toBeDefined();
    before.set(customer, row!);
  }

  // Names on one line, indexes on the others; line 4 has a conversation type that does not exist.
  const lines = [
    HEADER,
    `${CUSTOMERS[0]},c2c,${PEER},favourite 33,hidden,,`,
    `${CUSTOMERS[1]},c2c,${PEER},0 33,3,"벌크, 테스트",`,
    `${CUSTOMERS[2]},dm,${PEER},0,,,`,
    `${CUSTOMERS[2]},c2c,${PEER},0 33,3,,`,
    `${CUSTOMERS[3]},c2c,${PEER},0 33,hidden,,`,
    `${CUSTOMERS[4]},c2c,${PEER},favourite 33,3,,true`,
  ];
  await page.getByRole('link', { name: 'Bulk' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Bulk marking' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start' })).toBeDisabled();
  await look(page, 'bulk-01-empty');
  expect(await seriousAxeViolations(page)).toEqual([]);

  await page.getByLabel('CSV file').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`) });
  await expect(page.getByText(/^customers\.csv · \d+ bytes$/)).toBeVisible();
  await page.getByRole('button', { name: 'Check file' }).click();

  await expect(page.getByText('Rows: 6 · valid: 5 · invalid: 1')).toBeVisible();
  const badLines = page.getByRole('list', { name: 'Lines that will be skipped (1)' });
  await expect(badLines.getByRole('listitem')).toHaveCount(1);
  await expect(badLines).toContainText('Line 4');
  await expect(badLines).toContainText('"dm" is not a conversation type');
  const preview = page.getByRole('table', { name: 'First rows that will be sent' });
  await expect(preview.getByRole('row')).toHaveCount(6);
  await expect(preview.getByRole('row').nth(2)).toContainText('‘벌크, 테스트’');
  await expect(page.getByRole('button', { name: 'Start' })).toBeEnabled();
  // The check read Chat: every customer is imported, and the counts come with their CSVs.
  const impact = page.getByRole('region', { name: 'What the valid rows would do now' });
  await expect(impact).toContainText('Chat user not imported, the row will fail: 0');
  await expect(impact).toContainText('Would take their Chat user past 1,000 marked conversations: 0');
  await expect(page.getByRole('region', { name: 'Refused lines by reason' })).toContainText('1 × conversation_type: "dm" is not a conversation type');
  const [refusedCsv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download refused lines (CSV)' }).click()]);
  const refused = parse(readFileSync(await refusedCsv.path()), { bom: true, columns: true }) as Record<string, string>[];
  expect(refused.map((row) => [row.chat_user, row.conversation_type, row.line])).toEqual([[CUSTOMERS[2], 'dm', '4']]);
  await look(page, 'bulk-02-checked');
  expect(await seriousAxeViolations(page)).toEqual([]);
  const jobId = new URL(page.url()).searchParams.get('job');
  expect(jobId).toBeTruthy();

  // Nothing is written before Start.
  for (const customer of CUSTOMERS) {
    const row = (await conversationsOf(page.request, customer)).find((c) => c.conversation.id === PEER);
    expect(row?.bits).toEqual(before.get(customer)!.bits);
  }

  // One line was refused: Start asks first, naming what is skipped and what is sent.
  await page.getByRole('button', { name: 'Start' }).click();
  const confirmStart = page.getByRole('dialog', { name: 'Start with 1 refused line?' });
  await expect(confirmStart).toContainText('sends the other 5 rows');
  await confirmStart.getByRole('button', { name: 'Start 5 rows' }).click();
  const progress = page.getByRole('progressbar', { name: 'Job progress' });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });
  await expect(page.getByText('5 of 5 rows (100%)')).toBeVisible();
  await expect(page.getByTestId('job-count-applied')).toHaveText('5');
  await look(page, 'bulk-03-done');
  expect(await seriousAxeViolations(page)).toEqual([]);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download results' }).click()]);
  expect(download.suggestedFilename()).toBe(`markdesk-job-${jobId}-results.csv`);
  const results = parse(readFileSync(await download.path()), { bom: true, columns: true }) as Record<string, string>[];
  expect(results.map((row) => [row.chat_user, row.conversation_type, row.status])).toEqual([
    [CUSTOMERS[0], 'c2c', 'applied'],
    [CUSTOMERS[1], 'c2c', 'applied'],
    [CUSTOMERS[2], 'dm', 'invalid'],
    [CUSTOMERS[2], 'c2c', 'applied'],
    [CUSTOMERS[3], 'c2c', 'applied'],
    [CUSTOMERS[4], 'c2c', 'applied'],
  ]);
  expect(results[2]?.message).toContain('"dm" is not a conversation type');
  expect(results[1]?.custom_mark).toBe('벌크, 테스트');

  // Upstream: bits 0 and 33 set, 3 cleared, every other bit as it was; custom marks as asked.
  for (const [index, customer] of CUSTOMERS.entries()) {
    const old = before.get(customer)!;
    const row = (await conversationsOf(page.request, customer)).find((c) => c.conversation.type === 'c2c' && c.conversation.id === PEER)!;
    const expected = [...new Set([...old.bits.filter((bit) => bit !== 3), 0, 33])].sort((a, b) => a - b);
    expect(row.bits, customer).toEqual(expected);
    const customMark = index === 1 ? '벌크, 테스트' : index === 4 ? '' : old.customMark;
    expect(row.customMark, customer).toBe(customMark);
  }

  // The job is listed, done, with its counts.
  const recent = page.getByRole('table', { name: 'Recent jobs' });
  const listed = recent.getByRole('row').filter({ hasText: shortId(jobId!) });
  await expect(listed).toContainText('Done');
  await expect(listed).toContainText('5 applied · 0 unchanged · 0 conflicts · 0 failed');
  await expect(listed).toContainText('support');

  // Roll back: after confirming, a new job writes the inverse and every conversation is as before.
  await page.getByRole('button', { name: 'Roll back job' }).click();
  const confirmRollback = page.getByRole('dialog', { name: `Roll back job ${shortId(jobId!)}?` });
  await confirmRollback.getByRole('button', { name: 'Roll back 5 changes' }).click();
  await expect(page.getByTestId('job-origin')).toHaveText(`Rollback of job ${shortId(jobId!)}`);
  await expect(page.getByRole('progressbar', { name: 'Job progress' })).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });
  await expect(page.getByTestId('job-count-applied')).toHaveText('5');
  await look(page, 'bulk-03b-rolled-back');
  // Recent jobs says which job was rolled back, and by which.
  const rolledBack = recent.getByRole('row').filter({ hasText: 'Rolled back by job' });
  await expect(rolledBack).toHaveCount(1);
  await expect(rolledBack).toContainText(shortId(jobId!));
  for (const customer of CUSTOMERS) {
    const old = before.get(customer)!;
    const row = (await conversationsOf(page.request, customer)).find((c) => c.conversation.type === 'c2c' && c.conversation.id === PEER)!;
    expect({ bits: row.bits, customMark: row.customMark }, customer).toEqual({ bits: old.bits, customMark: old.customMark });
  }
});

test('"Bulk edit all N matching" on Marks builds the file, the Bulk page checks it, and the job writes every matching conversation', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, 'support', printedPassword('support'));
  const user = 'liam.smith';
  const all = await conversationsOf(page.request, user);
  const before = all.filter((row) => row.conversation.type === 'c2c');
  expect(before.length).toBeGreaterThan(1);

  await page.goto(`/marks?user=${user}&type=c2c`);
  await page.getByRole('checkbox', { name: `Select ${before[0]!.conversation.id}` }).check();
  await page.getByRole('button', { name: 'Show all custom bits' }).click();
  await page.getByRole('checkbox', { name: 'Custom bit 40 (bit 40)' }).check();
  await look(page, 'bulk-04-marks-bulk-edit-button');
  await page.getByRole('button', { name: `Bulk edit all ${before.length} matching` }).click();

  await expect(page).toHaveURL(/\/bulk\?job=/);
  await expect(page.getByText(`Rows: ${before.length} · valid: ${before.length} · invalid: 0`)).toBeVisible();
  await expect(page.getByText(`markdesk-${user}-${before.length}.csv`, { exact: false })).toBeVisible();
  await look(page, 'bulk-05-from-marks');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('progressbar', { name: 'Job progress' })).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });

  const after = await conversationsOf(page.request, user);
  for (const old of before) {
    const row = after.find((c) => c.conversation.type === 'c2c' && c.conversation.id === old.conversation.id)!;
    expect(row.bits, old.conversation.id).toEqual([...new Set([...old.bits, 40])].sort((a, b) => a - b));
  }
  // Group conversations did not match the filter and were left alone.
  expect(after.filter((row) => row.conversation.type === 'group')).toEqual(all.filter((row) => row.conversation.type === 'group'));
});

test('a long job can be paused, resumed and cancelled (after confirming); its partial results say which rows were never sent', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, 'support', printedPassword('support'));
  // 1,000 customers, one call each at the rate ceiling: several seconds of running.
  const customers = Array.from({ length: 1000 }, (_, index) => `customer.${String(index + 101).padStart(4, '0')}`);
  const csv = [HEADER, ...customers.map((customer) => `${customer},c2c,${PEER},34,,,`)].join('\n');
  await page.goto('/bulk');
  await page.getByLabel('CSV file').setInputFiles({ name: 'thousand.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Check file' }).click();
  // The check reads each of the 1,000 users' marks from Chat at the rate limit: seconds.
  await expect(page.getByText('Rows: 1,000 · valid: 1,000 · invalid: 0')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Start' }).click();

  const progress = page.getByRole('progressbar', { name: 'Job progress' });
  await expect(page.getByTestId('job-rate')).toContainText(/calls per second · (about .+ left|working out the time left…)/, { timeout: 30_000 });
  await expect(page.getByRole('link', { name: 'Download partial results' })).toBeVisible();
  await settled(page, 'Pause');
  await look(page, 'bulk-06-running');

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByText('Paused', { exact: true }).first()).toBeVisible();
  const pausedAt = Number(await progress.getAttribute('aria-valuenow'));
  expect(pausedAt).toBeLessThan(100);
  await settled(page, 'Resume');
  await look(page, 'bulk-07-paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();

  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel this job?' });
  await expect(dialog).toContainText('Rows already written stay as they are.');
  await look(page, 'bulk-08-cancel-confirm');
  expect(await seriousAxeViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Cancel job' }).click();
  await expect(page.getByText('Cancelled', { exact: true }).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('link', { name: 'Download results' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Resume' })).toHaveCount(0);
  await look(page, 'bulk-09-cancelled');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download results' }).click()]);
  const results = parse(readFileSync(await download.path()), { bom: true, columns: true }) as Record<string, string>[];
  expect(results).toHaveLength(1000);
  const statuses = new Set(results.map((row) => row.status));
  expect(statuses.has('cancelled')).toBe(true);
  expect([...statuses].every((status) => status === 'applied' || status === 'cancelled')).toBe(true);
  // What the results call applied is in Chat, what they call cancelled is not.
  for (const row of [results.find((r) => r.status === 'applied'), results.find((r) => r.status === 'cancelled')]) {
    if (!row) continue;
    const conversation = (await conversationsOf(page.request, row.chat_user!)).find((c) => c.conversation.id === PEER)!;
    expect(conversation.bits.includes(34), `${row.chat_user} ${row.status}`).toBe(row.status === 'applied');
  }
});

test('a viewer follows jobs without upload or controls', async ({ page }) => {
  addStaffWithCli('bulk.viewer', 'viewer', 'bulk-viewer-password-2026');
  await signIn(page, 'bulk.viewer', 'bulk-viewer-password-2026');
  await page.goto('/bulk');
  await expect(page.getByText(/You have the viewer role/)).toBeVisible();
  await expect(page.getByLabel('CSV file')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Check file' })).toHaveCount(0);
  const recent = page.getByRole('table', { name: 'Recent jobs' });
  await recent.getByRole('button', { name: /^Open job / }).first().click();
  await expect(page.getByRole('progressbar', { name: 'Job progress' })).toBeVisible();
  for (const name of ['Start', 'Pause', 'Resume', 'Cancel']) await expect(page.getByRole('button', { name, exact: true })).toHaveCount(0);
  await look(page, 'bulk-10-viewer');
  expect(await seriousAxeViolations(page)).toEqual([]);
});
