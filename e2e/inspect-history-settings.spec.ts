import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { printedPassword, signIn, snap } from './support/staff';

type Conversation = { type: 'c2c' | 'group'; id: string };
type ConversationRow = { conversation: Conversation; bits: number[]; customMark: string; pinned: boolean; inRecentList: boolean; lastMessageAt: string | null };

const CSRF = { 'x-requested-by': 'markdesk' };
const key = (conversation: Conversation) => `${conversation.type}:${conversation.id}`;

async function conversationsOf(request: APIRequestContext, userId: string): Promise<ConversationRow[]> {
  const response = await request.get(`/api/chat-users/${encodeURIComponent(userId)}/conversations`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { conversations: ConversationRow[] }).conversations;
}

async function mark(request: APIRequestContext, userId: string, item: Record<string, unknown>, reason: string) {
  const response = await request.post(`/api/chat-users/${encodeURIComponent(userId)}/marks`, { headers: CSRF, data: { items: [item], reason } });
  expect(response.ok()).toBe(true);
  const [result] = ((await response.json()) as { results: { status: string }[] }).results;
  expect(result?.status).toBe('applied');
}

async function loadChatUser(page: Page, userId: string): Promise<void> {
  const field = page.getByLabel('Chat user ID');
  await field.fill(userId);
  await field.press('Enter');
}

async function seriousAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

const app = (page: Page) => page.getByRole('region', { name: 'As the app shows it' });
const raw = (page: Page) => page.getByRole('region', { name: 'All conversations' });
const appRow = (page: Page, conversation: Conversation) => app(page).locator(`[role="listitem"][data-conversation="${key(conversation)}"]`);
const historyEntry = (page: Page, conversation: Conversation, chatUser: string): Locator =>
  page.getByRole('article', { name: `${conversation.type === 'group' ? 'Group' : 'One-to-one'} ${conversation.id} of ${chatUser}` });

