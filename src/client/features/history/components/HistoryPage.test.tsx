import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../shared/api/audit';
import type { GroupAuditEntry } from '../../../../shared/api/groups';
import type { Role } from '../../../../shared/api/session';
import { apiError, installFakeApi, json, type FakeResponse, type RecordedRequest } from '../../../test/fake-api';
import { sandboxHealth, session } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

function auditEntry(id: string, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id,
    at: '2026-11-21T09:30:00Z',
    staff: 'support',
    chatUser: 'olivia.brown',
    conversation: { type: 'c2c', id: 'liam.smith' },
    requested: { setBits: [0, 32], clearBits: [3] },
    before: { bits: [3], customMark: '' },
    after: { bits: [0, 32], customMark: '' },
    status: 'applied',
    reason: 'ticket 4711',
    requestId: `req-${id}`,
    ...overrides,
  };
}

/** A small audit log: GET pages through `entries`, revert answers `revert` (default: applies and records). */
function fakeHistoryApi(options: { role?: Role; entries?: AuditEntry[]; pageSize?: number; revert?: (request: RecordedRequest) => FakeResponse } = {}) {
  const entries = [...(options.entries ?? [auditEntry('e1')])];
  const pageSize = options.pageSize ?? 50;
  const api = installFakeApi({
    'GET /api/session': session(options.role ?? 'editor'),
    'GET /api/health': sandboxHealth,
    'GET /api/mark-labels': json({ labels: { '32': { name: 'VIP', description: 'Paying customer' } } }),
    'GET /api/audit': (request) => {
      const start = Number(request.search.get('cursor') ?? '0');
      const page = entries.slice(start, start + pageSize);
      const next = start + pageSize < entries.length ? String(start + pageSize) : null;
      return json({ entries: page, nextCursor: next });
    },
    'POST /api/audit/:id/revert':
      options.revert ??
      ((request) => {
        const original = entries.find((entry) => entry.id === request.params.id) as AuditEntry;
        const undo = auditEntry(`undo-${original.id}`, {
          requested: { setBits: [3], clearBits: [0, 32] },
          before: original.after,
          after: original.before,
          revertOf: original.id,
          reason: `undo of ${original.id}`,
        });
        entries.splice(entries.indexOf(original), 1, { ...original, revertedBy: undo.id });
        entries.unshift(undo);
        return json(undo, 201);
      }),
  });
  return { api, entries };
}

const auditRequests = (api: ReturnType<typeof installFakeApi>) => api.requests.filter((request) => request.method === 'GET' && request.path === '/api/audit');
const entryArticle = (title: RegExp | string) => screen.getByRole('article', { name: title });

