// The support agent's minute: one test per problem support staff reported, each named after it,
// and the three everyday tickets done with the mouse and with the keyboard alone, each timed
// (the durations are attached to the test as annotations; nothing asserts on them).
//
// Data: heavy.user's own conversations (1,500, 990 of them marked). Other specs only read them
// (Inspect) or write the customers' side of those conversations, so every conversation picked
// here is fresh; each test picks its own, by a slice of its own, so the tests do not share any.
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { addStaffWithCli, printedPassword, signIn } from './support/staff';

type Conversation = { type: 'c2c' | 'group'; id: string };
type LastChange = { source: 'markdesk'; entryId: string; at: string; staff?: string } | { source: 'elsewhere'; afterEntryId?: string };
type Row = {
  conversation: Conversation;
  bits: number[];
  customMark: string;
  groupIds: number[];
  groupNames?: string[];
  inRecentList: boolean;
  markUpdatedAt: string | null;
  lastChange?: LastChange;
};
type Conversations = { conversations: Row[]; groups: { id: number; name: string }[] };

const CSRF = { 'x-requested-by': 'markdesk' };
const SHOP = 'heavy.user';
/** The custom bit this spec names (and puts the name back afterwards); no other spec uses it. */
const NAMED_BIT = 38;
const NAMED_LABEL = 'Refund follow-up';
const NAMED_CHECKBOX = `${NAMED_LABEL} (bit ${NAMED_BIT})`;
const HIDDEN = 'Hidden (bit 3)';
/** A customer with no conversation with the shop: the "unknown" ID of a paste. */
const UNKNOWN_ID = 'customer.9999';
const README_SHOTS = fileURLToPath(new URL('./readme/', import.meta.url));
const RESULT_SHOTS = fileURLToPath(new URL('../test-results/screenshots/', import.meta.url));

/**
 * A screenshot for the README: written to e2e/readme/ only when MARKDESK_README_SCREENSHOTS=1
 * (so an ordinary test run leaves the tree clean), else under test-results/screenshots/.
 */
async function readmeShot(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate('window.scrollTo(0, 0)');
  const folder = process.env.MARKDESK_README_SCREENSHOTS === '1' ? README_SHOTS : `${RESULT_SHOTS}readme-`;
  await page.screenshot({ path: `${folder}${name}.png` });
}

// One worker runs the tests of a file in order (playwright.config.ts): serial without 'serial' mode, so one failure does not hide the rest.
// A zone away from UTC, so "with the time zone" is visible in what is asserted.
test.use({ timezoneId: 'Asia/Seoul' });

let ticketSerial = 0;
/** A ticket number no other run or test uses. */
function ticketNumber(): string {
  ticketSerial += 1;
  return `TICKET-${Date.now().toString(36).toUpperCase()}${ticketSerial}`;
}

function recordDuration(what: string, startedAt: number): void {
  test.info().annotations.push({ type: 'duration', description: `${what}: ${Date.now() - startedAt} ms` });
}