test('Inspect shows olivia.brown’s list as the app would: hidden gone, collapsed folded, unread dots, pinned first', async ({ page }) => {
  await signIn(page, 'pm', printedPassword('pm'));
  await page.getByRole('link', { name: 'Inspect', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Inspect' })).toBeVisible();
  await loadChatUser(page, 'olivia.brown');
  await expect(raw(page)).toBeVisible();
  const conversations = await conversationsOf(page.request, 'olivia.brown');
  const has = (row: ConversationRow, bit: number) => row.bits.includes(bit);
  const listed = conversations.filter((row) => row.inRecentList);
  const hidden = listed.filter((row) => has(row, 3));
  const folded = listed.filter((row) => has(row, 2) && !has(row, 3));
  const shown = listed.filter((row) => !has(row, 2) && !has(row, 3));
  // The showcase user carries every standard bit: each case is really exercised.
  expect(hidden.length).toBeGreaterThan(0);
  expect(folded.length).toBeGreaterThan(0);
  expect(shown.some((row) => has(row, 1))).toBe(true);

  // Every conversation is in the raw list with its bits.
  await expect(raw(page).getByRole('row')).toHaveCount(conversations.length + 1);
  for (const row of conversations) await expect(raw(page).locator(`[data-conversation="${key(row.conversation)}"]`)).toHaveCount(1);

  for (const row of hidden) await expect(appRow(page, row.conversation)).toHaveCount(0);
  for (const row of conversations.filter((candidate) => !candidate.inRecentList)) await expect(appRow(page, row.conversation)).toHaveCount(0);
  for (const row of shown) {
    await expect(appRow(page, row.conversation)).toHaveCount(1);
    await expect(appRow(page, row.conversation).getByRole('img', { name: 'Marked unread' })).toHaveCount(has(row, 1) ? 1 : 0);
    await expect(appRow(page, row.conversation).getByRole('img', { name: 'Favourite' })).toHaveCount(has(row, 0) ? 1 : 0);
  }
  for (const row of folded) await expect(appRow(page, row.conversation)).toHaveCount(0);
  const pinnedShown = shown.filter((row) => row.pinned).map((row) => key(row.conversation));
  const order = await app(page).locator('[role="listitem"]').evaluateAll((items) => items.map((item) => item.getAttribute('data-conversation') ?? 'folded'));
  expect(order.slice(0, pinnedShown.length).sort()).toEqual([...pinnedShown].sort());
  expect(order).toHaveLength(shown.length + 1);

  const folder = app(page).getByRole('button', { name: `Folded conversations (${folded.length})` });
  await expect(folder).toHaveText(`Folded conversations (${folded.length})`);
  await folder.click();
  await expect(folder).toHaveAttribute('aria-expanded', 'true');
  for (const row of folded) await expect(appRow(page, row.conversation)).toHaveCount(1);

  const counts = page.getByRole('region', { name: 'Conversations per bit' });
  for (const bit of [0, 1, 2, 3]) {
    const expected = conversations.filter((row) => has(row, bit)).length;
    await expect(counts.locator(`[data-bit="${bit}"]`)).toContainText(String(expected));
  }
  await snap(page, '21-inspect-olivia');
  expect(await seriousAxeViolations(page)).toEqual([]);
});

test('Inspect copes with heavy.user’s 1,500 conversations', async ({ page }) => {
  await signIn(page, 'pm', printedPassword('pm'));
  await page.goto('/inspect?user=heavy.user');
  const conversations = await conversationsOf(page.request, 'heavy.user');
  const folded = conversations.filter((row) => row.inRecentList && row.bits.includes(2) && !row.bits.includes(3)).length;
  await expect(raw(page).getByRole('table')).toHaveAttribute('aria-rowcount', String(conversations.length + 1));
  expect(await raw(page).getByRole('row').count()).toBeLessThan(60);
  if (folded > 0) await expect(app(page).getByRole('button', { name: `Folded conversations (${folded})` })).toBeVisible();
  await snap(page, '22-inspect-heavy-user');
});

test('what-if changes the app view but nothing upstream', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  await page.goto('/inspect?user=olivia.brown');
  await expect(raw(page)).toBeVisible();
  const before = await conversationsOf(page.request, 'olivia.brown');
  const target = before.find((row) => row.inRecentList && row.bits.includes(3))!;
  await expect(appRow(page, target.conversation)).toHaveCount(0);

  await page.getByRole('switch', { name: 'What-if mode' }).check();
  await expect(page.getByText('Preview only — not saved')).toBeVisible();
  await page.getByRole('checkbox', { name: `Choose ${target.conversation.id} for what-if` }).check();
  await page.getByRole('checkbox', { name: 'Hidden (bit 3)' }).uncheck();
  await page.getByRole('checkbox', { name: 'Collapsed (bit 2)' }).uncheck();
  await expect(appRow(page, target.conversation)).toHaveCount(1);
  await expect(app(page).getByText('What-if preview, not saved')).toBeVisible();
  await snap(page, '23-inspect-what-if');
  expect(await seriousAxeViolations(page)).toEqual([]);

  expect(await conversationsOf(page.request, 'olivia.brown')).toEqual(before);

  // "Open in editor" carries the choice and the toggles to Marks, still unsaved.
  await page.getByRole('button', { name: 'Open in editor' }).click();
  await expect(page).toHaveURL(/\/marks\?user=olivia\.brown$/);
  // The list is virtualised (the row may be out of view): the editor names what is selected.
  await expect(page.getByText(`Editing ${target.conversation.id}`)).toBeVisible();
  await expect(page.getByText(/· 1 selected$/)).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Hidden (bit 3)' })).not.toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'Collapsed (bit 2)' })).not.toBeChecked();
  await expect(page.getByTestId('mark-preview')).toContainText('Clear: ');
  await snap(page, '24-marks-from-what-if');
  expect(await conversationsOf(page.request, 'olivia.brown')).toEqual(before);

  await page.getByRole('link', { name: 'History of this conversation' }).click();
  await expect(page).toHaveURL(`/history?chatUser=olivia.brown&conversationType=${target.conversation.type}&conversationId=${encodeURIComponent(target.conversation.id)}&match=exact`);
  await expect(page.getByRole('textbox', { name: 'Conversation', exact: true })).toHaveValue(target.conversation.id);
});

test('a viewer’s what-if offers the link and a bulk-job file, never the editor', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, 'pm', printedPassword('pm'));
  await page.goto('/inspect?user=olivia.brown');
  await expect(raw(page)).toBeVisible();
  const before = await conversationsOf(page.request, 'olivia.brown');
  const hidden = before.filter((row) => row.bits.includes(3));
  expect(hidden.length).toBeGreaterThan(0);

  await page.getByRole('switch', { name: 'What-if mode' }).check();
  for (const row of hidden) await page.getByRole('checkbox', { name: `Choose ${row.conversation.id} for what-if` }).check();
  await page.getByRole('checkbox', { name: 'Hidden (bit 3)' }).uncheck();
  await expect(page.getByTestId('what-if-change')).toHaveText('Clear: Hidden');
  await expect(page.getByRole('button', { name: 'Open in editor' })).toHaveCount(0);

  const downloadStarted = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download as bulk CSV' }).click();
  const download = await downloadStarted;
  expect(download.suggestedFilename()).toBe('markdesk-what-if-olivia.brown.csv');
  const lines = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(lines[0]).toBe('chat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark,clear_custom_mark');
  expect(lines.slice(1).sort()).toEqual(hidden.map((row) => `olivia.brown,${row.conversation.type},${row.conversation.id},,3,,`).sort());

  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Link to this what-if copied.')).toBeVisible();
  const link = await page.evaluate<string>('navigator.clipboard.readText()');
  expect(link).toBe(page.url());
  await page.goto('/');
  await page.goto(link);
  await expect(page.getByTestId('what-if-change')).toHaveText('Clear: Hidden');
  await snap(page, '26-inspect-what-if-viewer');
  expect(await seriousAxeViolations(page)).toEqual([]);
  expect(await conversationsOf(page.request, 'olivia.brown')).toEqual(before);
});

