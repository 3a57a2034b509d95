import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import type { SurveyStatus } from '../../../../shared/api/insights';
import { installFakeApi, json } from '../../../test/fake-api';
import { sandboxHealth, session } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const done: SurveyStatus = {
  surveyId: 's1',
  label: 'before',
  state: 'done',
  source: { kind: 'users' },
  includeRecent: false,
  users: 4,
  done: 4,
  failed: 0,
  createdBy: 'pm',
  createdAt: '2026-11-30T10:00:00Z',
  finishedAt: '2026-11-30T10:00:05Z',
  results: {
    usersRead: 4,
    usersWithMarks: 3,
    conversations: 10,
    usersWithBit: { '0': 3, '3': 1 },
    conversationsWithBit: { '0': 8, '3': 2 },
    markedPerUser: [{ from: 0, to: 0, users: 1 }, { from: 2, to: 5, users: 3 }],
    nearCap: 0,
    c2c: { users: 3, conversations: 9 },
    group: { users: 1, conversations: 1 },
    usersWithCustomMark: 1,
    topCustomMarks: [{ value: '환불', count: 2 }],
    sampleUsers: ['minji.kim'],
  },
};

describe('Insights page', { timeout: 60_000 }, () => {
  it('shows a finished survey’s numbers as tables (view=table in the address), axe clean', async () => {
    const api = installFakeApi({
      'GET /api/session': session('viewer', 'pm'),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': json({ labels: {} }),
      'GET /api/surveys': json({ surveys: [{ ...done, results: undefined }] }),
      'GET /api/surveys/:id': json(done),
    });
    renderApp('/insights?survey=s1&view=table');
    const usersPerBit = await screen.findByRole('region', { name: 'Users per bit' });
    const favourite = within(usersPerBit).getByRole('row', { name: /Favourite/ });
    expect(within(favourite).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['0', 'Favourite', '3', '75']);
    expect(screen.getByRole('link', { name: 'Open minji.kim in Inspect' })).toHaveAttribute('href', '/inspect?user=minji.kim');
    expect(screen.getByRole('link', { name: 'Download per-user CSV' })).toHaveAttribute('href', '/api/surveys/s1/users.csv?values=1');
    const results = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } }, resultTypes: ['violations'] });
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    // Read only: nothing but GETs.
    expect(api.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it('starts a survey of pasted IDs and opens it', async () => {
    const api = installFakeApi({
      'GET /api/session': session('viewer', 'pm'),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': json({ labels: {} }),
      'GET /api/jobs': json({ jobs: [] }),
      'GET /api/surveys': json({ surveys: [] }),
      'POST /api/surveys': json({ surveyId: 's2', state: 'running', users: 2 }, 201),
      'GET /api/surveys/:id': json({ ...done, surveyId: 's2', state: 'running', done: 1, users: 2, results: undefined }),
    });
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/insights');
    await user.click(await screen.findByRole('button', { name: 'New survey' }));
    const dialog = screen.getByRole('dialog', { name: 'New survey' });
    await user.type(within(dialog).getByLabelText('Chat user IDs'), 'minji.kim, wei.zhang minji.kim');
    expect(within(dialog).getByText(/2 distinct IDs/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Start survey' }));
    expect(await screen.findByRole('progressbar', { name: 'Survey progress' })).toBeInTheDocument();
    expect(api.requests.find((request) => request.method === 'POST')?.body).toEqual({ users: ['minji.kim', 'wei.zhang'], includeRecent: false });
    expect(router.state.location.search).toBe('?survey=s2');
  });
});