async function conversationsOf(request: APIRequestContext, userId = SHOP): Promise<Conversations> {
  const response = await request.get(`/api/chat-users/${encodeURIComponent(userId)}/conversations`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as Conversations;
}

async function rowOf(request: APIRequestContext, conversation: Conversation): Promise<Row> {
  const row = (await conversationsOf(request)).conversations.find((candidate) => candidate.conversation.type === conversation.type && candidate.conversation.id === conversation.id);
  expect(row, conversation.id).toBeDefined();
  return row!;
}

async function mark(request: APIRequestContext, items: Record<string, unknown>[], reason: string): Promise<string> {
  const response = await request.post(`/api/chat-users/${SHOP}/marks`, { headers: CSRF, data: { items, reason } });
  expect(response.ok()).toBe(true);
  const { results } = (await response.json()) as { results: { status: string }[] };
  expect(results.map((result) => result.status)).toEqual(items.map(() => 'applied'));
  return response.headers()['x-request-id']!;
}

/**
 * heavy.user's conversations, sorted into the kinds the tests need. Each test takes its own slice,
 * so no two tests touch the same conversation.
 */
async function shopData(request: APIRequestContext) {
  const { conversations, groups } = await conversationsOf(request);
  const c2c = conversations.filter((row) => row.conversation.type === 'c2c' && row.inRecentList);
  const neverByMarkdesk = (row: Row) => row.lastChange?.source === 'elsewhere' && row.lastChange.afterEntryId === undefined;
  return {
    conversations,
    groups,
    /** Hidden in the app by the customer (a mark Timestamp, no Markdesk entry), in no group. */
    hiddenElsewhere: c2c.filter((row) => row.bits.includes(3) && neverByMarkdesk(row) && row.groupIds.length === 0),
    /** Marked, visible, in no group, not carrying the named bit: the ones a ticket flags. */
    plain: c2c.filter((row) => row.bits.length > 0 && !row.bits.some((bit) => bit === 2 || bit === 3 || bit === NAMED_BIT) && row.groupIds.length === 0 && neverByMarkdesk(row)),
  };
}

/**
 * Sends the page to the background and brings it back. Headless Chromium keeps every page
 * visible whatever bringToFront does, so the two visibilitychange events a real tab switch fires
 * are fired here, with document.visibilityState saying what a real switch would.
 */
async function switchAwayAndBack(page: Page): Promise<void> {
  await page.bringToFront();
  await page.evaluate(`
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    delete document.visibilityState;
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  `);
}

/** Presses Tab (or Shift+Tab) until `target` has the focus: a keyboard user's way to a control. */
async function tabTo(page: Page, target: Locator, options: { backwards?: boolean; max?: number } = {}): Promise<void> {
  await expect(target).toBeVisible();
  for (let presses = 0; presses < (options.max ?? 150); presses++) {
    if (await target.evaluate((element) => element === element.ownerDocument.activeElement)) return;
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

async function loadShop(page: Page): Promise<void> {
  const field = page.getByLabel('Chat user ID');
  await field.fill(SHOP);
  await field.press('Enter');
  await expect(page.getByRole('checkbox', { name: /^Select / }).first()).toBeVisible({ timeout: 30_000 });
}

const listRow = (page: Page, id: string) => page.locator('[role="row"]').filter({ has: page.getByRole('checkbox', { name: `Select ${id}`, exact: true }) });
const results = (page: Page) => page.getByRole('region', { name: 'Result of the last save' });

/** Names NAMED_BIT for the whole spec and puts the labels back afterwards. */
let originalLabels: Record<string, unknown> | null = null;

async function adminApi(playwright: { request: { newContext: (options: Record<string, unknown>) => Promise<APIRequestContext> } }): Promise<APIRequestContext> {
  const admin = await playwright.request.newContext({ baseURL: process.env.MARKDESK_E2E_URL, extraHTTPHeaders: CSRF });
  expect((await admin.post('/api/session', { data: { username: 'admin', password: printedPassword('admin') } })).ok()).toBe(true);
  return admin;
}

async function putLabels(admin: APIRequestContext, labels: Record<string, unknown>): Promise<void> {
  const current = await admin.get('/api/mark-labels');
  const response = await admin.put('/api/mark-labels', { headers: { 'If-Match': current.headers()['etag']! }, data: { labels } });
  expect(response.ok(), await response.text()).toBe(true);
}

test.beforeAll(async ({ playwright }) => {
  const admin = await adminApi(playwright);
  originalLabels = ((await (await admin.get('/api/mark-labels')).json()) as { labels: Record<string, unknown> }).labels;
  await putLabels(admin, { ...originalLabels, [String(NAMED_BIT)]: { name: NAMED_LABEL, description: 'The customer is owed a refund; follow up.' } });
  await admin.dispose();
});

test.afterAll(async ({ playwright }) => {
  if (originalLabels === null) return;
  const admin = await adminApi(playwright);
  await putLabels(admin, originalLabels);
  await admin.dispose();
});

/** Signed in, on the Marks page with no Chat user loaded: where each ticket starts. */
async function openMarks(page: Page): Promise<void> {
  await signIn(page, 'support', printedPassword('support'));
  await page.goto('/marks');
  await expect(page.getByLabel('Chat user ID')).toBeVisible();
}

const editorRegion = (page: Page) => page.getByRole('region', { name: 'Mark editor' });

/**
 * Keyboard only: Tab into the editor's bit grid, then arrow keys inside it to the bit named `name`
 * (the grid is one Tab stop; arrows move between its bits).
 */
async function keyboardToBit(page: Page, name: string): Promise<void> {
  const grid = editorRegion(page);
  const target = grid.getByRole('checkbox', { name, exact: true });
  await expect(target).toBeAttached();
  const inGrid = () => grid.evaluate((region) => {
    const active = region.ownerDocument.activeElement;
    return active !== null && region.contains(active) && active.getAttribute('type') === 'checkbox';
  });
  for (let presses = 0; presses < 150 && !(await inGrid()); presses++) await page.keyboard.press('Tab');
  for (let presses = 0; presses < 70; presses++) {
    if (await target.evaluate((element) => element === element.ownerDocument.activeElement)) return;
    await page.keyboard.press('ArrowRight');
  }
  throw new Error(`The arrow keys never reached ${name}`);
}

test('Why did it disappear? A row and the editor say when its marks last changed (with the time zone) and whether through Markdesk; Hidden and Collapsed do not look like Favourite', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  const data = await shopData(page.request);
  const hidden = data.hiddenElsewhere[0]!;
  const ours = data.plain[0]!;
  // One conversation changed through Markdesk, by support, a moment ago.
  await mark(page.request, [{ conversation: ours.conversation, setBits: [NAMED_BIT] }], `${ticketNumber()}: flag`);

  await page.goto(`/marks?user=${SHOP}&q=${encodeURIComponent(hidden.conversation.id)}`);
  const row = listRow(page, hidden.conversation.id);
  const note = row.getByText(/^Marks last changed .+ · outside Markdesk$/);
  await expect(note).toBeVisible({ timeout: 30_000 });
  // The row's note gives the exact time, with the zone, on hover.
  await note.hover();
  await expect(note).toHaveAttribute('title', /GMT\+9 · outside Markdesk$/);
  await row.getByRole('checkbox', { name: `Select ${hidden.conversation.id}` }).check();
  await expect(page.getByText(/^Marks last changed .+ GMT\+9 · outside Markdesk \(in the app or by another server\)$/)).toBeVisible();

  await page.goto(`/marks?user=${SHOP}&q=${encodeURIComponent(ours.conversation.id)}`);
  const ourRow = listRow(page, ours.conversation.id);
  await expect(ourRow.getByText(/^Marks last changed .+ · in Markdesk$/)).toBeVisible({ timeout: 30_000 });
  await ourRow.getByRole('checkbox', { name: `Select ${ours.conversation.id}` }).check();
  await expect(page.getByText(/^Marks last changed .+ GMT\+9 · in Markdesk by support/)).toBeVisible();
  await page.getByRole('link', { name: 'Its changes in History' }).click();
  await expect(page).toHaveURL(new RegExp(`/history\\?chatUser=${SHOP.replace('.', '\\.')}&conversationType=c2c&conversationId=${ours.conversation.id.replace('.', '\\.')}`));
  await expect(page.getByRole('article').first()).toContainText(NAMED_LABEL);

  // Hidden, Collapsed and Favourite each have their own glyph and name on the chips.
  await page.goto(`/marks?user=${SHOP}&bit=3`);
  const hiddenChip = page.locator('.chip[title="Hidden (bit 3)"]').first();
  await expect(hiddenChip).toBeVisible({ timeout: 30_000 });
  await expect(hiddenChip).toHaveText('Hidden');
  await expect(hiddenChip.locator('svg')).toHaveAttribute('data-glyph', 'visibilityOff');
  await page.goto(`/marks?user=${SHOP}&bit=2`);
  const collapsedChip = page.locator('.chip[title="Collapsed (bit 2)"]').first();
  await expect(collapsedChip).toBeVisible({ timeout: 30_000 });
  await expect(collapsedChip).toHaveText('Collapsed');
  await expect(collapsedChip.locator('svg')).toHaveAttribute('data-glyph', 'unfoldLess');
  await page.goto(`/marks?user=${SHOP}&bit=0`);
  const favouriteChip = page.locator('.chip[title="Favourite (bit 0)"]').first();
  await expect(favouriteChip).toBeVisible({ timeout: 30_000 });
  await expect(favouriteChip).toHaveText('Favourite');
  await expect(favouriteChip.locator('svg')).toHaveAttribute('data-glyph', 'star');
  const background = (chip: Locator) => chip.evaluate((element) => element.ownerDocument.defaultView!.getComputedStyle(element).backgroundColor);
  const favouriteBackground = await background(favouriteChip);
  await page.goto(`/marks?user=${SHOP}&bit=3`);
  await expect(hiddenChip).toBeVisible({ timeout: 30_000 });
  expect(await background(hiddenChip)).not.toBe(favouriteBackground);
});

test('The editor is in view: at 1280×720, after picking a row, Save marks is on screen without scrolling the page', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await signIn(page, 'support', printedPassword('support'));
  await page.goto(`/marks?user=${SHOP}`);
  const firstRow = page.getByRole('checkbox', { name: /^Select / }).first();
  await expect(firstRow).toBeVisible({ timeout: 30_000 });
  expect(await page.evaluate('window.scrollY')).toBe(0);
  await firstRow.click();
  const save = editorRegion(page).getByRole('button', { name: 'Save marks' });
  await expect(save).toBeVisible();
  // Nothing scrolled the page, and the button is inside the viewport as the page stands.
  expect(await page.evaluate('window.scrollY')).toBe(0);
  const box = (await save.boundingBox())!;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(720);
  expect(box.x + box.width).toBeLessThanOrEqual(1280);
  // Beside the panel the list's filters wrap rather than squeeze the text filter to nothing.
  expect((await page.getByRole('searchbox', { name: 'Filter conversations' }).boundingBox())!.width).toBeGreaterThanOrEqual(200);
});

test('Select by paste: five pasted IDs are selected and an unknown one is named, with an offer to add it', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  const five = (await shopData(page.request)).plain.slice(20, 25).map((row) => row.conversation.id);
  expect(five).toHaveLength(5);
  await page.goto(`/marks?user=${SHOP}`);
  await expect(page.getByRole('checkbox', { name: /^Select / }).first()).toBeVisible({ timeout: 30_000 });
  // As pasted from a ticket: mixed separators, one with its type, and one that is not the shop's.
  await page.getByRole('textbox', { name: 'Paste conversation IDs' }).fill(`${five[0]}, c2c:${five[1]}\n${five[2]}; ${five[3]}\t${five[4]}\n${UNKNOWN_ID}`);
  await page.getByRole('button', { name: 'Select pasted' }).click();
  await expect(page.getByText(`Selected 5 of 6 pasted. Not in the list: ${UNKNOWN_ID}.`)).toBeVisible();
  await expect(page.getByText(/· 5 selected$/)).toBeVisible();
  await expect(page.getByText('Editing 5 conversations. Bits set on some of them show as mixed.')).toBeVisible();
  await page.getByRole('button', { name: 'Add the 1 missing to the list' }).click();
  await expect(page.getByText(/· 6 selected$/)).toBeVisible();
  await page.getByRole('searchbox', { name: 'Filter conversations' }).fill(UNKNOWN_ID);
  await expect(listRow(page, UNKNOWN_ID).getByText('Added by you')).toBeVisible();
  await expect(page.getByRole('checkbox', { name: `Select ${UNKNOWN_ID}` })).toBeChecked();
});

