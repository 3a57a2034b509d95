import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AdminActivityEntry } from '../../../../shared/api/admin-activity';
import { installFakeApi, json, type FakeResponse } from '../../../test/fake-api';
import { sandboxHealth, session } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const entries: AdminActivityEntry[] = [
  { kind: 'admin', id: 'a2', at: '2026-11-21T09:00:00Z', staff: 'admin', action: 'role_changed', target: 'nina', ip: '10.0.0.7', userAgent: 'Firefox/140', details: { from: 'viewer', to: 'editor' } },
  { kind: 'admin', id: 'a1', at: '2026-11-21T08:00:00Z', staff: '(unknown account)', action: 'sign_in_failed', ip: '10.0.0.8', userAgent: 'curl/8' },
];

describe('Settings: audit log check and admin activity', { timeout: 60_000 }, () => {
  it('shows the running check as a progress bar, then every problem it found', async () => {
    let release!: () => void;
    const held = new Promise<FakeResponse>((resolve) => {
      release = () =>
        resolve(
          json({
            ok: false,
            checked: 1000,
            brokenAt: 'e-17',
            breaks: [
              { at: 'e-17', problem: 'changed' },
              { at: 'end-of-log', problem: 'missing-after' },
            ],
            breakCount: 2,
            repaired: 1,
            head: { seq: 1000, hash: 'ab'.repeat(32) },
          }),
        );
    });
    installFakeApi({
      'GET /api/session': session('admin', 'admin'),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': json({ labels: {} }),
      'GET /api/audit/verify': () => held,
      'GET /api/audit/verify/progress': json({ running: true, checked: 250, total: 1000 }),
    });
    renderApp('/settings?tab=audit');
    const bar = await screen.findByRole('progressbar', { name: 'Audit log check progress' });
    await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '25'));
    expect(screen.getByText('250 of 1,000 entries checked…')).toBeInTheDocument();
    release();
    expect(await screen.findByText('The audit log’s chain is broken')).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByText('Problems found: 2')).toBeInTheDocument();
    expect(screen.getByText('Entry e-17 was changed after it was written.')).toBeInTheDocument();
    expect(screen.getByText('Entries were cut off the end of the log.')).toBeInTheDocument();
    expect(screen.getByText(/1 old entries hold text/)).toBeInTheDocument();
    expect(screen.getByText(new RegExp(`1000:${'ab'.repeat(32)}`))).toBeInTheDocument();
  });

  it('lists admin activity — who, what, when, IP, browser — filters it by action and exports it', async () => {
    const api = installFakeApi({
      'GET /api/session': session('admin', 'admin'),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': json({ labels: {} }),
      'GET /api/audit': (request) =>
        json({ entries: entries.filter((entry) => !request.search.get('action') || entry.action === request.search.get('action')), nextCursor: null }),
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/settings?tab=activity');
    const table = await screen.findByRole('table', { name: 'Admin activity, newest first' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]!).getByText('Role changed')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('from: viewer, to: editor')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('10.0.0.7')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Firefox/140')).toBeInTheDocument();
    expect(within(rows[2]!).getByText('Sign-in refused')).toBeInTheDocument();
    expect(api.requests.find((request) => request.path === '/api/audit')?.search.get('kind')).toBe('admin');

    await user.click(screen.getByRole('combobox', { name: 'Action' }));
    await user.click(await screen.findByRole('option', { name: 'Sign-in refused' }));
    await waitFor(() => expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(2));
    expect(api.requests.at(-1)?.search.get('action')).toBe('sign_in_failed');
    const exportLink = screen.getByRole('link', { name: 'Export CSV' });
    expect(exportLink).toHaveAttribute('href', '/api/audit/export.csv?kind=admin&action=sign_in_failed');
  });
});
