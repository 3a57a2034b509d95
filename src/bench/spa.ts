// The browser part of `npm run bench`: the production build served by a freshly started sandbox
// server, driven in Chromium with 4× CPU throttling (DevTools protocol), signed in as the editor
// and looking at heavy.user (1,500 conversations). LCP and TBT come from PerformanceObserver,
// interactions from Event Timing (event → next paint), bytes from Resource Timing (as sent, i.e.
// compressed). Each figure is the median of the runs; every run uses a fresh browser context
// (empty cache), as a first visit does.
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdeskUrl } from '../../e2e/support/markdesk-process';
import { PAGE_PROBES, type BrowserGlobals } from './spa-page';

const root = join(import.meta.dirname, '../..');
export const CPU_THROTTLING = 4;
const HEAVY_USER = 'heavy.user';
const EDITOR = 'support';

export type SpaRun = {
  signInFcp: number;
  signInJsBytes: number;
  marksLcp: number;
  marksTbt: number;
  marksJsBytes: number;
  conversationsBytes: { encoded: number; decoded: number };
  scrollWorstFrame: number;
  clickOneRow: number;
  selectAll: number;
  toggleBit: number;
  worstKeystroke: number;
  inspectLcp: number;
};

type Server = { url: string; password: string; stop: () => Promise<void> };

/** The built server in sandbox mode (emulator with the demo data inside) on a free port, with a throwaway data directory. */
async function startServer(): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'markdesk-bench-spa-'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CHAT_|MARKDESK_|NODE_OPTIONS$)/.test(name)));
  const child = spawn(process.execPath, [join(root, 'dist/server/main.mjs')], {
    cwd: dataDir,
    env: { ...inherited, MARKDESK_PORT: '0', MARKDESK_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = await markdeskUrl(child);
  const url = started.url;
  const output = started.output();
  const password = new RegExp(`^\\s+${EDITOR}\\s+\\(\\w+\\s*\\)\\s+password: (\\S+)$`, 'm').exec(output)?.[1];
  if (!password) throw new Error('the first start printed no password for the editor');
  return {
    url,
    password,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A page with the observers installed and the CPU slowed down, in a fresh context (empty cache). */
async function throttledPage(browser: Browser, baseURL: string, cookiesFrom?: BrowserContext): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, locale: 'en-US', viewport: { width: 1600, height: 1000 } });
  if (cookiesFrom) await context.addCookies(await cookiesFrom.cookies());
  await context.addInitScript({ content: PAGE_PROBES });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING });
  return { context, page };
}

const perfOf = (page: Page) => page.evaluate(() => (globalThis as unknown as BrowserGlobals).__markdeskPerf);
const fcpOf = (page: Page) => page.evaluate(() => (globalThis as unknown as BrowserGlobals).performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN);
const settle = (page: Page, ms = 700) => page.waitForTimeout(ms);

/** Compressed bytes of the JavaScript the page has downloaded so far. */
const scriptBytes = (page: Page) =>
  page.evaluate(() =>
    (globalThis as unknown as BrowserGlobals).performance
      .getEntriesByType('resource')
      .filter((entry) => new URL(entry.name).pathname.endsWith('.js'))
      .reduce((sum, entry) => sum + (entry.encodedBodySize ?? 0), 0),
  );

/** Waits until no long task has started for `quietMs` (at most `limitMs`): the page has finished its start-up work. */
async function waitForQuiet(page: Page, quietMs = 1500, limitMs = 15_000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    const { longTasks, now } = await page.evaluate(() => {
      const browser = globalThis as unknown as BrowserGlobals;
      return { longTasks: browser.__markdeskPerf.longTasks, now: browser.performance.now() };
    });
    const last = longTasks.at(-1);
    if (last === undefined || now - (last.start + last.duration) >= quietMs) return;
    await page.waitForTimeout(250);
  }
}

/**
 * The latency of the interactions `action` causes: the longest Event Timing entry (event → next
 * paint) with an interaction id, over the events after the action started. Event Timing reports
 * only events of 16 ms or more, so 16 means "16 ms or less". `done` waits for the interaction's
 * result only once the page has settled: Playwright's locators run in the page, and a text or
 * role query polled while the interaction renders would take the main thread from the paint being
 * measured (a user's browser runs no such query).
 */
async function interaction(page: Page, action: () => Promise<void>, done: () => Promise<void>): Promise<number> {
  const before = (await perfOf(page)).events.length;
  await action();
  await settle(page);
  await done();
  await settle(page, 200);
  const events = (await perfOf(page)).events.slice(before).filter((event) => event.interactionId > 0);
  return Math.max(16, ...events.map((event) => event.duration));
}