test('Select by keyboard: arrow keys move between the row checkboxes and Space toggles', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  await page.goto(`/marks?user=${SHOP}`);
  const boxes = page.getByRole('checkbox', { name: /^Select / });
  await expect(boxes.first()).toBeVisible({ timeout: 30_000 });
  const names = await boxes.evaluateAll((elements) => elements.slice(0, 3).map((element) => element.getAttribute('aria-label')));
  const [first, second, third] = names.map((name) => page.getByRole('checkbox', { name: name!, exact: true }));
  await first!.focus();
  await page.keyboard.press('ArrowDown');
  await expect(second!).toBeFocused();
  await page.keyboard.press('Space');
  await expect(second!).toBeChecked();
  await page.keyboard.press('ArrowDown');
  await expect(third!).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(second!).toBeFocused();
  await page.keyboard.press('Space');
  await expect(second!).not.toBeChecked();
  await expect(first!).not.toBeChecked();
  await expect(third!).not.toBeChecked();
});

test('A failed save loses nothing: the inline error quotes the request ID and offers Retry; the ticked bit and the reason stay; Retry applies', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  const target = (await shopData(page.request)).plain[80]!;
  const ticket = ticketNumber();
  await page.goto(`/marks?user=${SHOP}&q=${encodeURIComponent(target.conversation.id)}`);
  await page.getByRole('checkbox', { name: `Select ${target.conversation.id}` }).click({ timeout: 30_000 });
  const editor = editorRegion(page);
  await editor.getByRole('checkbox', { name: NAMED_CHECKBOX }).click();
  await editor.getByLabel('Reason').fill(`${ticket}: refund promised`);
  // The first save meets a server that is unavailable; the next one goes through.
  let failures = 0;
  await page.route(`**/api/chat-users/${SHOP}/marks`, async (route) => {
    if (route.request().method() !== 'POST' || failures > 0) return route.fallback();
    failures += 1;
    await route.fulfill({
      status: 503,
      headers: { 'x-request-id': 'e2e-failed-save' },
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'Markdesk is busy right now.', requestId: 'e2e-failed-save' } }),
    });
  });
  await editor.getByRole('button', { name: 'Save marks' }).click();
  const error = editor.getByRole('alert').filter({ hasText: 'e2e-failed-save' });
  await expect(error).toBeVisible();
  await expect(editor.getByRole('checkbox', { name: NAMED_CHECKBOX })).toBeChecked();
  await expect(editor.getByLabel('Reason')).toHaveValue(`${ticket}: refund promised`);
  expect((await rowOf(page.request, target.conversation)).bits).not.toContain(NAMED_BIT);

  await editor.getByRole('button', { name: 'Retry' }).click();
  await expect(results(page)).toContainText('1 applied');
  expect(failures).toBe(1);
  expect((await rowOf(page.request, target.conversation)).bits).toContain(NAMED_BIT);
});

