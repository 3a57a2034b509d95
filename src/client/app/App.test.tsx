import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from '../test/fake-api';
import { noLabels, sandboxHealth, session, unauthenticated } from '../test/fixtures';
import { notifyUnauthenticated } from '../lib/session-expiry';
import { renderApp } from '../test/render';

function navigation() {
  return screen.findByRole('navigation', { name: 'Pages' });
}

describe('App shell', () => {
  it('shows the navigation links with their exact names, the mode and who is signed in', async () => {
    installFakeApi({ 'GET /api/session': session('editor', 'support'), 'GET /api/health': sandboxHealth, 'GET /api/mark-labels': noLabels });
    renderApp('/marks');
    const nav = await navigation();
    const names = within(nav)
      .getAllByRole('link')
      .map((link) => link.textContent);
    expect(names).toEqual(['Marks', 'Inspect', 'History', 'Bulk', 'Insights']);
    expect(within(nav).queryByRole('link', { name: 'Settings' })).toBeNull();
    expect(await screen.findByText('Sandbox')).toBeInTheDocument();
    expect(screen.getByText('Signed in as support (editor)')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { level: 1, name: 'Marks' })).toBeInTheDocument();
  });

  it('offers Settings to admins only, and shows the live Chat app in the badge', async () => {
    installFakeApi({
      'GET /api/session': session('admin', 'admin'),
      'GET /api/health': json({ status: 'ok', mode: 'live', version: '1', chat: { sdkAppId: 1400000001, region: 'seoul' } }),
    });
    renderApp('/marks');
    const nav = await navigation();
    expect(within(nav).getByRole('link', { name: 'Settings' })).toHaveAttribute('href', '/settings');
    expect(await screen.findByText('Live · 1400000001 · seoul')).toBeInTheDocument();
  });

  it('tells a non-admin that Settings is for administrators', async () => {
    installFakeApi({ 'GET /api/session': session('viewer', 'pm'), 'GET /api/health': sandboxHealth });
    renderApp('/settings');
    expect(await screen.findByRole('heading', { name: 'Administrators only' })).toBeInTheDocument();
  });

  it('redirects / to /marks', async () => {
    installFakeApi({ 'GET /api/session': session(), 'GET /api/health': sandboxHealth, 'GET /api/mark-labels': noLabels });
    const { router } = renderApp('/');
    await waitFor(() => expect(router.state.location.pathname).toBe('/marks'));
  });

  it('sends a signed-out person to sign-in with the page and filters to come back to', async () => {
    installFakeApi({ 'GET /api/session': unauthenticated, 'GET /api/health': sandboxHealth });
    const { router } = renderApp('/marks?user=minji.kim&bit=32');
    await waitFor(() => expect(router.state.location.pathname).toBe('/sign-in'));
    expect(router.state.location.search).toBe('?next=%2Fmarks%3Fuser%3Dminji.kim%26bit%3D32');
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('clears cached data when the session ends mid-use', async () => {
    let signedIn = true;
    installFakeApi({
      'GET /api/session': () => (signedIn ? session() : unauthenticated),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': noLabels,
      'GET /api/chat-users/:userId': () => (signedIn ? json({ userId: 'user0', imported: true }) : unauthenticated),
      'GET /api/chat-users/:userId/conversations': unauthenticated,
    });
    const { router, queryClient } = renderApp('/marks');
    await navigation();
    signedIn = false;
    await router.navigate('/marks?user=user0');
    await waitFor(() => expect(router.state.location.pathname).toBe('/sign-in'));
    expect(router.state.location.search).toBe('?next=%2Fmarks%3Fuser%3Duser0');
    expect(queryClient.getQueryCache().findAll({ queryKey: ['auth', 'session'] }).every((query) => query.state.data === undefined)).toBe(true);
  });

  it('keeps the first refusal’s reason when several requests are refused at once', async () => {
    installFakeApi({ 'GET /api/session': session(), 'GET /api/health': sandboxHealth, 'GET /api/mark-labels': noLabels });
    const { router } = renderApp('/marks?user=user0');
    await navigation();
    // Three requests refused in the same moment; only the first says why.
    act(() => {
      notifyUnauthenticated('revoked');
      notifyUnauthenticated();
      notifyUnauthenticated();
    });
    await waitFor(() => expect(router.state.location.pathname).toBe('/sign-in'));
    expect(router.state.location.search).toBe('?next=%2Fmarks%3Fuser%3Duser0&reason=revoked');
    expect(await screen.findByText('An administrator ended your session. Sign in again.')).toBeInTheDocument();
  });

  it('shows a sentence and the request id when the session cannot be checked', async () => {
    installFakeApi({
      'GET /api/session': { status: 503, body: { error: { code: 'UNAVAILABLE', message: 'Down.', requestId: 'req-abc' } } },
      'GET /api/health': sandboxHealth,
    });
    renderApp('/marks');
    expect(await screen.findByText('Markdesk is temporarily unavailable. Try again in a moment.')).toBeInTheDocument();
    expect(screen.getByText('Request ID: req-abc')).toBeInTheDocument();
  });

  it('marks the current page in the navigation', async () => {
    installFakeApi({ 'GET /api/session': session(), 'GET /api/health': sandboxHealth, 'GET /api/mark-labels': noLabels });
    renderApp('/marks');
    expect(await screen.findByRole('heading', { level: 1, name: 'Marks' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Marks' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('link', { name: 'Bulk' })).not.toHaveAttribute('aria-current');
  });

  it('renders in Korean, and switches language and theme from the top bar', async () => {
    installFakeApi({ 'GET /api/session': session('viewer', 'pm'), 'GET /api/health': sandboxHealth, 'GET /api/mark-labels': noLabels });
    const user = userEvent.setup();
    renderApp('/settings', { language: 'ko' });
    const nav = await screen.findByRole('navigation', { name: '페이지' });
    expect(within(nav).getByRole('link', { name: '마크' })).toBeInTheDocument();
    expect(await screen.findByText('샌드박스')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: '관리자 전용' })).toBeInTheDocument();

    await user.selectOptions(screen.getByRole('combobox', { name: '언어' }), 'en');
    expect(await screen.findByRole('heading', { name: 'Administrators only' })).toBeInTheDocument();
    expect(window.localStorage.getItem('markdesk.language')).toBe('en');
    expect(document.documentElement.lang).toBe('en');

    await user.click(screen.getByRole('button', { name: 'Switch to dark theme' }));
    expect(screen.getByRole('button', { name: 'Switch to light theme' })).toBeInTheDocument();
    expect(window.localStorage.getItem('markdesk.theme')).toBe('dark');
  });

  it('signs out and returns to the sign-in page', async () => {
    const api = installFakeApi({ 'GET /api/session': session('viewer', 'pm'), 'GET /api/health': sandboxHealth, 'DELETE /api/session': { status: 204 } });
    const user = userEvent.setup();
    const { router } = renderApp('/settings');
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/sign-in'));
    expect(api.last('DELETE', '/api/session')?.headers.get('X-Requested-By')).toBe('markdesk');
  });
});
