import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { addStaffWithCli, printedPassword, signIn, snap } from './support/staff';

type ConversationsBody = { conversations: { conversation: { type: string; id: string }; bits: number[]; customMark: string }[] };

async function conversationsOf(page: Page, userId: string): Promise<ConversationsBody['conversations']> {
  const response = await page.request.get(`/api/chat-users/${encodeURIComponent(userId)}/conversations`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as ConversationsBody).conversations;
}

async function loadChatUser(page: Page, userId: string): Promise<void> {
  const field = page.getByLabel('Chat user ID');
  await field.fill(userId);
  await field.press('Enter');
  await expect(page.getByRole('checkbox', { name: /^Select / }).first()).toBeVisible();
}

async function seriousAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test('the printed password signs in, and one conversation gets exactly the bits that were ticked', async ({ page }) => {
  await page.goto('/');
  await snap(page, '01-sign-in');
  expect(await seriousAxeViolations(page)).toEqual([]);
  await signIn(page, 'support', printedPassword('support'), { viaForm: true });
  await expect(page.getByText('Sandbox')).toBeVisible();

  await loadChatUser(page, 'olivia.brown');
  const before = await conversationsOf(page, 'olivia.brown');
  const target = before.find((c) => c.conversation.type === 'c2c' && !c.bits.includes(0) && !c.bits.includes(33))!;
  await page.getByRole('checkbox', { name: `Select ${target.conversation.id}` }).check();
  await page.getByRole('checkbox', { name: 'Favourite (bit 0)' }).check();
  // Unnamed custom bits are folded away unless set: unfold them to tick one.
  await page.getByRole('button', { name: 'Show all custom bits' }).click();
  await page.getByRole('checkbox', { name: 'Custom bit 33 (bit 33)' }).check();
  await page.getByLabel('Reason').fill('ticket 4711');
  await snap(page, '02-one-conversation-edited');
  await page.getByRole('button', { name: 'Save marks' }).click();
  await expect(page.getByText('Applied').first()).toBeVisible();
  await snap(page, '03-saved');

  const after = await conversationsOf(page, 'olivia.brown');
  for (const conversation of after) {
    const old = before.find((c) => c.conversation.id === conversation.conversation.id && c.conversation.type === conversation.conversation.type);
    const expected = conversation.conversation.id === target.conversation.id ? [...new Set([...target.bits, 0, 33])].sort((a, b) => a - b) : old?.bits;
    expect(conversation.bits, conversation.conversation.id).toEqual(expected);
  }
  expect(await seriousAxeViolations(page)).toEqual([]);
});

test('a multi-selection shows mixed bits as indeterminate and sends only the touched bits', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  await loadChatUser(page, 'minji.kim');
  const before = await conversationsOf(page, 'minji.kim');
  const withFavourite = before.find((c) => c.bits.includes(0))!;
  const withoutFavourite = before.find((c) => !c.bits.includes(0) && !c.bits.includes(32))!;
  await page.getByRole('checkbox', { name: `Select ${withFavourite.conversation.id}` }).check();
  await page.getByRole('checkbox', { name: `Select ${withoutFavourite.conversation.id}` }).check();

  const favourite = page.getByRole('checkbox', { name: 'Favourite (bit 0)' });
  expect(await favourite.evaluate((el) => (el as unknown as { indeterminate: boolean }).indeterminate)).toBe(true);
  // Bit 32 may have no name here (then it is folded away while unset): show every custom bit.
  await page.getByRole('button', { name: 'Show all custom bits' }).click();
  await page.getByRole('checkbox', { name: /\(bit 32\)$/ }).check();
  await page.getByLabel('Custom mark').fill('escalated');
  await snap(page, '04-mixed-selection');
  await page.getByRole('button', { name: 'Save marks' }).click();
  await expect(page.getByText('Applied').first()).toBeVisible();

  const after = await conversationsOf(page, 'minji.kim');
  const find = (id: string) => after.find((c) => c.conversation.id === id)!;
  // Bit 0 was never touched: each conversation keeps its own value.
  expect(find(withFavourite.conversation.id).bits).toContain(0);
  expect(find(withoutFavourite.conversation.id).bits).not.toContain(0);
  for (const id of [withFavourite.conversation.id, withoutFavourite.conversation.id]) {
    expect(find(id).bits).toContain(32);
    expect(find(id).customMark).toBe('escalated');
  }
});