test('History search: parts of names, words of the reason, one bulk job or one request, a date preset, and the table grouped by request', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  const targets = (await shopData(page.request)).plain.slice(30, 33);
  const ticket = ticketNumber();
  const requestId = await mark(page.request, targets.slice(0, 2).map((row) => ({ conversation: row.conversation, setBits: [NAMED_BIT] })), `Ticket ${ticket}: refund promised 退款`);
  // A one-line bulk job on the third conversation.
  const csv = `chat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark,clear_custom_mark\r\n${SHOP},c2c,${targets[2]!.conversation.id},${NAMED_BIT},,,`;
  const upload = await page.request.post('/api/jobs', { headers: { ...CSRF, 'content-type': 'text/csv' }, data: csv });
  expect(upload.status()).toBe(201);
  const { jobId } = (await upload.json()) as { jobId: string };
  expect((await page.request.post(`/api/jobs/${jobId}/start`, { headers: CSRF, data: {} })).ok()).toBe(true);
  await expect.poll(async () => ((await (await page.request.get(`/api/jobs/${jobId}`)).json()) as { state: string }).state, { timeout: 60_000 }).toBe('done');

  await page.goto('/history');
  await page.getByRole('button', { name: 'Table' }).click();
  const search = page.getByRole('search', { name: 'Filter the history' });
  // Parts of the names, a word of the reason in Chinese, and Today.
  await search.getByRole('textbox', { name: 'Chat user', exact: true }).fill('HEAVY.us');
  await search.getByRole('textbox', { name: 'Staff', exact: true }).fill('supp');
  await search.getByRole('textbox', { name: 'Search reasons' }).fill('退款');
  await search.getByRole('button', { name: 'Apply filters' }).click();
  await search.getByRole('button', { name: 'Today' }).click();
  await expect(search.getByRole('button', { name: 'Today' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveURL(/reason=/);
  const table = page.getByRole('table', { name: 'History entries' });
  await expect(table.getByRole('link', { name: `Request ${requestId} · 2 entries` })).toBeVisible();
  // The search's answer (only this request), not the unfiltered list still shown while it loads.
  await expect(table.getByRole('link', { name: /^Request / })).toHaveCount(1);
  await expect(table.getByRole('button', { name: 'Undo request' })).toBeVisible();
  for (const target of targets.slice(0, 2)) await expect(table).toContainText(target.conversation.id);

  // One request: its heading links to its entries alone.
  await table.getByRole('link', { name: `Request ${requestId} · 2 entries` }).click();
  await expect(page).toHaveURL(new RegExp(`requestId=${requestId}`));
  await expect(search.getByRole('textbox', { name: 'Request ID' })).toHaveValue(requestId);
  await expect(page.getByRole('table', { name: 'History entries' }).getByRole('link', { name: /^Request / })).toHaveCount(1);
  await expect(page.getByRole('table', { name: 'History entries' }).getByRole('row').filter({ hasText: ticket })).toHaveCount(2);

  // One bulk job.
  // (Opened by its address, as the job's own link does: typing into the form right after Clear filters
  // raced the form taking its fields from the cleared address on a busy machine.)
  await page.goto(`/history?jobId=${jobId}`);
  await expect(search.getByRole('textbox', { name: 'Bulk job ID' })).toHaveValue(jobId);
  await expect(page).toHaveURL(new RegExp(`jobId=${jobId}`));
  const jobTable = page.getByRole('table', { name: 'History entries' });
  await expect(jobTable).not.toContainText(targets[0]!.conversation.id);
  await expect(jobTable).toContainText(targets[2]!.conversation.id);
});

test('Stale screens: a second tab shows a save from the first at once and when brought to front; "+N" lists every mark on focus; an ended session says why at sign-in', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await signIn(page, 'support', printedPassword('support'));
  const [first, second, many] = (await shopData(page.request)).plain.slice(40, 43) as [Row, Row, Row];
  const other = await page.context().newPage();
  for (const tab of [page, other]) {
    await tab.goto(`/marks?user=${SHOP}&q=${encodeURIComponent('customer.')}`);
    await expect(tab.getByRole('checkbox', { name: /^Select / }).first()).toBeVisible({ timeout: 30_000 });
  }
  const filterTo = async (tab: Page, id: string) => {
    await tab.getByRole('searchbox', { name: 'Filter conversations' }).fill(id);
    await expect(listRow(tab, id)).toBeVisible();
  };
  await filterTo(page, first.conversation.id);
  await filterTo(other, first.conversation.id);
  const namedChip = (tab: Page, id: string) => listRow(tab, id).locator(`.chip[title="${NAMED_CHECKBOX}"]`);
  await expect(namedChip(other, first.conversation.id)).toHaveCount(0);

  // A save in the first tab: the second hears of it on the tabs' channel and shows it, no reload.
  const heard = other.evaluate(() => new Promise<unknown>((resolve) => {
    const channel = new BroadcastChannel('markdesk-changes');
    channel.onmessage = (event) => {
      channel.close();
      resolve(event.data);
    };
  }));
  await page.getByRole('checkbox', { name: `Select ${first.conversation.id}` }).check();
  await page.getByRole('checkbox', { name: NAMED_CHECKBOX }).check();
  await page.getByLabel('Reason').fill(`${ticketNumber()}: two tabs`);
  await page.getByRole('button', { name: 'Save marks' }).click();
  await expect(results(page)).toContainText('1 applied');
  expect(await heard).toEqual({ kind: 'changed' });
  // Waited for at most 10 s, under the 15 s poll: the channel's doing, not the poll's.
  await expect(namedChip(other, first.conversation.id)).toBeVisible({ timeout: 10_000 });

  // A change made elsewhere (another browser, no message on the channel): the second tab shows it
  // when brought to front (again well under the poll).
  await filterTo(other, second.conversation.id);
  await mark(page.request, [{ conversation: second.conversation, setBits: [NAMED_BIT] }], `${ticketNumber()}: elsewhere`);
  const refetched = other.waitForRequest((request) => request.url().endsWith(`/api/chat-users/${SHOP}/conversations`));
  await switchAwayAndBack(other);
  await refetched;
  await expect(namedChip(other, second.conversation.id)).toBeVisible({ timeout: 10_000 });
  await other.close();

  // A row with many marks: "+N", whose full list shows on keyboard focus.
  const extra = [0, 1, 32, 33, 35, 36, NAMED_BIT].filter((bit) => !many.bits.includes(bit));
  await mark(page.request, [{ conversation: many.conversation, setBits: extra }], `${ticketNumber()}: many marks`);
  const all = [...new Set([...many.bits, ...extra])].sort((a, b) => a - b);
  await page.goto(`/marks?user=${SHOP}&q=${encodeURIComponent(many.conversation.id)}`);
  const more = listRow(page, many.conversation.id).getByRole('button', { name: new RegExp(`^\\+${all.length - 4}: `) });
  await expect(more).toBeVisible({ timeout: 30_000 });
  const tooltip = more.getByRole('tooltip');
  await expect(tooltip).toBeHidden();
  // By keyboard: the row's checkbox, then Tab to its "+N".
  await page.getByRole('checkbox', { name: `Select ${many.conversation.id}` }).focus();
  await page.keyboard.press('Tab');
  await expect(more).toBeFocused();
  await expect(tooltip).toBeVisible();
  for (const name of ['Favourite (bit 0)', 'Unread (bit 1)', NAMED_CHECKBOX, 'Custom bit 36 (bit 36)']) await expect(tooltip).toContainText(name);

  // An admin ends a support agent's session: that agent's page goes to sign-in and says why.
  const username = `minute.ended${Date.now().toString(36)}`;
  addStaffWithCli(username, 'editor', 'a long passphrase for the ended session');
  const agentContext = await browser.newContext({ timezoneId: 'Asia/Seoul' });
  const adminContext = await browser.newContext({ timezoneId: 'Asia/Seoul' });
  try {
    const agent = await agentContext.newPage();
    await signIn(agent, username, 'a long passphrase for the ended session', { viaForm: true });
    await agent.goto(`/marks?user=${SHOP}&q=${encodeURIComponent(many.conversation.id)}`);
    await expect(listRow(agent, many.conversation.id)).toBeVisible({ timeout: 30_000 });
    const admin = await adminContext.newPage();
    // A fresh sign-in: ending sessions needs one from the last 10 minutes.
    await signIn(admin, 'admin', printedPassword('admin'), { viaForm: true });
    await admin.getByRole('link', { name: 'Settings', exact: true }).click();
    await admin.getByRole('tab', { name: 'Active sessions' }).click();
    await admin.getByRole('button', { name: new RegExp(`^End session of ${username.replace('.', '\\.')} from `) }).click();
    await expect(admin.getByText(`The session of ${username} was ended.`)).toBeVisible();
    // The agent comes back to the tab: its refetch is refused, and the sign-in page says why.
    await switchAwayAndBack(agent);
    await expect(agent.getByText('An administrator ended your session. Sign in again.')).toBeVisible({ timeout: 30_000 });
    await expect(agent.getByLabel('Username')).toBeVisible();
    await expect(agent).toHaveURL(/\/sign-in\?/);
  } finally {
    await agentContext.close();
    await adminContext.close();
  }
});

test('Conversation groups: chips on rows, the group filter, Inspect’s group tabs, a new group from the selection that History shows and undoes', async ({ page }) => {
  await signIn(page, 'support', printedPassword('support'));
  const data = await shopData(page.request);
  const vip = data.groups.find((group) => group.name === 'VIP')!;
  const inVip = data.conversations.find((row) => row.conversation.type === 'c2c' && row.groupIds.includes(vip.id))!;
  await page.goto(`/marks?user=${SHOP}&q=${encodeURIComponent(inVip.conversation.id)}`);
  await expect(listRow(page, inVip.conversation.id).locator('.chip-group[title="In the conversation group VIP"]')).toHaveText('VIP', { timeout: 30_000 });

  // The Marks list filtered to one group.
  await page.goto(`/marks?user=${SHOP}`);
  const vipCount = data.conversations.filter((row) => row.groupIds.includes(vip.id)).length;
  await page.getByRole('combobox', { name: 'Conversation group' }).selectOption({ label: 'VIP' });
  await expect(page.getByText(`Showing ${vipCount} of ${data.conversations.length.toLocaleString('en-US')} conversations`)).toBeVisible();

  await page.goto(`/inspect?user=${SHOP}`);
  const tabs = page.getByRole('tablist', { name: 'Conversation groups' }).first();
  for (const name of ['VIP', 'Escalations', '환불 요청', '待回复', 'Shipping']) await expect(tabs.getByRole('tab', { name: new RegExp(`^${name} \\(`) })).toBeVisible({ timeout: 30_000 });
  await tabs.getByRole('tab', { name: `VIP (${vipCount})` }).click();
  await expect(tabs.getByRole('tab', { name: `VIP (${vipCount})` })).toHaveAttribute('aria-selected', 'true');

  // A new group from two pasted conversations, through "Conversation groups…".
  const two = data.plain.slice(50, 52).map((row) => row.conversation.id);
  const name = `Minute ${Date.now().toString(36)}`;
  await page.goto(`/marks?user=${SHOP}`);
  await page.getByRole('textbox', { name: 'Paste conversation IDs' }).fill(two.join('\n'));
  await page.getByRole('button', { name: 'Select pasted' }).click();
  await expect(page.getByText('Selected 2 of 2 pasted.')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Conversation groups…' }).click();
  const dialog = page.getByRole('dialog', { name: `Conversation groups of ${SHOP}` });
  await dialog.getByRole('textbox', { name: 'Group name' }).fill(name);
  await dialog.getByRole('button', { name: 'Create group with 2 selected' }).click();
  await expect(page.getByText(`Group ${name} created.`)).toBeVisible();
  await expect(dialog.getByText(name, { exact: true })).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('searchbox', { name: 'Filter conversations' }).fill(two[0]!);
  await expect(listRow(page, two[0]!).locator('.chip-group', { hasText: name })).toBeVisible();
  // The change shows in History, for that Chat user, and can be undone there.
  await page.goto(`/history?chatUser=${SHOP}`);
  const groupChanges = page.getByRole('region', { name: `Conversation group changes of ${SHOP}` });
  const change = `Created the group ${name} with 2 conversations`;
  await expect(groupChanges).toContainText(`${change} · by support`);
  await groupChanges.getByRole('button', { name: `Undo: ${change}` }).click();
  await page.getByRole('dialog', { name: 'Undo this group change?' }).getByRole('button', { name: 'Undo change' }).click();
  await expect(page.getByText('The group change was undone.')).toBeVisible();
  await expect(groupChanges.getByRole('button', { name: `Undo: ${change}` })).toHaveCount(0);
  expect((await conversationsOf(page.request)).groups.map((group) => group.name)).not.toContain(name);
});

test('Chinese: 中文 from the language menu, dates in Chinese, and remembered for the next sign-in elsewhere', async ({ page, browser }) => {
  // Shown in the README screenshot: a plain name (every run starts a fresh server).
  const username = 'wang.fang';
  const password = 'a long passphrase for 中文';
  addStaffWithCli(username, 'editor', password);
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, username, password, { viaForm: true });
  await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: '中文' });
  const nav = page.getByRole('navigation').first();
  await expect(nav.getByRole('link', { name: '标记', exact: true })).toBeVisible();
  await expect(nav.getByRole('link', { name: '历史记录', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: '标记' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: '语言' })).toHaveValue('zh-CN');

  const field = page.getByLabel('Chat 用户 ID');
  await field.fill(SHOP);
  await field.press('Enter');
  await expect(page.getByRole('checkbox', { name: /^选择 / }).first()).toBeVisible({ timeout: 30_000 });
  // Dates in Chinese: "标记最后修改于 2个月前".
  await expect(page.getByText(/^标记最后修改于 \d+\s?(个月|天|周|年|小时|分钟)前/).first()).toBeVisible();
  await expect(page.getByRole('columnheader', { name: '最后消息' })).toBeVisible();
  // A row with a note: the editor gives its time in full, in Chinese, with the zone.
  const noted = page.locator('[role="row"]').filter({ hasText: /标记最后修改于/ }).first();
  await noted.getByRole('checkbox', { name: /^选择 / }).check();
  const editor = page.getByRole('region', { name: '标记编辑器' });
  await expect(editor).toBeVisible();
  await expect(page.getByText(/^标记最后修改于 \d{4}年\d{1,2}月\d{1,2}日 .+ GMT\+9 · /)).toBeVisible();
  await readmeShot(page, 'marks-zh');

  // Another browser, the same person: still Chinese, because the choice is kept on the server.
  const elsewhere = await browser.newContext({ locale: 'en-US' });
  try {
    const second = await elsewhere.newPage();
    await second.goto('/');
    await second.getByLabel('Username').fill(username);
    await second.getByLabel('Password').fill(password);
    await second.getByRole('button', { name: 'Sign in' }).click();
    await expect(second.getByRole('heading', { level: 1, name: '标记' })).toBeVisible({ timeout: 30_000 });
    await expect(second.getByRole('combobox', { name: '语言' })).toHaveValue('zh-CN');
  } finally {
    await elsewhere.close();
  }
});

