import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { JOB_CSV_COLUMNS, type JobCheckedResponse } from '../../../../shared/api/jobs';
import type { Role } from '../../../../shared/api/session';
import { installFakeApi, json } from '../../../test/fake-api';
import { entry, jobStatus, readBlob, sandboxHealth, session } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';
import { preparedFileName } from './BulkEditAllButton';

const checked: JobCheckedResponse = { jobId: 'job-from-marks', state: 'checked', rows: 3, valid: 3, invalid: [], preview: [] };

function fakeApi(role: Role = 'editor') {
  return installFakeApi({
    'GET /api/session': session(role),
    'GET /api/health': sandboxHealth,
    'GET /api/mark-labels': json({ labels: {} }),
    'GET /api/chat-users/:userId': (request) => json({ userId: request.params.userId, imported: true }),
    'GET /api/chat-users/:userId/conversations': json({
      userId: 'user0',
      conversations: [
        entry('user1', { name: 'Minji Kim', bits: [0] }),
        entry('@TGS#2ABC', { conversation: { type: 'group', id: '@TGS#2ABC' }, name: 'Customers', bits: [3] }),
        entry('user2', { name: 'Wei Zhang' }),
        entry('user3', { name: 'Other person' }),
      ],
      groups: [],
    }),
    'POST /api/jobs': json(checked, 201),
    'GET /api/jobs': json({ jobs: [] }),
    'GET /api/jobs/:id': json(jobStatus(checked.jobId, { total: 3, rows: 3, invalid: 0 })),
  });
}

const bitBox = (name: string) => screen.getByLabelText(name, { selector: 'input[type="checkbox"]' });

describe('Bulk edit all N matching (Marks page)', { timeout: 60_000 }, () => {
  it('builds the job file for every matching conversation with the editor’s change and has the Bulk page check it', async () => {
    const api = fakeApi();
    const user = userEvent.setup({ delay: null });
    // Filtered to one-to-one conversations: the group is not part of the job.
    const { router } = renderApp('/marks?user=user0&type=c2c');
    await user.click(await screen.findByLabelText('Select user1', { selector: 'input' }));
    // The editor's code is its own chunk: it may still be arriving.
    await user.click(await screen.findByLabelText('Unread (bit 1)', { selector: 'input[type="checkbox"]' }));
    await user.click(bitBox('Favourite (bit 0)'));
    await user.type(screen.getByLabelText('Custom mark', { selector: 'input, textarea' }), '검토');
    await user.click(screen.getByRole('button', { name: 'Bulk edit all 3 matching' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/bulk'));
    // The Bulk page's chunk is transformed on first use: give it time on a busy machine.
    expect(await screen.findByText('Rows: 3 · valid: 3 · invalid: 0', {}, { timeout: 20_000 })).toBeInTheDocument();
    const [, init] = api.fetch.mock.calls.find(([input, options]) => String(input) === '/api/jobs' && options?.method === 'POST') as [string, RequestInit];
    const file = init.body as File;
    expect(file.name).toBe(preparedFileName('user0', 3));
    const lines = (await readBlob(file)).replace('\uFEFF', '').trimEnd().split('\r\n');
    // Favourite was on for user1 and ticked off → cleared; Unread ticked on → set; the new custom mark.
    expect(lines).toEqual([JOB_CSV_COLUMNS.join(','), 'user0,c2c,user1,1,0,검토,', 'user0,c2c,user2,1,0,검토,', 'user0,c2c,user3,1,0,검토,']);
    expect(router.state.location.state).toBeNull();
  });

  it('asks for a change first when the editor has none', async () => {
    fakeApi();
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/marks?user=user0');
    await user.click(await screen.findByRole('button', { name: 'Bulk edit all 4 matching' }));
    expect(await screen.findByText(/choose a change in the editor first/)).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/marks');
  });

  it('is not offered to viewers', async () => {
    fakeApi('viewer');
    renderApp('/marks?user=user0');
    await screen.findByLabelText('Select user1', { selector: 'input' });
    expect(screen.queryByRole('button', { name: /^Bulk edit all/ })).toBeNull();
  });
});