test('a change made on Marks shows in History, and Undo restores the upstream state', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  const before = await conversationsOf(page.request, 'noah.williams');
  const target = before.find((row) => row.conversation.type === 'c2c' && !row.bits.includes(0) && !row.bits.includes(33))!;
  await loadChatUser(page, 'noah.williams');
  await page.getByRole('checkbox', { name: `Select ${target.conversation.id}` }).check();
  await page.getByRole('checkbox', { name: 'Favourite (bit 0)' }).check();
  await page.getByRole('button', { name: 'Show all custom bits' }).click();
  await page.getByRole('checkbox', { name: 'Custom bit 33 (bit 33)' }).check();
  await page.getByLabel('Reason').fill('e2e ticket 9001');
  await page.getByRole('button', { name: 'Save marks' }).click();
  await expect(page.getByText('Applied').first()).toBeVisible();
  const changed = (await conversationsOf(page.request, 'noah.williams')).find((row) => key(row.conversation) === key(target.conversation))!;
  expect(changed.bits).toEqual(expect.arrayContaining([0, 33]));

  await page.getByRole('link', { name: 'History', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
  const chatUserFilter = page.getByRole('textbox', { name: 'Chat user', exact: true });
  await chatUserFilter.fill('noah.williams');
  await chatUserFilter.press('Enter');
  await expect(page).toHaveURL(/\/history\?chatUser=noah\.williams$/);
  const entry = historyEntry(page, target.conversation, 'noah.williams').first();
  await expect(entry).toContainText('e2e ticket 9001');
  await expect(entry).toContainText('by support');
  await expect(entry.getByTitle('Favourite (bit 0), set by this change')).toBeVisible();
  await expect(entry.getByTitle('Custom bit 33 (bit 33), set by this change')).toBeVisible();
  await snap(page, '25-history-entry');
  expect(await seriousAxeViolations(page)).toEqual([]);

  await entry.getByRole('button', { name: 'Undo' }).click();
  const dialog = page.getByRole('dialog', { name: 'Undo this change?' });
  await expect(dialog).toContainText('Clear: Favourite, Custom bit 33 (bit 33)');
  await snap(page, '26-history-undo-dialog');
  await dialog.getByRole('button', { name: 'Undo change' }).click();
  await expect(page.getByText(`The change to ${target.conversation.id} was undone.`)).toBeVisible();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(/^Undone by entry /)).toBeVisible();
  const restored = (await conversationsOf(page.request, 'noah.williams')).find((row) => key(row.conversation) === key(target.conversation))!;
  expect(restored.bits).toEqual(target.bits);
  expect(restored.customMark).toBe(target.customMark);
  await snap(page, '27-history-undone');
});

