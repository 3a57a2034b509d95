// At phone width the navigation is one "Menu" button; its links appear when it is opened and go
// away once one is followed.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installFakeApi, json } from '../../test/fake-api';
import { noLabels, sandboxHealth, session } from '../../test/fixtures';
import { renderApp } from '../../test/render';

function phoneWidth() {
  // MUI asks matchMedia for "(max-width:599.95px)": at 390 px that matches.
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: /max-width/.test(query),
    media: query,
    onchange: null,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    addListener: () => undefined,
    removeListener: () => undefined,
    dispatchEvent: () => false,
  }));
}

afterEach(() => vi.unstubAllGlobals());

/** An editor signed in to the sandbox, with an empty History. */
function fakeShellApi() {
  installFakeApi({
    'GET /api/session': session('editor'),
    'GET /api/health': sandboxHealth,
    'GET /api/mark-labels': noLabels,
    'GET /api/preferences': json({ language: 'en' }),
    'GET /api/audit': json({ entries: [], nextCursor: null }),
  });
}

describe('navigation at phone width', { timeout: 60_000 }, () => {
  it('collapses into a menu that opens, and closes after a link is followed', async () => {
    phoneWidth();
    fakeShellApi();
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/history');
    const nav = await screen.findByRole('navigation', { name: 'Pages' });
    const menu = within(nav).getByRole('button', { name: 'Menu' });
    expect(menu).toHaveAttribute('aria-expanded', 'false');
    expect(within(nav).queryByRole('link', { name: 'Inspect' })).toBeNull();
    await user.click(menu);
    expect(menu).toHaveAttribute('aria-expanded', 'true');
    await user.click(within(nav).getByRole('link', { name: 'Inspect' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/inspect'));
    await waitFor(() => expect(within(nav).queryByRole('link', { name: 'Inspect' })).toBeNull());
  });
});

describe('the Chat user between Marks and Inspect', { timeout: 60_000 }, () => {
  it('comes along from Marks to Inspect and back; other pages start without one', async () => {
    fakeShellApi();
    renderApp('/marks?user=minji.kim&type=group');
    const nav = await screen.findByRole('navigation', { name: 'Pages' });
    // Only the user: the filters belong to the page they were set on.
    await waitFor(() => expect(within(nav).getByRole('link', { name: 'Inspect' })).toHaveAttribute('href', '/inspect?user=minji.kim'));
    expect(within(nav).getByRole('link', { name: 'Marks' })).toHaveAttribute('href', '/marks?user=minji.kim');
    expect(within(nav).getByRole('link', { name: 'History' })).toHaveAttribute('href', '/history');
    expect(within(nav).getByRole('link', { name: 'Bulk' })).toHaveAttribute('href', '/bulk');
  });

  it('is not made up on a page that looks at none', async () => {
    fakeShellApi();
    renderApp('/history?user=minji.kim');
    const nav = await screen.findByRole('navigation', { name: 'Pages' });
    expect(within(nav).getByRole('link', { name: 'Inspect' })).toHaveAttribute('href', '/inspect');
    expect(within(nav).getByRole('link', { name: 'Marks' })).toHaveAttribute('href', '/marks');
  });
});