test('Ticket A with the mouse: restore a hidden conversation and see why it was hidden', async ({ page }) => {
  await openMarks(page);
  const target = (await shopData(page.request)).hiddenElsewhere[1]!;
  const ticket = ticketNumber();
  const startedAt = Date.now();
  await loadShop(page);
  await page.getByRole('combobox', { name: 'Mark' }).selectOption({ label: HIDDEN });
  await expect(page).toHaveURL(/bit=3/);
  await page.getByRole('searchbox', { name: 'Filter conversations' }).fill(target.conversation.id);
  await page.getByRole('checkbox', { name: `Select ${target.conversation.id}` }).click();
  await expect(page.getByText(/^Marks last changed .+ · outside Markdesk \(in the app or by another server\)$/)).toBeVisible();
  await page.getByRole('checkbox', { name: HIDDEN }).click();
  await page.getByLabel('Reason').fill(`${ticket}: customer cannot find the chat`);
  await page.getByRole('button', { name: 'Save marks' }).click();
  await expect(results(page)).toContainText('1 applied');
  recordDuration('Ticket A, mouse', startedAt);
  expect((await rowOf(page.request, target.conversation)).bits).not.toContain(3);
});

test('Ticket A with the keyboard alone: restore a hidden conversation and see why it was hidden', async ({ page }) => {
  await openMarks(page);
  const target = (await shopData(page.request)).hiddenElsewhere[2]!;
  const ticket = ticketNumber();
  const startedAt = Date.now();
  await tabTo(page, page.getByLabel('Chat user ID'));
  await page.keyboard.type(SHOP);
  await page.keyboard.press('Enter');
  const bitFilter = page.getByRole('combobox', { name: 'Mark' });
  await expect(bitFilter).toBeVisible({ timeout: 30_000 });
  // A native select: typing an option's first letters picks it.
  await tabTo(page, bitFilter);
  await page.keyboard.type('Hidden');
  await expect(page).toHaveURL(/bit=3/);
  await tabTo(page, page.getByRole('searchbox', { name: 'Filter conversations' }), { backwards: true });
  await page.keyboard.type(target.conversation.id);
  await tabTo(page, page.getByRole('checkbox', { name: `Select ${target.conversation.id}` }));
  await page.keyboard.press('Space');
  await expect(page.getByText(/^Marks last changed .+ · outside Markdesk \(in the app or by another server\)$/)).toBeVisible();
  await keyboardToBit(page, HIDDEN);
  await page.keyboard.press('Space');
  await tabTo(page, editorRegion(page).getByLabel('Reason'));
  await page.keyboard.type(`${ticket}: customer cannot find the chat`);
  await tabTo(page, editorRegion(page).getByRole('button', { name: 'Save marks' }));
  await page.keyboard.press('Enter');
  await expect(results(page)).toContainText('1 applied');
  recordDuration('Ticket A, keyboard', startedAt);
  expect((await rowOf(page.request, target.conversation)).bits).not.toContain(3);
});

