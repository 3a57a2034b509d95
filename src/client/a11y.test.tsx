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

  it('History in Chinese, table view with a request group, and the Undo request dialog', async () => {
    window.localStorage.setItem('markdesk.historyView', 'table');
    const at = '2026-11-21T09:30:00Z';
    const base = { at, staff: 'support', chatUser: 'heavy.user', requested: { setBits: [0], clearBits: [] }, before: { bits: [], customMark: '' }, after: { bits: [0], customMark: '' }, status: 'applied' as const, reason: '工单 4711', requestId: 'req-1' };
    installFakeApi({
      'GET /api/session': session('editor'),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': json({ labels: {} }),
      'GET /api/preferences': json({ language: 'zh-CN' }),
      'GET /api/audit': json({
        entries: [
          { ...base, id: 'a1', conversation: { type: 'c2c', id: 'p1' } },
          { ...base, id: 'a2', conversation: { type: 'group', id: '@TGS#2ABC' }, revertedBy: 'u1' },
        ],
        nextCursor: null,
      }),
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/history', { language: 'zh-CN' });
    await screen.findByRole('table', { name: '历史记录条目' });
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(await seriousViolations()).toEqual([]);
    await user.click(screen.getByRole('button', { name: '撤销请求' }));
    await screen.findByRole('dialog', { name: '撤销此请求的所有修改？' });
    expect(await seriousViolations()).toEqual([]);
  });
});
