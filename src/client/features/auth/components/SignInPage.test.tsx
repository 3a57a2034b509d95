import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, installFakeApi } from '../../../test/fake-api';
import { noLabels, sandboxHealth, session, unauthenticated } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';
import { safeNextPath } from './SignInPage';

async function fillAndSubmit(username: string, password: string) {
  const user = userEvent.setup();
  const usernameField = await screen.findByRole('textbox', { name: 'Username' });
  if (username) await user.type(usernameField, username);
  if (password) await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('Sign in', () => {
  it('asks for both fields before calling the server', async () => {
    const api = installFakeApi({});
    renderApp('/sign-in');
    await fillAndSubmit('', '');
    expect(await screen.findByText('Enter your username.')).toBeInTheDocument();
    expect(screen.getByText('Enter your password.')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Username' })).toHaveAttribute('aria-invalid', 'true');
    // Only the page's own configuration was read (is SSO offered?); no sign-in was sent.
    expect(api.requests.filter((request) => request.method !== 'GET')).toHaveLength(0);
  });

  it('names a character that cannot be stored in the username, without calling the server', async () => {
    const api = installFakeApi({});
    renderApp('/sign-in');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('textbox', { name: 'Username' }));
    await user.paste('admin\u0007');
    await user.type(screen.getByLabelText('Password'), 'secret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(
      await screen.findByText('This contains a character that cannot be stored (an invisible control character or a broken emoji half). Remove it.'),
    ).toBeInTheDocument();
    // Only the page's own configuration was read (is SSO offered?); no sign-in was sent.
    expect(api.requests.filter((request) => request.method !== 'GET')).toHaveLength(0);
  });

  it('says the same generic sentence for any refused sign-in', async () => {
    installFakeApi({ 'POST /api/session': unauthenticated });
    const { router } = renderApp('/sign-in');
    await fillAndSubmit('nobody', 'wrong');
    expect(await screen.findByRole('alert')).toHaveTextContent('Username or password is incorrect.');
    // A 401 on the login itself is an answer, not an expired session: no redirect loop.
    expect(router.state.location.pathname).toBe('/sign-in');
  });

  it('tells a person whose password was right that password sign-in is off here', async () => {
    installFakeApi({
      'POST /api/session': apiError(403, 'FORBIDDEN', 'Signing in with a password is turned off here; sign in with SSO.', { details: { reason: 'local_login_off' } }),
    });
    renderApp('/sign-in');
    await fillAndSubmit('support', 'right-password');
    expect(await screen.findByRole('alert')).toHaveTextContent('Signing in with a password is turned off here; use single sign-on.');
  });

  it('tells a throttled person how long to wait', async () => {
    installFakeApi({ 'POST /api/session': apiError(429, 'RATE_LIMITED', 'Slow down.', {}, { 'retry-after': '42' }) });
    renderApp('/sign-in');
    await fillAndSubmit('support', 'secret');
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many sign-in attempts. Try again in 42 seconds.');
  });

  it('signs in with the CSRF header and goes back to where the person was going', async () => {
    const api = installFakeApi({
      'POST /api/session': session('editor', 'support'),
      'GET /api/session': session('editor', 'support'),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': noLabels,
    });
    const { router } = renderApp('/sign-in?next=%2Fhistory');
    await fillAndSubmit('support', 'correct horse');
    await waitFor(() => expect(router.state.location.pathname).toBe('/history'));
    const login = api.last('POST', '/api/session');
    expect(login?.body).toEqual({ username: 'support', password: 'correct horse' });
    expect(login?.headers.get('X-Requested-By')).toBe('markdesk');
    expect(login?.headers.get('Content-Type')).toBe('application/json');
    expect(await screen.findByText('Signed in as support (editor)')).toBeInTheDocument();
  });

  it('only follows next to a page of this site', () => {
    expect(safeNextPath('/marks?user=a')).toBe('/marks?user=a');
    expect(safeNextPath('https://evil.example')).toBe('/marks');
    expect(safeNextPath('//evil.example')).toBe('/marks');
    expect(safeNextPath('/\\evil.example')).toBe('/marks');
    expect(safeNextPath('/sign-in')).toBe('/marks');
    expect(safeNextPath(null)).toBe('/marks');
  });

  it('is fully translated in Korean', async () => {
    installFakeApi({});
    renderApp('/sign-in', { language: 'ko' });
    expect(await screen.findByRole('heading', { name: 'Markdesk 로그인' })).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: '사용자 이름' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '로그인' })).toBeInTheDocument();
  });
});