test('Ticket B with the mouse: flag five pasted conversations with the ticket number', async ({ page }) => {
  await openMarks(page);
  const five = (await shopData(page.request)).plain.slice(60, 65);
  const ticket = ticketNumber();
  const startedAt = Date.now();
  await loadShop(page);
  await page.getByRole('textbox', { name: 'Paste conversation IDs' }).fill(five.map((row) => row.conversation.id).join('\n'));
  await page.getByRole('button', { name: 'Select pasted' }).click();
  await expect(page.getByText('Selected 5 of 5 pasted.')).toBeVisible();
  await page.getByRole('checkbox', { name: NAMED_CHECKBOX }).click();
  await page.getByLabel('Reason').fill(`${ticket}: refund promised`);
  await page.getByRole('button', { name: 'Save marks' }).click();
  await expect(results(page)).toContainText('5 applied');
  recordDuration('Ticket B, mouse', startedAt);
  for (const row of five) expect((await rowOf(page.request, row.conversation)).bits).toContain(NAMED_BIT);
});

test('Ticket B with the keyboard alone: flag five pasted conversations with the ticket number', async ({ page }) => {
  await openMarks(page);
  const five = (await shopData(page.request)).plain.slice(90, 95);
  const ticket = ticketNumber();
  const startedAt = Date.now();
  await tabTo(page, page.getByLabel('Chat user ID'));
  await page.keyboard.type(SHOP);
  await page.keyboard.press('Enter');
  const paste = page.getByRole('textbox', { name: 'Paste conversation IDs' });
  await expect(paste).toBeVisible({ timeout: 30_000 });
  await tabTo(page, paste);
  // What a paste does: the clipboard's text arrives at once.
  await page.keyboard.insertText(five.map((row) => row.conversation.id).join('\n'));
  await tabTo(page, page.getByRole('button', { name: 'Select pasted' }));
  await page.keyboard.press('Enter');
  await expect(page.getByText('Selected 5 of 5 pasted.')).toBeVisible();
  await keyboardToBit(page, NAMED_CHECKBOX);
  await page.keyboard.press('Space');
  await tabTo(page, editorRegion(page).getByLabel('Reason'));
  await page.keyboard.type(`${ticket}: refund promised`);
  await tabTo(page, editorRegion(page).getByRole('button', { name: 'Save marks' }));
  await page.keyboard.press('Enter');
  await expect(results(page)).toContainText('5 applied');
  recordDuration('Ticket B, keyboard', startedAt);
  for (const row of five) expect((await rowOf(page.request, row.conversation)).bits).toContain(NAMED_BIT);
});

