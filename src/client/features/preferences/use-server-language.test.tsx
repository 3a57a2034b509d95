// The language follows the person: the one saved on the server wins when they sign in elsewhere;
// a choice in the language menu is saved; with none saved, this browser's is remembered.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from '../../test/fake-api';
import { noLabels, sandboxHealth, session } from '../../test/fixtures';
import { renderApp } from '../../test/render';

describe('language preference on the server', { timeout: 60_000 }, () => {
  it('applies the saved language after sign-in and saves a new choice', async () => {
    const api = installFakeApi({
      'GET /api/session': session('editor'),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': noLabels,
      'GET /api/preferences': json({ language: 'zh-CN' }),
      'PUT /api/preferences': (request) => json(request.body),
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/history', { language: 'en' });
    const nav = await screen.findByRole('navigation');
    await waitFor(() => expect(within(nav).getByRole('link', { name: '历史记录' })).toBeInTheDocument());
    expect(document.documentElement.lang).toBe('zh-CN');

    await user.selectOptions(screen.getByRole('combobox', { name: '语言' }), screen.getByRole('option', { name: '한국어' }));
    await waitFor(() => expect(api.last('PUT', '/api/preferences')?.body).toEqual({ language: 'ko' }));
    expect(within(nav).getByRole('link', { name: '변경 기록' })).toBeInTheDocument();
  });

  it('remembers this browser’s language when nothing is saved yet', async () => {
    const api = installFakeApi({
      'GET /api/session': session('viewer'),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': noLabels,
      'GET /api/preferences': json({ language: null }),
      'PUT /api/preferences': (request) => json(request.body),
    });
    renderApp('/history', { language: 'ko' });
    await waitFor(() => expect(api.last('PUT', '/api/preferences')?.body).toEqual({ language: 'ko' }));
  });
});