/** One run: sign-in page, Marks page of heavy.user and its interactions, Inspect. */
export async function measureSpaRun(browser: Browser, server: Server): Promise<SpaRun> {
  // Sign-in, first visit.
  const signIn = await throttledPage(browser, server.url);
  await signIn.page.goto('/sign-in');
  await signIn.page.getByRole('button', { name: 'Sign in' }).waitFor();
  await waitForQuiet(signIn.page);
  const signInFcp = await fcpOf(signIn.page);
  const signInJsBytes = await scriptBytes(signIn.page);
  const login = await signIn.context.request.post('/api/session', { data: { username: EDITOR, password: server.password }, headers: { 'x-requested-by': 'markdesk' } });
  if (!login.ok()) throw new Error(`sign-in failed: ${login.status()}`);

  // Marks with heavy.user, first visit (signed in, empty cache).
  const marks = await throttledPage(browser, server.url, signIn.context);
  await signIn.context.close();
  const { page } = marks;
  await page.goto(`/marks?user=${HEAVY_USER}`);
  const firstRow = page.getByRole('checkbox', { name: /^Select / }).first();
  await firstRow.waitFor({ timeout: 60_000 });
  await waitForQuiet(page);
  const fcp = await fcpOf(page);
  const loaded = await perfOf(page);
  const marksTbt = loaded.longTasks.filter((task) => task.start >= fcp).reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0);
  const marksJsBytes = await scriptBytes(page);
  const conversationsBytes = await page.evaluate(() => {
    const entry = (globalThis as unknown as BrowserGlobals).performance.getEntriesByType('resource').find((resource) => resource.name.endsWith('/conversations'));
    return { encoded: entry?.encodedBodySize ?? Number.NaN, decoded: entry?.decodedBodySize ?? Number.NaN };
  });

  // Scrolling the list: the longest frame while the wheel turns.
  const list = page.getByRole('table');
  await list.hover();
  await page.evaluate(() => (globalThis as unknown as BrowserGlobals).__markdeskFramesStart());
  for (let step = 0; step < 25; step++) {
    await page.mouse.wheel(0, 400);
    await page.waitForTimeout(40);
  }
  await settle(page, 400);
  const frames = await page.evaluate(() => {
    const probe = (globalThis as unknown as BrowserGlobals).__markdeskFrames;
    probe.running = false;
    return probe.intervals;
  });
  const scrollWorstFrame = Math.max(...frames);
  await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.querySelector('[role="table"] .list-body')?.scrollTo({ top: 0 }));
  await settle(page, 300);

  const clickOneRow = await interaction(
    page,
    () => firstRow.click(),
    () => page.getByRole('checkbox', { name: 'Favourite (bit 0)' }).waitFor(),
  );
  const selectAllButton = page.getByRole('button', { name: /^Select all .* matching$/ });
  await selectAllButton.waitFor();
  const selectAll = await interaction(
    page,
    () => selectAllButton.click(),
    () => page.getByText(/1,500 selected/).waitFor(),
  );
  const unread = page.getByRole('checkbox', { name: 'Unread (bit 1)' });
  await unread.waitFor();
  const toggleBit = await interaction(
    page,
    () => unread.click(),
    () => page.getByTestId('mark-preview').getByText(/Unread/).waitFor(),
  );
  const customMark = page.getByRole('textbox', { name: 'Custom mark' });
  await customMark.click();
  await settle(page, 300);
  const worstKeystroke = await interaction(
    page,
    () => page.keyboard.type('escalated to tier 2', { delay: 60 }),
    async () => {
      const typed = await customMark.inputValue();
      if (!typed.endsWith('escalated to tier 2')) throw new Error(`Custom mark reads ${JSON.stringify(typed)} after typing`);
    },
  );

  // Inspect, first visit (signed in, empty cache).
  const inspect = await throttledPage(browser, server.url, marks.context);
  await marks.context.close();
  await inspect.page.goto(`/inspect?user=${HEAVY_USER}`);
  await inspect.page.getByRole('region', { name: 'All conversations' }).waitFor({ timeout: 60_000 });
  await waitForQuiet(inspect.page);
  const inspectLcp = (await perfOf(inspect.page)).lcp;
  await inspect.context.close();

  return { signInFcp, signInJsBytes, marksLcp: loaded.lcp, marksTbt, marksJsBytes, conversationsBytes, scrollWorstFrame, clickOneRow, selectAll, toggleBit, worstKeystroke, inspectLcp };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** `runs` runs on one freshly started server and one browser; the median of each figure, and every run. */
export async function measureSpa(runs = 3): Promise<{ median: SpaRun; runs: SpaRun[] }> {
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const results: SpaRun[] = [];
    for (let run = 0; run < runs; run++) results.push(await measureSpaRun(browser, server));
    const pick = (read: (run: SpaRun) => number) => median(results.map(read));
    return {
      runs: results,
      median: {
        signInFcp: pick((run) => run.signInFcp),
        signInJsBytes: pick((run) => run.signInJsBytes),
        marksLcp: pick((run) => run.marksLcp),
        marksTbt: pick((run) => run.marksTbt),
        marksJsBytes: pick((run) => run.marksJsBytes),
        conversationsBytes: { encoded: pick((run) => run.conversationsBytes.encoded), decoded: pick((run) => run.conversationsBytes.decoded) },
        scrollWorstFrame: pick((run) => run.scrollWorstFrame),
        clickOneRow: pick((run) => run.clickOneRow),
        selectAll: pick((run) => run.selectAll),
        toggleBit: pick((run) => run.toggleBit),
        worstKeystroke: pick((run) => run.worstKeystroke),
        inspectLcp: pick((run) => run.inspectLcp),
      },
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}
