import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../../lib/i18n/I18nProvider';
import { ReadinessBanner } from './ReadinessBanner';

function renderBanner(answer: { status: number; body: unknown }, isAdmin: boolean, language: 'en' | 'ko' = 'en') {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } })));
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider language={language}>
        <ReadinessBanner isAdmin={isAdmin} />
      </I18nProvider>
    </QueryClientProvider>,
  );
}

const notReady = {
  ready: false,
  checks: { database: true, upstream: false },
  database: 'sqlite',
  problem: 'chat-credentials',
  reason: 'Chat refuses Markdesk’s credentials (SDKAppID, secret key or admin account).',
  checkedAt: '2026-11-28T09:00:00.000Z',
};

afterEach(() => vi.unstubAllGlobals());

describe('ReadinessBanner', () => {
  it('tells everyone while Chat refuses the credentials, without the admin hint', async () => {
    renderBanner({ status: 503, body: notReady }, false);
    expect(await screen.findByRole('alert')).toHaveTextContent(/refusing Markdesk’s sign-in/);
    expect(screen.getByRole('alert')).not.toHaveTextContent(/CHAT_SECRET_KEY/);
  });

  it('tells admins what to check, in Korean too', async () => {
    renderBanner({ status: 503, body: notReady }, true, 'ko');
    expect(await screen.findByRole('alert')).toHaveTextContent(/CHAT_SECRET_KEY/);
    expect(screen.getByRole('alert')).toHaveTextContent(/인증을 거부/);
  });

  it('tells everyone while Chat is unreachable: a plain sentence, and admins what to check', async () => {
    const unreachable = { ...notReady, problem: 'chat-unreachable', reason: 'Chat did not answer.' };
    const viewer = renderBanner({ status: 503, body: unreachable }, false);
    expect(await viewer.findByRole('alert')).toHaveTextContent('Markdesk cannot reach Chat right now. Marks cannot be read or saved until the connection is back.');
    expect(viewer.getByRole('alert')).not.toHaveTextContent(/CHAT_REGION/);
    viewer.unmount();
    renderBanner({ status: 503, body: unreachable }, true, 'ko');
    expect(await screen.findByRole('alert')).toHaveTextContent(/CHAT_REGION/);
  });

  it('shows nothing while ready', async () => {
    const fetched = renderBanner({ status: 200, body: { ...notReady, ready: true, checks: { database: true, upstream: true }, problem: null, reason: null } }, true);
    await vi.waitFor(() => expect(vi.mocked(fetch)).toHaveBeenCalled());
    expect(fetched.queryByRole('alert')).toBeNull();
  });
});