test('a custom mark over 256 bytes blocks saving, and the counter counts bytes', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  await loadChatUser(page, 'wei.zhang');
  await page.getByRole('checkbox', { name: /^Select / }).first().check();
  const field = page.getByLabel('Custom mark');
  await field.fill('한국어');
  await expect(page.getByText('9 / 256 bytes')).toBeVisible();
  await field.fill('가'.repeat(86));
  await expect(page.getByText('258 / 256 bytes')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save marks' })).toBeDisabled();
  await snap(page, '05-custom-mark-too-long');
});

test('a viewer sees marks read-only', async ({ page }) => {
  await signIn(page, 'pm', printedPassword('pm'));
  await loadChatUser(page, 'olivia.brown');
  await page.getByRole('checkbox', { name: /^Select / }).first().check();
  await expect(page.getByRole('checkbox', { name: 'Favourite (bit 0)' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Save marks' })).toHaveCount(0);
  await snap(page, '06-viewer');
});

test('an account made with the staff CLI signs in and out; Korean labels render', async ({ page }) => {
  addStaffWithCli('e2e.editor', 'editor', 'a long e2e passphrase');
  await signIn(page, 'e2e.editor', 'a long e2e passphrase');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('ko');
  await expect(page.getByRole('link', { name: '마크' })).toBeVisible();
  await snap(page, '07-korean');
  await page.getByRole('combobox', { name: '언어' }).selectOption('en');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Username')).toBeVisible();
  const session = await page.request.get('/api/session');
  expect(session.status()).toBe(401);
});

test('keyboard only: load a user, pick a conversation, tick a bit and save', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  const field = page.getByLabel('Chat user ID');
  await field.focus();
  await page.keyboard.type('jack.martin');
  await page.keyboard.press('Enter');
  const firstRow = page.getByRole('checkbox', { name: /^Select / }).first();
  await expect(firstRow).toBeVisible();
  await firstRow.focus();
  await page.keyboard.press('Space');
  await expect(firstRow).toBeChecked();
  const bit = page.getByRole('checkbox', { name: 'Hidden (bit 3)' });
  await bit.focus();
  await expect(bit).toBeFocused();
  const wasChecked = await bit.isChecked();
  await page.keyboard.press('Space');
  await expect(bit).toBeChecked({ checked: !wasChecked });
  const save = page.getByRole('button', { name: 'Save marks' });
  await save.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByText('Applied').first()).toBeVisible();
  await snap(page, '08-keyboard-save');
});

test('the conversation list by keyboard and by conversation group, on heavy.user’s 1,500 rows', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  await loadChatUser(page, 'heavy.user');
  const table = page.getByRole('table', { name: 'Conversations of heavy.user' });
  const total = Number(await table.getAttribute('aria-rowcount')) - 1;
  const focusedRow = () => page.evaluate<string | null>("document.activeElement?.closest('[role=row]')?.getAttribute('aria-rowindex') ?? null");

  const first = page.getByRole('checkbox', { name: /^Select / }).first();
  await first.focus();
  await page.keyboard.press('Space');
  await expect(first).toBeChecked();
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  await expect(page.getByText(/· 3 selected$/)).toBeVisible();
  expect(await focusedRow()).toBe('4');
  // End scrolls the virtual list to the last row and puts the focus on its checkbox.
  await page.keyboard.press('End');
  await expect.poll(focusedRow).toBe(String(total + 1));
  await page.keyboard.press('ArrowUp');
  await expect.poll(focusedRow).toBe(String(total));
  await page.keyboard.press('Home');
  await expect.poll(focusedRow).toBe('2');

  const conversations = await conversationsOf(page, 'heavy.user');
  const inVip = conversations.filter((row) => ((row as { groupNames?: string[] }).groupNames ?? []).includes('VIP')).length;
  expect(inVip).toBeGreaterThan(0);
  await page.getByRole('combobox', { name: 'Conversation group' }).selectOption({ label: 'VIP' });
  await expect(page).toHaveURL(/[?&]group=\d+/);
  await expect(table).toHaveAttribute('aria-rowcount', String(inVip + 1));
  await snap(page, '09-marks-group-filter');
  expect(await seriousAxeViolations(page)).toEqual([]);
});