test('Ticket C with the mouse: undo a request found by its ticket number', async ({ page }) => {
  await openMarks(page);
  const five = (await shopData(page.request)).plain.slice(70, 75);
  const ticket = ticketNumber();
  const requestId = await mark(page.request, five.map((row) => ({ conversation: row.conversation, setBits: [NAMED_BIT] })), `${ticket}: refund promised`);
  const startedAt = Date.now();
  await page.getByRole('link', { name: 'History', exact: true }).click();
  await page.getByRole('button', { name: 'Table' }).click();
  await page.getByRole('textbox', { name: 'Search reasons' }).fill(ticket);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/reason=TICKET-/);
  const table = page.getByRole('table', { name: 'History entries' });
  await expect(table.getByRole('link', { name: `Request ${requestId} · 5 entries` })).toBeVisible();
  await expect(table.getByRole('link', { name: /^Request / })).toHaveCount(1);
  await table.getByRole('button', { name: 'Undo request' }).click();
  const dialog = page.getByRole('dialog', { name: 'Undo every change of this request?' });
  await expect(dialog.getByRole('textbox', { name: 'Reason for the undo' })).toHaveValue(`Undo: ${ticket}: refund promised`);
  await dialog.getByRole('button', { name: 'Undo all' }).click();
  await expect(dialog.getByText('5 changes undone.')).toBeVisible();
  recordDuration('Ticket C, mouse', startedAt);
  for (const row of five) expect((await rowOf(page.request, row.conversation)).bits).toEqual(row.bits);
});

