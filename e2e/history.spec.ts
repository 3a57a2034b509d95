// History you can search and recover from: find a request by the ticket number in its reason,
// undo the whole request at once, follow the links between an entry and its undo, and a save
// with the server unreachable says so instead of asking for a request ID it does not have.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { printedPassword, signIn, snap } from './support/staff';

type Conversation = { type: 'c2c' | 'group'; id: string };
type ConversationRow = { conversation: Conversation; bits: number[]; customMark: string };

const CSRF = { 'x-requested-by': 'markdesk' };
const USER = 'olivia.brown';
// A bit no other spec touches, so this one's targets stay predictable.
const BIT = 34;

async function conversationsOf(request: APIRequestContext): Promise<ConversationRow[]> {
  const response = await request.get(`/api/chat-users/${USER}/conversations`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { conversations: ConversationRow[] }).conversations;
}

async function seriousAxeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

test('search a ticket number, undo the request, follow the links between an entry and its undo', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  const targets = (await conversationsOf(page.request)).filter((row) => row.conversation.type === 'c2c' && !row.bits.includes(BIT)).slice(0, 3);
  expect(targets).toHaveLength(3);
  const ticket = `ZX-${Date.now().toString(36).toUpperCase()}`;
  const saved = await page.request.post(`/api/chat-users/${USER}/marks`, {
    headers: CSRF,
    data: { items: targets.map((row) => ({ conversation: row.conversation, setBits: [BIT] })), reason: `Ticket ${ticket}: flag for review` },
  });
  expect(saved.ok()).toBe(true);

  await page.goto('/history');
  await page.getByRole('button', { name: 'Table' }).click();
  const search = page.getByRole('textbox', { name: 'Search reasons' });
  await search.fill(ticket.toLowerCase());
  await search.press('Enter');
  await expect(page).toHaveURL(new RegExp(`reason=${ticket.toLowerCase()}`));
  const table = page.getByRole('table', { name: 'History entries' });
  await expect(table.getByRole('link', { name: /^Request .* · 3 entries$/ })).toBeVisible();
  await snap(page, '40-history-search-table');
  expect(await seriousAxeViolations(page)).toEqual([]);

  await table.getByRole('button', { name: 'Undo request' }).click();
  const dialog = page.getByRole('dialog', { name: 'Undo every change of this request?' });
  await expect(dialog.getByRole('textbox', { name: 'Reason for the undo' })).toHaveValue(`Undo: Ticket ${ticket}: flag for review`);
  await dialog.getByRole('button', { name: 'Undo all' }).click();
  await expect(dialog.getByText('3 changes undone.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  const after = await conversationsOf(page.request);
  for (const target of targets) {
    const row = after.find((candidate) => candidate.conversation.id === target.conversation.id)!;
    expect(row.bits).toEqual(target.bits);
  }

  // The original entries now link to their undo, and the undo links back.
  const undoneBy = table.getByRole('link', { name: /^Undone by entry / }).first();
  await expect(undoneBy).toBeVisible();
  await undoneBy.click();
  await expect(page).toHaveURL(/\/history\?entryId=/);
  const undoRow = page.getByRole('table', { name: 'History entries' });
  // The search's rows (its three undos among them) stay in view until the one entry has loaded.
  const undoes = undoRow.getByRole('link', { name: /^Undoes entry / });
  await expect(undoes).toHaveCount(1);
  await expect(undoRow).toContainText(`Undo: Ticket ${ticket}`);
  await undoes.click();
  // The original entry alone: it links to its undo and undoes nothing itself.
  const original = page.getByRole('table', { name: 'History entries' });
  await expect(original.getByRole('link', { name: /^Undone by entry / })).toHaveCount(1);
  await expect(original.getByRole('link', { name: /^Undoes entry / })).toHaveCount(0);
  await expect(original).toContainText(`Ticket ${ticket}: flag for review`);
});

test('a save that cannot reach the server says so, with no request ID to quote', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  const [target] = (await conversationsOf(page.request)).filter((row) => row.conversation.type === 'c2c');
  await page.goto(`/marks?user=${USER}`);
  await page.getByRole('checkbox', { name: `Select ${target!.conversation.id}` }).check();
  await page.getByRole('checkbox', { name: 'Unread (bit 1)' }).click();
  await page.route('**/api/chat-users/*/marks', (route) => route.abort('connectionrefused'));
  await page.getByRole('button', { name: 'Save marks' }).click();
  await expect(page.getByText(/could not be reached/).first()).toBeVisible();
  await expect(page.getByText(/^Request ID:/)).toHaveCount(0);
});
