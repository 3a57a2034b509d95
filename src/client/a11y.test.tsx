// No serious or critical axe violations on the pages this SPA renders, on every page. jsdom has
// no layout, so colour contrast is left to the browser end-to-end run; everything structural is checked here.
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from './test/fake-api';
import { entry, sandboxHealth, session } from './test/fixtures';
import { renderApp } from './test/render';

async function seriousViolations(): Promise<string[]> {
  const results = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } }, resultTypes: ['violations'] });
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

describe('accessibility (axe)', { timeout: 60_000 }, () => {
  it('sign-in page', async () => {
    installFakeApi({});
    renderApp('/sign-in');
    await screen.findByRole('button', { name: 'Sign in' });
    expect(await seriousViolations()).toEqual([]);
  });

  it('Marks page with a loaded user, a selection and the editor', async () => {
    installFakeApi({
      'GET /api/session': session('editor'),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': json({ labels: { '32': { name: 'VIP', description: 'Paying customer' } } }),
      'GET /api/chat-users/:userId': json({ userId: 'user0', imported: true }),
      'GET /api/chat-users/:userId/conversations': json({
        userId: 'user0',
        conversations: [
          entry('user1', { name: 'Minji Kim', bits: [0, 33], customMark: 'VIP', pinned: true }),
          entry('@TGS#2ABC', { conversation: { type: 'group', id: '@TGS#2ABC' }, name: 'Customers', bits: [3] }),
        ],
        groups: [],
      }),
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    await user.click(await screen.findByLabelText('Select user1', { selector: 'input' }));
    await user.click(screen.getByLabelText('Select @TGS#2ABC', { selector: 'input' }));
    expect(await seriousViolations()).toEqual([]);
  });

  it('a page inside the shell, in Korean', async () => {
    installFakeApi({ 'GET /api/session': session('viewer', 'pm'), 'GET /api/health': sandboxHealth });
    renderApp('/settings', { language: 'ko' });
    await screen.findByRole('heading', { name: '관리자 전용' });
    expect(await seriousViolations()).toEqual([]);
  });
});
