// The compact table: one request's entries under one heading with "Undo request", which reports
// the conversations it left alone; links between an entry and its undo; reason search and date
// presets in the address bar and in the API query.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, RequestUndoResponse } from '../../../../shared/api/audit';
import { installFakeApi, json } from '../../../test/fake-api';
import { sandboxHealth, session } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

function entry(id: string, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id,
    at: '2026-11-21T09:30:00Z',
    staff: 'support',
    chatUser: 'heavy.user',
    conversation: { type: 'c2c', id: `peer-${id}` },
    requested: { setBits: [0], clearBits: [] },
    before: { bits: [], customMark: '' },
    after: { bits: [0], customMark: '' },
    status: 'applied',
    reason: 'Ticket #4711',
    requestId: 'req-five',
    ...overrides,
  };
}

const ENTRIES = [
  entry('u1', { requestId: 'req-undo', revertOf: 'a0', reason: 'Undo: ticket 1', requested: { setBits: [], clearBits: [0] } }),
  entry('a1'),
  entry('a2'),
  entry('a3'),
  entry('a0', { requestId: 'req-old', reason: 'ticket 1', revertedBy: 'u1' }),
];

/** `unlisted`: more entries of req-five that the page's own list does not show (as a filter would leave out). */
function fakeApi(undoAnswer: RequestUndoResponse, unlisted: AuditEntry[] = []) {
  return installFakeApi({
    'GET /api/session': session('editor'),
    'GET /api/health': sandboxHealth,
    'GET /api/mark-labels': json({ labels: {} }),
    'GET /api/audit': (request) => {
      const requestId = request.search.get('requestId');
      if (requestId === null) return json({ entries: ENTRIES, nextCursor: null });
      return json({ entries: [...ENTRIES, ...unlisted].filter((one) => one.requestId === requestId), nextCursor: null });
    },
    'POST /api/audit/requests/:requestId/revert': json(undoAnswer),
  });
}

beforeEach(() => {
  window.localStorage.setItem('markdesk.historyView', 'table');
});

describe('History table', { timeout: 60_000 }, () => {
  it('groups one request’s entries and undoes them together, naming the conversation left alone', async () => {
    const api = fakeApi({
      requestId: 'req-the-undo',
      undone: 2,
      problems: 1,
      items: [
        { entryId: 'a1', conversation: { type: 'c2c', id: 'peer-a1' }, status: 'undone', undoEntryId: 'x1' },
        { entryId: 'a2', conversation: { type: 'c2c', id: 'peer-a2' }, status: 'conflict', current: { bits: [0, 1], customMark: '' } },
        { entryId: 'a3', conversation: { type: 'c2c', id: 'peer-a3' }, status: 'undone', undoEntryId: 'x3' },
      ],
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/history');
    const table = await screen.findByRole('table', { name: 'History entries' });
    expect(within(table).getByRole('link', { name: 'Request req-five · 3 entries' })).toHaveAttribute('href', '/history?requestId=req-five');
    // One Undo request for the group of three; single entries have none.
    await user.click(within(table).getByRole('button', { name: 'Undo request' }));
    const dialog = await screen.findByRole('dialog', { name: 'Undo every change of this request?' });
    expect(within(dialog).getByRole('textbox', { name: 'Reason for the undo' })).toHaveValue('Undo: Ticket #4711');
    // The page lists the whole request: nothing more to say about its scope.
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Undo all' })).toBeEnabled());
    expect(within(dialog).queryByText(/listed on this page/)).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Undo all' }));
    expect(await within(dialog).findByText('2 changes undone; 1 could not be.')).toBeInTheDocument();
    expect(within(dialog).getByText('peer-a2: Changed since, so left as it is')).toBeInTheDocument();
    const post = api.last('POST', '/api/audit/requests/req-five/revert');
    expect(post?.body).toEqual({ reason: 'Undo: Ticket #4711' });
  });

  it('says how many changes Undo all covers when the page lists only some of the request', async () => {
    fakeApi({ requestId: 'r', undone: 0, problems: 0, items: [] }, [entry('a4', { conversation: { type: 'group', id: '@TGS#4' } }), entry('a5')]);
    const user = userEvent.setup({ delay: null });
    renderApp('/history');
    const table = await screen.findByRole('table', { name: 'History entries' });
    await user.click(within(table).getByRole('button', { name: 'Undo request' }));
    const dialog = await screen.findByRole('dialog', { name: 'Undo every change of this request?' });
    expect(await within(dialog).findByText('This request made 5 changes; 3 of them are listed on this page. Undo all undoes every one of them.')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Undo all' })).toBeEnabled();
  });

  it('links an entry to its undo and the undo back, as real links', async () => {
    fakeApi({ requestId: 'r', undone: 0, problems: 0, items: [] });
    renderApp('/history');
    const table = await screen.findByRole('table', { name: 'History entries' });
    expect(within(table).getByRole('link', { name: 'Undone by entry u1' })).toHaveAttribute('href', '/history?entryId=u1');
    expect(within(table).getByRole('link', { name: 'Undoes entry a0' })).toHaveAttribute('href', '/history?entryId=a0');
    // The undone entry has no Undo; the three applied ones and the undo itself have.
    expect(within(table).getAllByRole('button', { name: 'Undo' })).toHaveLength(4);
  });

  it('searches reasons and applies a date preset, in the address bar and the API query', async () => {
    const api = fakeApi({ requestId: 'r', undone: 0, problems: 0, items: [] });
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/history');
    await screen.findByRole('table', { name: 'History entries' });
    await user.type(screen.getByRole('textbox', { name: 'Search reasons' }), '#4711{Enter}');
    await waitFor(() => expect(router.state.location.search).toBe('?reason=%234711'));
    await waitFor(() => expect(api.last('GET', '/api/audit')?.search.get('reason')).toBe('#4711'));
    await user.click(screen.getByRole('button', { name: 'Last 7 days' }));
    await waitFor(() => expect(router.state.location.search).toMatch(/^\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&reason=%234711$/));
    const query = api.last('GET', '/api/audit')!.search;
    const days = (new Date(query.get('to')!).getTime() - new Date(query.get('from')!).getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(7);
    expect(screen.getByRole('button', { name: 'Last 7 days' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('shows a bulk job’s reason in the reader’s language, and a person’s reason as typed', async () => {
    const jobId = 'job-7f3a9c21d4e5';
    const jobEntries = [
      entry('j1', { requestId: `job:${jobId}:line:2`, reason: `bulk job ${jobId}` }),
      entry('p1', { requestId: 'req-typed', reason: `bulk job ${jobId}` }),
    ];
    installFakeApi({
      'GET /api/session': session('editor'),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': json({ labels: {} }),
      'GET /api/audit': json({ entries: jobEntries, nextCursor: null }),
    });
    renderApp('/history', { language: 'ko' });
    expect(await screen.findByText('일괄 작업 9c21d4e5')).toBeInTheDocument();
    expect(screen.getByText(`bulk job ${jobId}`)).toBeInTheDocument();
  });
});
