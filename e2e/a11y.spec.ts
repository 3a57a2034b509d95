// axe on every page, in English, 한국어 and 中文, in the light and the dark theme: no serious or
// critical violation anywhere. One sign-in, one page: each screen is opened once and the language
// and theme are switched in place with the app's own controls, as a person would.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { addStaffWithCli, signIn } from './support/staff';

type Language = 'en' | 'ko' | 'zh-CN';
type Mode = 'light' | 'dark';

// An account of its own: its saved language changes here and must not follow other specs' people.
const USERNAME = 'a11y.admin';
const PASSWORD = 'a11y-admin-password-2026';

const LANGUAGE_SWITCH = /^(Language|언어|语言)$/;
const THEME_SWITCH = /^(Switch to (dark|light) theme|어두운 테마로 전환|밝은 테마로 전환|切换到深色主题|切换到浅色主题)$/;
/** Every language in both themes; each step changes one of the two, and it ends where it began. */
const COMBINATIONS: readonly [Language, Mode][] = [
  ['en', 'light'],
  ['en', 'dark'],
  ['ko', 'dark'],
  ['ko', 'light'],
  ['zh-CN', 'light'],
  ['zh-CN', 'dark'],
];

async function setLanguage(page: Page, language: Language): Promise<void> {
  const html = page.locator('html');
  if ((await html.getAttribute('lang')) === language) return;
  await page.getByRole('combobox', { name: LANGUAGE_SWITCH }).first().selectOption(language);
  await expect(html).toHaveAttribute('lang', language);
}

async function setMode(page: Page, mode: Mode): Promise<void> {
  const html = page.locator('html');
  // CssBaseline's enableColorScheme writes the theme's mode into the root's color-scheme.
  if ((await page.evaluate('getComputedStyle(document.documentElement).colorScheme')) !== mode) {
    await page.getByRole('button', { name: THEME_SWITCH }).first().click();
  }
  await expect(html).toHaveCSS('color-scheme', mode);
}

/** Colours are checked once MUI's colour transitions have finished (a running one is between two themes). */
async function settled(page: Page): Promise<void> {
  // A function (the page's CSP refuses strings to eval), typed by hand: the specs have no DOM types.
  type Running = { playState: string; constructor: { name: string } };
  await page.waitForFunction(() =>
    (globalThis as unknown as { document: { getAnimations: () => Running[] } }).document
      .getAnimations()
      .every((animation) => animation.constructor.name !== 'CSSTransition' || animation.playState !== 'running'),
  );
}

async function seriousViolations(page: Page, where: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${where}: ${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** The screen now open, in every language and theme; back in English and light at the end. */
async function checkEveryCombination(page: Page, name: string): Promise<string[]> {
  const found: string[] = [];
  for (const [language, mode] of COMBINATIONS) {
    await setLanguage(page, language);
    await setMode(page, mode);
    await settled(page);
    found.push(...(await seriousViolations(page, `${name} [${language}, ${mode}]`)));
  }
  await setLanguage(page, 'en');
  await setMode(page, 'light');
  return found;
}

test('no serious or critical axe violation on any page, in three languages and two themes', async ({ page }) => {
  test.setTimeout(300_000);
  addStaffWithCli(USERNAME, 'admin', PASSWORD);
  const violations: string[] = [];

  await test.step('Sign in', async () => {
    await page.goto('/');
    await expect(page.getByLabel('Username')).toBeVisible();
    violations.push(...(await checkEveryCombination(page, 'Sign in')));
    await signIn(page, USERNAME, PASSWORD, { viaForm: true });
  });

  await test.step('Marks: heavy.user loaded, some rows picked', async () => {
    await page.goto('/marks?user=heavy.user');
    const rows = page.getByRole('checkbox', { name: /^Select / });
    await expect(rows.first()).toBeVisible();
    for (const index of [0, 1, 2]) await rows.nth(index).check();
    await expect(page.getByRole('checkbox', { name: 'Favourite (bit 0)' })).toBeVisible();
    violations.push(...(await checkEveryCombination(page, 'Marks')));
  });

  const pages: [string, string, (page: Page) => Promise<void>][] = [
    ['Inspect', '/inspect?user=heavy.user', (open) => expect(open.getByRole('region', { name: 'All conversations' })).toBeVisible()],
    ['History', '/history', (open) => expect(open.getByRole('heading', { level: 1, name: 'History' })).toBeVisible()],
    ['Bulk', '/bulk', (open) => expect(open.getByRole('heading', { level: 1, name: 'Bulk marking' })).toBeVisible()],
    ['Insights', '/insights', (open) => expect(open.getByRole('heading', { level: 1, name: 'Insights' })).toBeVisible()],
    ['Settings', '/settings', (open) => expect(open.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()],
    ['Account', '/account', (open) => expect(open.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible()],
  ];
  for (const [name, path, ready] of pages) {
    await test.step(name, async () => {
      await page.goto(path);
      await ready(page);
      violations.push(...(await checkEveryCombination(page, name)));
    });
  }

  expect(violations).toEqual([]);
});