test('Ticket C with the keyboard alone: undo a request found by its ticket number', async ({ page }) => {
  await openMarks(page);
  const five = (await shopData(page.request)).plain.slice(100, 105);
  const ticket = ticketNumber();
  const requestId = await mark(page.request, five.map((row) => ({ conversation: row.conversation, setBits: [NAMED_BIT] })), `${ticket}: refund promised`);
  const startedAt = Date.now();
  await tabTo(page, page.getByRole('link', { name: 'History', exact: true }));
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('button', { name: 'Table' }));
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('textbox', { name: 'Search reasons' }), { backwards: true });
  await page.keyboard.type(ticket);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/reason=TICKET-/);
  const table = page.getByRole('table', { name: 'History entries' });
  await expect(table.getByRole('link', { name: `Request ${requestId} · 5 entries` })).toBeVisible();
  // The search's answer, not the unfiltered list still shown while it loads.
  await expect(table.getByRole('link', { name: /^Request / })).toHaveCount(1);
  await tabTo(page, table.getByRole('button', { name: 'Undo request' }));
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Undo every change of this request?' });
  await expect(dialog.getByRole('textbox', { name: 'Reason for the undo' })).toHaveValue(`Undo: ${ticket}: refund promised`);
  await tabTo(page, dialog.getByRole('button', { name: 'Undo all' }));
  await page.keyboard.press('Enter');
  await expect(dialog.getByText('5 changes undone.')).toBeVisible();
  recordDuration('Ticket C, keyboard', startedAt);
  for (const row of five) expect((await rowOf(page.request, row.conversation)).bits).toEqual(row.bits);
});

test('README: the side-panel editor at 1440×900 with a few rows picked', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, 'support', printedPassword('support'));
  await page.goto(`/marks?user=${SHOP}`);
  const boxes = page.getByRole('checkbox', { name: /^Select / });
  await expect(boxes.first()).toBeVisible({ timeout: 30_000 });
  for (const index of [1, 2, 4]) await boxes.nth(index).check();
  const editor = editorRegion(page);
  await expect(editor.getByText('Editing 3 conversations. Bits set on some of them show as mixed.')).toBeVisible();
  await editor.getByLabel('Reason').fill('TICKET-4711: refund promised');
  await editor.getByRole('checkbox', { name: NAMED_CHECKBOX }).check();
  // Enabled, and its colour transition over (the light theme's primary, #1565c0).
  await expect(editor.getByRole('button', { name: 'Save marks' })).toHaveCSS('background-color', 'rgb(21, 101, 192)');
  // The panel scrolls on its own: show it from its heading.
  await editor.getByRole('heading', { name: 'Mark editor' }).scrollIntoViewIfNeeded();
  await readmeShot(page, 'marks-editor');
});