test('Undo after someone else changed the conversation explains the conflict and shows its state now', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  const before = await conversationsOf(page.request, 'ethan.taylor');
  const target = before.find((row) => row.conversation.type === 'c2c' && !row.bits.includes(0) && !row.bits.includes(1))!;
  await mark(page.request, 'ethan.taylor', { conversation: target.conversation, setBits: [0] }, 'e2e first change');
  // "Someone else": a later change to the same conversation.
  await mark(page.request, 'ethan.taylor', { conversation: target.conversation, setBits: [1] }, 'e2e later change');

  const params = new URLSearchParams({ chatUser: 'ethan.taylor', conversationType: target.conversation.type, conversationId: target.conversation.id });
  await page.goto(`/history?${params.toString()}`);
  const first = historyEntry(page, target.conversation, 'ethan.taylor').filter({ hasText: 'e2e first change' });
  await first.getByRole('button', { name: 'Undo' }).click();
  const dialog = page.getByRole('dialog', { name: 'Undo this change?' });
  await dialog.getByRole('button', { name: 'Undo change' }).click();
  const alert = dialog.getByRole('alert');
  await expect(alert).toContainText('The conversation has changed since');
  await expect(alert).toContainText('Nothing was written.');
  await expect(alert.getByText('Favourite', { exact: true })).toBeVisible();
  await expect(alert.getByText('Unread', { exact: true })).toBeVisible();
  await snap(page, '28-history-undo-conflict');
  expect(await seriousAxeViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Close' }).click();

  const after = (await conversationsOf(page.request, 'ethan.taylor')).find((row) => key(row.conversation) === key(target.conversation))!;
  expect(after.bits).toEqual([...new Set([...target.bits, 0, 1])].sort((a, b) => a - b));
});

test('Export CSV downloads the filtered rows', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  const before = await conversationsOf(page.request, 'charlotte.anderson');
  const target = before.find((row) => row.conversation.type === 'c2c' && !row.bits.includes(0))!;
  await mark(page.request, 'charlotte.anderson', { conversation: target.conversation, setBits: [0] }, 'e2e csv one');
  await mark(page.request, 'charlotte.anderson', { conversation: target.conversation, clearBits: [0] }, 'e2e csv two');

  await page.goto('/history?chatUser=charlotte.anderson&status=applied');
  await expect(page.getByRole('article')).not.toHaveCount(0);
  const shown = await page.getByRole('article').count();
  const downloadStarted = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const download = await downloadStarted;
  expect(download.suggestedFilename()).toMatch(/^markdesk-audit-.*\.csv$/);
  const text = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
  const [header, ...rows] = text.trim().split(/\r?\n/);
  const columns = header!.split(',');
  expect(columns).toEqual(expect.arrayContaining(['chat_user', 'conversation_id', 'status']));
  expect(rows).toHaveLength(shown);
  for (const row of rows) {
    const cells = row.split(',');
    expect(cells[columns.indexOf('chat_user')]).toBe('charlotte.anderson');
    expect(cells[columns.indexOf('status')]).toBe('applied');
  }
  expect(rows.filter((row) => row.includes('e2e csv'))).toHaveLength(2);
});