describe('History page', { timeout: 60_000 }, () => {
  it('shows who, when, named bits before → after, custom mark, reason and status of each entry', async () => {
    fakeHistoryApi({
      entries: [
        auditEntry('e1'),
        auditEntry('e2', {
          conversation: { type: 'group', id: '@TGS#1L53GYJ95' },
          requested: { setBits: [], clearBits: [], customMark: '에스컬레이션' },
          before: { bits: [1], customMark: 'old' },
          after: { bits: [1], customMark: 'old' },
          status: 'failed',
          upstreamCode: 51007,
          message: 'The group was dismissed or does not exist',
          reason: undefined,
        }),
      ],
    });
    renderApp('/history');
    const applied = await screen.findByRole('article', { name: 'One-to-one liam.smith of olivia.brown' });
    expect(within(applied).getByText('Applied')).toBeInTheDocument();
    expect(within(applied).getByText('by support', { exact: false })).toBeInTheDocument();
    // Before: Hidden (cleared). After: Favourite and the labelled custom bit.
    expect(within(applied).getByTitle('Hidden (bit 3), cleared by this change')).toHaveTextContent('Hidden');
    expect(within(applied).getByTitle('Favourite (bit 0), set by this change')).toHaveTextContent('Favourite');
    expect(within(applied).getByTitle('VIP (bit 32), set by this change')).toHaveTextContent('VIP (bit 32)');
    expect(within(applied).getByText('Set: Favourite, VIP (bit 32) · Clear: Hidden')).toBeInTheDocument();
    expect(within(applied).getByText('ticket 4711')).toBeInTheDocument();
    expect(within(applied).getByRole('button', { name: 'Undo' })).toBeInTheDocument();

    const failed = entryArticle('Group @TGS#1L53GYJ95 of olivia.brown');
    expect(within(failed).getByText('Failed')).toBeInTheDocument();
    expect(within(failed).getAllByText('‘old’')).toHaveLength(2);
    expect(within(failed).getByText("Custom mark → '에스컬레이션'")).toBeInTheDocument();
    expect(within(failed).getByText(/Chat error 51007/)).toBeInTheDocument();
    expect(within(failed).getByText('No reason given')).toBeInTheDocument();
    // Only applied entries can be undone.
    expect(within(failed).queryByRole('button', { name: 'Undo' })).toBeNull();
  });

  it('keeps the filters in the address bar, sends them to the API and to the CSV export', async () => {
    const { api } = fakeHistoryApi();
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/history?chatUser=olivia.brown&conversationType=c2c&conversationId=liam.smith&from=2026-11-01&to=2026-11-20');
    await screen.findByRole('article');
    const first = auditRequests(api)[0] as RecordedRequest;
    expect(first.search.get('chatUser')).toBe('olivia.brown');
    expect(first.search.get('conversationType')).toBe('c2c');
    expect(first.search.get('conversationId')).toBe('liam.smith');
    // Days are the person's own: from that midnight up to the midnight after the last day.
    expect(first.search.get('from')).toBe(new Date(2026, 10, 1).toISOString());
    expect(first.search.get('to')).toBe(new Date(2026, 10, 21).toISOString());
    expect(screen.getByRole('textbox', { name: 'Chat user' })).toHaveValue('olivia.brown');

    // A choice applies at once; a text filter on Enter.
    await user.click(screen.getByRole('combobox', { name: 'Status' }));
    await user.click(await screen.findByRole('option', { name: 'Applied' }));
    await waitFor(() => expect(router.state.location.search).toContain('status=applied'));
    await user.type(screen.getByRole('textbox', { name: 'Staff' }), 'support{Enter}');
    await waitFor(() => expect(router.state.location.search).toContain('staff=support'));
    expect(router.state.location.search).toBe('?chatUser=olivia.brown&conversationType=c2c&conversationId=liam.smith&staff=support&status=applied&from=2026-11-01&to=2026-11-20');
    await waitFor(() => expect(auditRequests(api).at(-1)?.search.get('staff')).toBe('support'));
    expect(auditRequests(api).at(-1)?.search.get('status')).toBe('applied');

    const exportLink = screen.getByRole('link', { name: 'Export CSV' });
    const href = new URL(exportLink.getAttribute('href') as string, 'http://markdesk.test');
    expect(href.pathname).toBe('/api/audit/export.csv');
    expect(Object.fromEntries(href.searchParams)).toEqual({
      chatUser: 'olivia.brown',
      conversationType: 'c2c',
      conversationId: 'liam.smith',
      staff: 'support',
      status: 'applied',
      // Typed names match as substrings.
      match: 'contains',
      from: new Date(2026, 10, 1).toISOString(),
      to: new Date(2026, 10, 21).toISOString(),
    });
    expect(exportLink).toHaveAttribute('download');

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
    expect(screen.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', '/api/audit/export.csv');
  });

  it('never applies a text filter on the Enter that confirms an IME composition', async () => {
    fakeHistoryApi();
    const { router } = renderApp('/history');
    await screen.findByRole('article');
    const field = screen.getByRole('textbox', { name: 'Chat user' });
    fireEvent.change(field, { target: { value: '사용자' } });
    fireEvent.keyDown(field, { key: 'Enter', isComposing: true });
    expect(router.state.location.search).toBe('');
  });

  it('pages with the cursor on "Load more"', async () => {
    const { api } = fakeHistoryApi({ entries: Array.from({ length: 3 }, (_, index) => auditEntry(`e${index}`, { conversation: { type: 'c2c', id: `peer${index}` } })), pageSize: 2 });
    const user = userEvent.setup({ delay: null });
    renderApp('/history');
    expect(await screen.findAllByRole('article')).toHaveLength(2);
    expect(screen.getByText('2 entries loaded; more are available')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(screen.getAllByRole('article')).toHaveLength(3));
    expect(auditRequests(api).map((request) => request.search.get('cursor'))).toEqual([null, '2']);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(screen.getByText('3 entries')).toBeInTheDocument();
  });

  it('counts a single entry in the singular', async () => {
    fakeHistoryApi({ entries: [auditEntry('only')] });
    renderApp('/history');
    expect(await screen.findAllByRole('article')).toHaveLength(1);
    expect(screen.getByText('1 entry')).toBeInTheDocument();
  });

  it('undoes an applied entry after confirmation and then offers no second undo', async () => {
    const { api } = fakeHistoryApi();
    const user = userEvent.setup({ delay: null });
    renderApp('/history');
    await user.click(within(await screen.findByRole('article')).getByRole('button', { name: 'Undo' }));
    const dialog = await screen.findByRole('dialog', { name: 'Undo this change?' });
    // What will be written: the flipped bits back, nothing else.
    expect(within(dialog).getByTestId('undo-change')).toHaveTextContent('Set: Hidden · Clear: Favourite, VIP (bit 32)');
    // The reason starts as the original one, ticket number kept.
    const reason = within(dialog).getByRole('textbox', { name: 'Reason for the undo' });
    expect(reason).toHaveValue('Undo: ticket 4711');
    await user.clear(reason);
    await user.type(reason, 'customer asked');
    await user.click(within(dialog).getByRole('button', { name: 'Undo change' }));

    expect(await screen.findByText('The change to liam.smith was undone.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const post = api.requests.find((request) => request.method === 'POST');
    expect(post?.path).toBe('/api/audit/e1/revert');
    expect(post?.headers.get('X-Requested-By')).toBe('markdesk');
    expect(post?.body).toEqual({ reason: 'customer asked' });
    await waitFor(() => expect(screen.getAllByRole('article')).toHaveLength(2));
    expect(screen.getByText('Undone by entry undo-e1')).toBeInTheDocument();
    expect(screen.getByText('Undoes entry e1')).toBeInTheDocument();
    // The undo itself may be undone (it is applied); the undone entry may not.
    expect(screen.getAllByRole('button', { name: 'Undo' })).toHaveLength(1);
    // The Undo button that had the focus is gone: the keyboard's place is the page's title, not the body.
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'History' })).toHaveFocus());
  });

  it('explains a 409: the conversation changed since, with its state now; nothing is retried', async () => {
    const { api } = fakeHistoryApi({
      revert: () =>
        apiError(409, 'CONFLICT', 'The conversation has changed since this entry; undoing it would overwrite that later change.', {
          details: { current: { bits: [0, 1, 32], customMark: 'escalated' } },
        }),
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/history');
    await user.click(within(await screen.findByRole('article')).getByRole('button', { name: 'Undo' }));
    const dialog = await screen.findByRole('dialog', { name: 'Undo this change?' });
    await user.click(within(dialog).getByRole('button', { name: 'Undo change' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The conversation has changed since');
    expect(alert).toHaveTextContent('undoing it would overwrite that later change. Nothing was written.');
    expect(within(alert).getByText('Unread')).toBeInTheDocument();
    expect(within(alert).getByText('VIP (bit 32)')).toBeInTheDocument();
    expect(within(alert).getByText('‘escalated’')).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Undo change' })).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
  });

  it('offers no Undo to a viewer', async () => {
    fakeHistoryApi({ role: 'viewer' });
    renderApp('/history');
    expect(await screen.findByRole('article')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Export CSV' })).toBeInTheDocument();
  });

  it('lists a named Chat user’s conversation-group changes and undoes one after confirmation', async () => {
    const created: GroupAuditEntry = {
      kind: 'group',
      id: 'g1',
      at: '2026-11-21T09:30:00Z',
      staff: 'support',
      chatUser: 'heavy.user',
      action: 'create',
      group: { id: 6, name: 'Refunds' },
      conversations: [
        { type: 'c2c', id: 'customer.0001' },
        { type: 'c2c', id: 'customer.0002' },
      ],
      changed: [
        { type: 'c2c', id: 'customer.0001' },
        { type: 'c2c', id: 'customer.0002' },
      ],
      failed: [],
      status: 'applied',
      reason: 'TICKET-9',
      requestId: 'req-g1',
    };
    const group = [created];
    const api = installFakeApi({
      'GET /api/session': session('editor'),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': json({ labels: {} }),
      'GET /api/audit': json({ entries: [], nextCursor: null }),
      'GET /api/chat-users/:userId/groups/changes': (request) => json({ entries: request.params.userId === 'heavy.user' ? group : [], nextCursor: null }),
      'POST /api/audit/:id/revert': () => {
        const undo: GroupAuditEntry = { ...created, id: 'g2', action: 'delete', revertOf: 'g1', reason: 'Undo: TICKET-9', requestId: 'req-g2' };
        group.splice(0, 1, undo, { ...created, revertedBy: 'g2' });
        return json(undo, 201);
      },
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/history?chatUser=heavy.user');
    const section = await screen.findByRole('region', { name: 'Conversation group changes of heavy.user' });
    expect(section).toHaveTextContent('Created the group Refunds with 2 conversations · by support · TICKET-9');
    await user.click(within(section).getByRole('button', { name: 'Undo: Created the group Refunds with 2 conversations' }));
    const dialog = await screen.findByRole('dialog', { name: 'Undo this group change?' });
    await user.click(within(dialog).getByRole('button', { name: 'Undo change' }));
    expect(await screen.findByText('The group change was undone.')).toBeInTheDocument();
    const post = api.requests.find((request) => request.method === 'POST');
    expect(post?.path).toBe('/api/audit/g1/revert');
    expect(post?.body).toEqual({ reason: 'Undo: TICKET-9' });
    // Read again: the change now says it was undone, and offers no second Undo.
    await waitFor(() => expect(within(section).getByText(/Created the group Refunds .* Undone by entry g2/)).toBeInTheDocument());
    expect(within(section).queryByRole('button', { name: 'Undo: Created the group Refunds with 2 conversations' })).toBeNull();
  });
});
