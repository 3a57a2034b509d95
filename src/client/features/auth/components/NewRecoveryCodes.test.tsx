import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from '../../../test/fake-api';
import { sandboxHealth, session } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const CODES = Array.from({ length: 10 }, (_, index) => `mnpq-rstu-${String(index).padStart(4, '2')}`);

function fakeAccountApi(mfa: boolean) {
  return installFakeApi({
    'GET /api/session': session('editor', 'support'),
    'GET /api/health': sandboxHealth,
    'GET /api/me': json({ username: 'support', role: 'editor', source: 'local', mfa, method: 'password', authAt: '2026-12-08T00:00:00Z' }),
    'GET /api/me/sessions': json({ sessions: [] }),
    'POST /api/me/mfa/recovery-codes': json({ recoveryCodes: CODES }),
  });
}

describe('New recovery codes on the Account page', () => {
  it('are made only after a confirmation that the earlier ones stop working, then shown once', async () => {
    const api = fakeAccountApi(true);
    const user = userEvent.setup();
    renderApp('/account');
    await user.click(await screen.findByRole('button', { name: 'New recovery codes' }));
    const dialog = await screen.findByRole('dialog', { name: 'Make new recovery codes?' });
    expect(dialog).toHaveTextContent('Your current recovery codes stop working, used or not.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.last('POST', '/api/me/mfa/recovery-codes')).toBeUndefined();

    await user.click(screen.getByRole('button', { name: 'New recovery codes' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Make new codes' }));
    const list = await screen.findByRole('list', { name: 'Recovery codes' });
    expect(within(list).getAllByRole('listitem').map((item) => item.textContent)).toEqual(CODES);
    expect(screen.getByRole('button', { name: 'Download codes' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'I have saved them — continue' }));
    expect(screen.queryByRole('list', { name: 'Recovery codes' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New recovery codes' })).toBeInTheDocument();
  });

  it('are not offered without two-step verification', async () => {
    fakeAccountApi(false);
    renderApp('/account');
    expect(await screen.findByRole('button', { name: 'Set up two-step verification' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New recovery codes' })).not.toBeInTheDocument();
  });
});
