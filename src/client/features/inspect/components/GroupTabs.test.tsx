// Inspect's group tabs: "All" and one tab per conversation group above the lists, each filtering them.
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from '../../../test/fake-api';
import { entry, sandboxHealth, session } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const conversations = [
  entry('vip.peer', { name: 'VIP Peer', groupIds: [1], groupNames: ['VIP'], lastMessageAt: '2026-11-20T08:00:00Z' }),
  entry('both.peer', { name: 'Both Peer', groupIds: [1, 2], groupNames: ['VIP', 'Escalations'], lastMessageAt: '2026-11-19T08:00:00Z' }),
  entry('plain.peer', { name: 'Plain Peer', lastMessageAt: '2026-11-18T08:00:00Z' }),
];

describe('Inspect group tabs', { timeout: 60_000 }, () => {
  it('shows All and each group with its count, and filters both lists by the chosen group', async () => {
    installFakeApi({
      'GET /api/session': session('viewer'),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': json({ labels: {} }),
      'GET /api/chat-users/:userId': (request) => json({ userId: request.params.userId, imported: true }),
      'GET /api/chat-users/:userId/conversations': json({
        userId: 'user0',
        conversations,
        groups: [
          { id: 1, name: 'VIP' },
          { id: 2, name: 'Escalations' },
        ],
      }),
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/inspect?user=user0');
    const tabs = await screen.findByRole('tablist', { name: 'Conversation groups' });
    expect(within(tabs).getAllByRole('tab').map((tab) => tab.textContent)).toEqual(['All (3)', 'VIP (2)', 'Escalations (1)']);
    const raw = () => screen.getByRole('region', { name: 'All conversations' });
    expect(within(raw()).getByText('plain.peer')).toBeInTheDocument();

    await user.click(within(tabs).getByRole('tab', { name: 'Escalations (1)' }));
    expect(within(tabs).getByRole('tab', { name: 'Escalations (1)' })).toHaveAttribute('aria-selected', 'true');
    expect(within(raw()).queryByText('plain.peer')).toBeNull();
    expect(within(raw()).queryByText('vip.peer')).toBeNull();
    expect(within(raw()).getByText('both.peer')).toBeInTheDocument();

    await user.click(within(tabs).getByRole('tab', { name: 'All (3)' }));
    expect(within(raw()).getByText('plain.peer')).toBeInTheDocument();
  });
});