test('an admin names bit 32; the editor and History use the name; a generated password works once shown', async ({ page }) => {
  await signIn(page, 'admin', printedPassword('admin'));
  const original = (await (await page.request.get('/api/mark-labels')).json()) as { labels: Record<string, { name: string; description: string }> };
  try {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    const name = page.getByRole('textbox', { name: 'Name of bit 32' });
    await name.fill('E2E VIP');
    await page.getByRole('textbox', { name: 'Description of bit 32' }).fill('Set by the end-to-end test');
    await page.getByRole('button', { name: 'Save names' }).click();
    await expect(page.getByText('Names saved. They show everywhere from now on.')).toBeVisible();
    await snap(page, '29-settings-labels');
    expect(await seriousAxeViolations(page)).toEqual([]);

    const conversations = await conversationsOf(page.request, 'charlotte.anderson');
    const target = conversations.find((row) => row.conversation.type === 'c2c' && !row.bits.includes(32))!;
    await page.getByRole('link', { name: 'Marks', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Marks' })).toBeVisible();
    await loadChatUser(page, 'charlotte.anderson');
    await page.getByRole('checkbox', { name: `Select ${target.conversation.id}` }).check();
    await page.getByRole('checkbox', { name: 'E2E VIP (bit 32)' }).check();
    await page.getByRole('button', { name: 'Save marks' }).click();
    await expect(page.getByText('Applied').first()).toBeVisible();

    await page.goto(`/history?chatUser=charlotte.anderson&conversationId=${encodeURIComponent(target.conversation.id)}`);
    await expect(historyEntry(page, target.conversation, 'charlotte.anderson').first().getByTitle('E2E VIP (bit 32), set by this change')).toHaveText('E2E VIP (bit 32)');
    await snap(page, '30-history-labelled');

    // Staff: a new account with a generated password, shown once, that signs in.
    await page.goto('/settings?tab=staff');
    await page.getByRole('textbox', { name: 'Username' }).fill('e2e.generated');
    await page.getByRole('button', { name: 'Create account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Password of e2e.generated' });
    const password = (await dialog.getByTestId('generated-password').textContent())!;
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    await snap(page, '31-settings-password-once');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByText(password)).toHaveCount(0);
    await expect(page.getByRole('cell', { name: 'e2e.generated', exact: true })).toBeVisible();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('tab', { name: 'Active sessions' }).click();
    await expect(page.getByText('this browser')).toBeVisible();
    await snap(page, '32-settings-sessions');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('tab', { name: 'Audit log check' }).click();
    await expect(page.getByText('The audit log is intact')).toBeVisible();
    await snap(page, '33-settings-audit');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, 'e2e.generated', password);
    await expect(page.getByTestId('signed-in-as')).toHaveText('Signed in as e2e.generated (editor)');
  } finally {
    const admin = await page.request.post('/api/session', { headers: CSRF, data: { username: 'admin', password: printedPassword('admin') } });
    expect(admin.ok()).toBe(true);
    // A save names the version it replaces: the one read just now.
    const current = await page.request.get('/api/mark-labels');
    const restored = await page.request.put('/api/mark-labels', { headers: { ...CSRF, 'If-Match': current.headers()['etag']! }, data: { labels: original.labels } });
    expect(restored.ok()).toBe(true);
  }
});

test('a viewer has no Settings link and gets 403 from its endpoints', async ({ page }) => {
  await signIn(page, 'pm', printedPassword('pm'));
  await expect(page.getByRole('link', { name: 'Marks' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await page.goto('/settings');
  await expect(page.getByRole('heading', { name: 'Administrators only' })).toBeVisible();
  for (const path of ['/api/staff', '/api/sessions', '/api/audit/verify']) expect((await page.request.get(path)).status(), path).toBe(403);
  expect((await page.request.put('/api/mark-labels', { headers: CSRF, data: { labels: {} } })).status()).toBe(403);
  expect((await page.request.post('/api/staff', { headers: CSRF, data: { username: 'sneaky', role: 'admin', password: 'a long sneaky password' } })).status()).toBe(403);
  await page.goto('/history');
  await expect(page.getByRole('article').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Undo' })).toHaveCount(0);
  await snap(page, '34-history-viewer');
  expect(await seriousAxeViolations(page)).toEqual([]);
});
