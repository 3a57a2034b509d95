import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationEntry } from '../../../shared/api/chat-users';
import type { MarkRequest, MarkResult } from '../../../shared/api/marks';
import type { Role } from '../../../shared/api/session';
import { applyChange } from '../../../shared/marks/change';
import { conversationKey } from '../../../shared/marks/conversation';
import type { GroupMembersRequest } from '../../../shared/api/groups';
import { apiError, installFakeApi, json, type RecordedRequest } from '../../test/fake-api';
import { entry, sandboxHealth, session } from '../../test/fixtures';
import { renderApp } from '../../test/render';
import { resetRecentChatUsersCache } from '../../entities/chat-users/hooks/use-recent-chat-users';

/** A small stateful BFF: the conversations of `user0`, marks applied on POST like the real delta write. */
function fakeMarksApi(
  options: {
    role?: Role;
    conversations?: ConversationEntry[];
    groups?: { id: number; name: string }[];
    skipped?: number;
    resultFor?: (item: MarkRequest['items'][number]) => MarkResult | undefined;
    /** Answers a POST instead of the normal answer (after the marks were applied, when `landed`). */
    postFault?: (attempt: number) => { landed: boolean; answer: 'network' | 503 } | undefined;
  } = {},
) {
  // While true, every request fails as if the server were down (the fetch itself rejects).
  const down = { value: false };
  let attempt = 0;
  const state = new Map(
    (
      options.conversations ?? [
        entry('user1', { name: 'Minji Kim', bits: [0, 33], customMark: 'VIP', lastMessageAt: '2026-11-20T08:00:00Z' }),
        entry('@TGS#2ABC', { conversation: { type: 'group', id: '@TGS#2ABC' }, name: 'Customers', bits: [0, 3], lastMessageAt: '2026-11-19T08:00:00Z' }),
        entry('user2', { name: 'Wei Zhang', lastMessageAt: '2026-11-18T08:00:00Z' }),
        entry('user3', { name: '김철수', lastMessageAt: '2026-11-17T08:00:00Z' }),
      ]
    ).map((row) => [conversationKey(row.conversation), row]),
  );
  const api = installFakeApi({
    'GET /api/session': session(options.role ?? 'editor'),
    'GET /api/health': sandboxHealth,
    'GET /api/mark-labels': json({ labels: { '32': { name: 'VIP', description: 'Paying customer' } } }),
    'GET /api/chat-users/:userId': (request) => json({ userId: request.params.userId, imported: request.params.userId === 'user0' }),
    'GET /api/chat-users/:userId/groups': json({ userId: 'user0', groups: [{ id: 7, name: 'VIP', conversationCount: 1 }], limit: 20 }),
    'POST /api/chat-users/:userId/groups/:groupId/conversations': (request: RecordedRequest) => {
      const body = request.body as GroupMembersRequest;
      const conversations = body.add ?? body.remove ?? [];
      return json({
        changes: [
          {
            kind: 'group',
            id: 'g-1',
            at: '2026-12-06T10:00:00.000Z',
            staff: 'support',
            chatUser: 'user0',
            action: body.add ? 'add' : 'remove',
            group: { id: 7, name: 'VIP' },
            conversations,
            changed: conversations,
            failed: [],
            status: 'applied',
            requestId: 'req-group',
            ...(body.reason ? { reason: body.reason } : {}),
          },
        ],
      });
    },
    'GET /api/chat-users/:userId/conversations': () => {
      if (down.value) throw new TypeError('Failed to fetch');
      return json({ userId: 'user0', conversations: [...state.values()], groups: options.groups ?? [], ...(options.skipped === undefined ? {} : { skipped: options.skipped }) });
    },
    'POST /api/chat-users/:userId/marks': (request: RecordedRequest) => {
      const body = request.body as MarkRequest;
      const fault = options.postFault?.(++attempt);
      if (fault && !fault.landed) {
        if (fault.answer === 'network') throw new TypeError('Failed to fetch');
        return apiError(503, 'UNAVAILABLE', 'Markdesk is shutting down.');
      }
      const results = body.items.map((item): MarkResult => {
        const special = options.resultFor?.(item);
        if (special) return special;
        const key = conversationKey(item.conversation);
        const current = state.get(key) ?? entry(item.conversation.id, { conversation: item.conversation, lastMessageAt: null });
        const before = { bits: current.bits, customMark: current.customMark };
        // As the server decides: a custom mark that already holds the value asked for is no conflict.
        if (item.expectedCustomMark !== undefined && item.expectedCustomMark !== current.customMark && item.customMark !== current.customMark) {
          return { conversation: item.conversation, status: 'conflict', before, after: before, auditId: `a-${key}` };
        }
        const change = { setBits: item.setBits ?? [], clearBits: item.clearBits ?? [], ...(item.customMark === undefined ? {} : { customMark: item.customMark }) };
        const after = applyChange(before, change);
        state.set(key, { ...current, ...after });
        const unchanged = after.customMark === before.customMark && after.bits.join() === before.bits.join();
        return { conversation: item.conversation, status: unchanged ? 'unchanged' : 'applied', before, after, auditId: `a-${key}` };
      });
      // The write landed, but its answer is lost (a 503 from a proxy, or the connection dropped).
      if (fault?.landed) {
        if (fault.answer === 'network') throw new TypeError('Failed to fetch');
        return apiError(503, 'UNAVAILABLE', 'Markdesk is shutting down.');
      }
      return json({ results });
    },
  });
  return { api, state, down };
}

// By aria-label rather than role: with the 64-box editor on the page, role queries are slow in jsdom.
const rowCheckbox = (id: string) => screen.getByLabelText(`Select ${id}`, { selector: 'input[type="checkbox"]' });
const bitBox = (name: string) => screen.getByLabelText(name, { selector: 'input[type="checkbox"]' });
const textField = (label: string) => screen.getByLabelText(label, { selector: 'input, textarea' });
// The editor's code is its own chunk: it may still be arriving when the first row is selected.
const editorShown = () => screen.findByLabelText('Favourite (bit 0)', { selector: 'input[type="checkbox"]' }, { timeout: 15_000 });
const posts = (api: ReturnType<typeof fakeMarksApi>['api']) => api.requests.filter((request) => request.method === 'POST');

beforeEach(() => resetRecentChatUsersCache());

describe('Marks page: loading a chat user', { timeout: 60_000 }, () => {
  it('loads on Enter, shows the conversations and remembers the user', async () => {
    const { api } = fakeMarksApi();
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/marks');
    await user.type(await screen.findByRole('textbox', { name: 'Chat user ID' }), 'user0{Enter}');
    expect(await screen.findByLabelText('Select user1', { selector: 'input' })).toBeInTheDocument();
    expect(router.state.location.search).toBe('?user=user0');
    const table = screen.getByRole('table', { name: 'Conversations of user0' });
    expect(within(table).getByText('Minji Kim')).toBeInTheDocument();
    expect(within(table).getByText('Customers')).toBeInTheDocument();
    expect(within(table).getAllByText('Group')).toHaveLength(1);
    // Chips name the bits: a standard bit by name, a labelled custom bit by its label.
    expect(within(table).getAllByText('Favourite').length).toBeGreaterThan(0);
    expect(within(table).getByTitle('Custom bit 33 (bit 33)')).toBeInTheDocument();
    const order = api.requests.filter((request) => request.path.startsWith('/api/chat-users')).map((request) => request.path);
    expect(order.slice(0, 2)).toEqual(['/api/chat-users/user0', '/api/chat-users/user0/conversations']);
    expect(JSON.parse(window.localStorage.getItem('markdesk.recentChatUsers') ?? '[]')).toEqual(['user0']);
  });

  it('never loads on the Enter that confirms an IME composition', async () => {
    const { api } = fakeMarksApi();
    const { router } = renderApp('/marks');
    const field = await screen.findByRole('textbox', { name: 'Chat user ID' });
    fireEvent.change(field, { target: { value: '사용자' } });
    fireEvent.keyDown(field, { key: 'Enter', isComposing: true });
    fireEvent.keyDown(field, { key: 'Enter', keyCode: 229 });
    expect(router.state.location.search).toBe('');
    expect(api.requests.some((request) => request.path.startsWith('/api/chat-users'))).toBe(false);
  });

  it('says clearly when the chat user is not imported', async () => {
    const { api } = fakeMarksApi();
    renderApp('/marks?user=ghost');
    expect(await screen.findByRole('alert')).toHaveTextContent('“ghost” is not an account in this Chat app (not imported).');
    expect(screen.queryByRole('table')).toBeNull();
    // The check, the conversations and the labels are asked for side by side, not one after another.
    for (const path of ['/api/chat-users/ghost', '/api/chat-users/ghost/conversations', '/api/mark-labels']) {
      expect(api.requests.some((request) => request.path === path), path).toBe(true);
    }
  });
});

describe('Marks page: list, filters and selection', { timeout: 60_000 }, () => {
  it('filters by type, bit and text from a shared link, and selects all matching', async () => {
    fakeMarksApi();
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0&type=c2c&bit=0');
    expect(await screen.findByLabelText('Select user1', { selector: 'input' })).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'Select @TGS#2ABC' })).toBeNull();
    expect(screen.queryByRole('checkbox', { name: 'Select user2' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Select all 1 matching' }));
    expect(rowCheckbox('user1')).toBeChecked();
    expect(screen.getByText(/1 selected/)).toBeInTheDocument();
  });

  it('filters by conversation group, kept in the address bar like the other filters', async () => {
    fakeMarksApi({
      conversations: [
        entry('user1', { name: 'Minji Kim', groupIds: [1], groupNames: ['VIP'], lastMessageAt: '2026-11-20T08:00:00Z' }),
        entry('user2', { name: 'Wei Zhang', groupIds: [1, 2], groupNames: ['VIP', '待回复'], lastMessageAt: '2026-11-19T08:00:00Z' }),
        entry('user3', { name: '김철수', lastMessageAt: '2026-11-18T08:00:00Z' }),
      ],
      groups: [
        { id: 1, name: 'VIP' },
        { id: 2, name: '待回复' },
      ],
    });
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/marks?user=user0&group=2');
    expect(await screen.findByLabelText('Select user2', { selector: 'input' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Select user1', { selector: 'input' })).toBeNull();
    expect(screen.getByText(/Showing 1 of 3 conversations/)).toBeInTheDocument();

    await user.selectOptions(screen.getByRole('combobox', { name: 'Conversation group' }), 'VIP');
    await waitFor(() => expect(router.state.location.search).toBe('?user=user0&group=1'));
    expect(rowCheckbox('user1')).toBeInTheDocument();
    expect(rowCheckbox('user2')).toBeInTheDocument();
    expect(screen.queryByLabelText('Select user3', { selector: 'input' })).toBeNull();

    await user.selectOptions(screen.getByRole('combobox', { name: 'Conversation group' }), 'All groups');
    await waitFor(() => expect(router.state.location.search).toBe('?user=user0'));
    expect(rowCheckbox('user3')).toBeInTheDocument();
  });

  it('keeps a link’s deleted group visible in the filter, matching nothing', async () => {
    fakeMarksApi({ groups: [{ id: 1, name: 'VIP' }] });
    renderApp('/marks?user=user0&group=9');
    expect(await screen.findByText('No conversation matches these filters.')).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Conversation group' })).toHaveDisplayValue('Group 9 (no longer exists)');
  });

  it('keeps the text filter in the address bar, but not in the middle of an IME composition', async () => {
    fakeMarksApi();
    const { router } = renderApp('/marks?user=user0');
    const filter = await screen.findByRole('searchbox', { name: 'Filter conversations' });
    fireEvent.compositionStart(filter);
    fireEvent.change(filter, { target: { value: '김' } });
    expect(router.state.location.search).toBe('?user=user0');
    expect(screen.getByRole('checkbox', { name: 'Select user2' })).toBeInTheDocument();
    fireEvent.compositionEnd(filter, { data: '김' });
    await waitFor(() => expect(router.state.location.search).toBe('?user=user0&q=%EA%B9%80'));
    expect(screen.getByRole('checkbox', { name: 'Select user3' })).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: 'Select user2' })).toBeNull();
  });

  it('selects a range with shift-click', async () => {
    fakeMarksApi();
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    await user.click(await screen.findByLabelText('Select user1', { selector: 'input' }));
    await user.keyboard('{Shift>}');
    await user.click(rowCheckbox('user3'));
    await user.keyboard('{/Shift}');
    for (const id of ['user1', '@TGS#2ABC', 'user2', 'user3']) expect(rowCheckbox(id)).toBeChecked();
    expect(screen.getByText(/4 selected/)).toBeInTheDocument();
  });

  it('keeps 2,000 conversations virtualised: only a screenful of rows is in the page', async () => {
    const many = Array.from({ length: 2000 }, (_, index) => entry(`u${String(index).padStart(4, '0')}`, { lastMessageAt: null }));
    fakeMarksApi({ conversations: many });
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    expect(await screen.findByRole('checkbox', { name: 'Select u0000' })).toBeInTheDocument();
    const table = screen.getByRole('table');
    expect(table).toHaveAttribute('aria-rowcount', '2001');
    expect(within(table).getAllByRole('row').length).toBeLessThan(40);
    await user.click(screen.getByRole('button', { name: 'Select all 2,000 matching' }));
    expect(screen.getByText(/2,000 selected/)).toBeInTheDocument();
  });

  it('adds a conversation that is not in the list, and selects it', async () => {
    fakeMarksApi();
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    await screen.findByLabelText('Select user1', { selector: 'input' });
    await user.type(textField('Conversation ID'), 'newfriend');
    await user.click(screen.getByText('Add conversation', { selector: 'button' }));
    expect(await screen.findByLabelText('Select newfriend', { selector: 'input' })).toBeChecked();
    expect(screen.getByText('newfriend was added to the list and selected.')).toBeInTheDocument();
    await user.type(textField('Conversation ID'), 'x'.repeat(33));
    await user.click(screen.getByText('Add conversation', { selector: 'button' }));
    expect(screen.getByText('Too long: this ID is 33 bytes; the limit is 32 bytes.')).toBeInTheDocument();
  });
});

describe('Marks page: rows Chat sent oddly', { timeout: 60_000 }, () => {
  const longId = 'u'.repeat(40);

  it('says how many conversations could not be read and are not shown', async () => {
    fakeMarksApi({ skipped: 2 });
    renderApp('/marks?user=user0');
    expect(await screen.findByText('2 conversations could not be read from Chat and are not shown.')).toBeInTheDocument();
  });

  it('shows no such notice when nothing was left out', async () => {
    fakeMarksApi({ skipped: 0 });
    renderApp('/marks?user=user0');
    await screen.findByLabelText('Select user1', { selector: 'input' });
    expect(screen.queryByText(/could not be read from Chat/)).not.toBeInTheDocument();
  });

  it('lists a conversation whose ID is over Chat’s limit as read-only: it cannot be selected, not even by Select all', async () => {
    fakeMarksApi({
      conversations: [entry('user1', { name: 'Minji Kim' }), entry(longId, { warnings: ['id-too-long'], lastMessageAt: '2026-11-19T08:00:00Z' })],
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    const readOnly = await screen.findByLabelText(/^Select u{40}: This ID is longer than Chat allows/, { selector: 'input[type="checkbox"]' });
    expect(readOnly).toBeDisabled();
    expect(screen.getByText(/· read-only/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Select all 2 matching' }));
    expect(screen.getByText(/· 1 selected$/)).toBeInTheDocument();
    expect(rowCheckbox('user1')).toBeChecked();
    expect(readOnly).not.toBeChecked();
  });
});

describe('Marks page: saving', { timeout: 120_000 }, () => {
  it('sends the one touched change to every selected conversation, shows results, refetches and keeps the selection', async () => {
    const { api } = fakeMarksApi();
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    await user.click(await screen.findByLabelText('Select user1', { selector: 'input' }));
    await user.click(rowCheckbox('@TGS#2ABC'));
    await editorShown();
    expect(bitBox('Favourite (bit 0)')).toBeChecked();
    expect(bitBox('Hidden (bit 3)')).toBePartiallyChecked();
    await user.click(bitBox('Hidden (bit 3)'));
    await user.click(bitBox('Hidden (bit 3)'));
    await user.click(bitBox('VIP (bit 32)'));
    await user.type(textField('Reason'), 'ticket 4711');
    expect(screen.getByTestId('mark-preview')).toHaveTextContent('Set: VIP (bit 32) · Clear: Hidden');
    await user.click(screen.getByText('Save marks', { selector: 'button' }));

    expect(await screen.findByText('Result of the last save', { selector: 'h2' })).toBeInTheDocument();
    const [post] = posts(api);
    expect(post?.path).toBe('/api/chat-users/user0/marks');
    expect(post?.headers.get('X-Requested-By')).toBe('markdesk');
    expect(post?.body).toEqual({
      items: [
        { conversation: { type: 'c2c', id: 'user1' }, setBits: [32], clearBits: [3] },
        { conversation: { type: 'group', id: '@TGS#2ABC' }, setBits: [32], clearBits: [3] },
      ],
      reason: 'ticket 4711',
    });
    expect(screen.getByText('2 applied · 0 unchanged · 0 conflicts · 0 failed')).toBeInTheDocument();
    // A refetch after the save (on a slow machine the 15 s poll may add more).
    await waitFor(() => expect(api.requests.filter((request) => request.path === '/api/chat-users/user0/conversations').length).toBeGreaterThanOrEqual(2));
    // Selection kept, editor re-initialised from the new server state.
    expect(rowCheckbox('user1')).toBeChecked();
    expect(rowCheckbox('@TGS#2ABC')).toBeChecked();
    await waitFor(() => expect(bitBox('VIP (bit 32)')).toBeChecked());
    expect(bitBox('Hidden (bit 3)')).not.toBeChecked();
    expect(screen.getByText('Save marks', { selector: 'button' })).toBeDisabled();
    // Dismissing the results (the focus was in them) leaves the keyboard at the editor's heading.
    await user.click(screen.getByText('Dismiss results', { selector: 'button' }));
    expect(screen.queryByText('Result of the last save', { selector: 'h2' })).toBeNull();
    await waitFor(() => expect(screen.getByText('Mark editor', { selector: 'h2' })).toHaveFocus());
  });

  it('keeps what the person is editing when the list is read again and the selected conversations are as they were', async () => {
    const { api, state } = fakeMarksApi();
    const user = userEvent.setup({ delay: null });
    const { queryClient } = renderApp('/marks?user=user0');
    await user.click(await screen.findByLabelText('Select user1', { selector: 'input' }));
    await editorShown();
    await user.click(bitBox('VIP (bit 32)'));
    await user.type(textField('Reason'), 'ticket 4711');
    // Another conversation changes (a new message), so the list read again differs, but not the selected one.
    state.set('c2c:user2', { ...state.get('c2c:user2')!, lastMessageAt: '2026-11-21T08:00:00Z' });
    const reads = api.requests.filter((request) => request.path === '/api/chat-users/user0/conversations').length;
    await queryClient.refetchQueries({ queryKey: ['chat-users'] });
    await waitFor(() => expect(api.requests.filter((request) => request.path === '/api/chat-users/user0/conversations').length).toBeGreaterThan(reads));
    await waitFor(() => expect(screen.getAllByText('Wei Zhang').length).toBeGreaterThan(0));
    expect(bitBox('VIP (bit 32)')).toBeChecked();
    expect(screen.getByTestId('mark-preview')).toHaveTextContent('Set: VIP (bit 32)');
    expect(textField('Reason')).toHaveValue('ticket 4711');

    // Someone else marks the selected conversation unread: the editor shows it, and keeps the
    // person's own change, custom mark and reason over it.
    await user.type(textField('Custom mark'), ' gold');
    state.set('c2c:user1', { ...state.get('c2c:user1')!, bits: [0, 1, 33] });
    await queryClient.refetchQueries({ queryKey: ['chat-users'] });
    await waitFor(() => expect(bitBox('Unread (bit 1)')).toBeChecked());
    expect(bitBox('VIP (bit 32)')).toBeChecked();
    expect(bitBox('Favourite (bit 0)')).toBeChecked();
    expect(textField('Custom mark')).toHaveValue('VIP gold');
    expect(textField('Reason')).toHaveValue('ticket 4711');
    expect(screen.getByTestId('mark-preview')).toHaveTextContent("Set: VIP (bit 32) · Custom mark → 'VIP gold'");
  });

  it('guards a custom-mark edit with the value each conversation had, and re-applies after a conflict', async () => {
    const { api, state } = fakeMarksApi();
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    await user.click(await screen.findByLabelText('Select user1', { selector: 'input' }));
    await user.click(rowCheckbox('user2'));
    await editorShown();
    expect(textField('Custom mark')).toHaveAttribute('placeholder', '(mixed)');
    await user.type(textField('Custom mark'), '에스컬레이션');
    expect(screen.getByTestId('custom-mark-bytes')).toHaveTextContent('18 / 256 bytes');

    // Someone else changes user1's custom mark meanwhile.
    state.set('c2c:user1', { ...(state.get('c2c:user1') as ConversationEntry), customMark: 'VIP+' });
    await user.click(screen.getByText('Save marks', { selector: 'button' }));
    expect(await screen.findByText('1 applied · 0 unchanged · 1 conflicts · 0 failed')).toBeInTheDocument();
    expect(posts(api)[0]?.body).toMatchObject({
      items: [
        { conversation: { type: 'c2c', id: 'user1' }, customMark: '에스컬레이션', expectedCustomMark: 'VIP' },
        { conversation: { type: 'c2c', id: 'user2' }, customMark: '에스컬레이션', expectedCustomMark: '' },
      ],
    });
    expect(screen.getByText(/changed by someone else since you loaded it \(now ‘VIP\+’\)/)).toBeInTheDocument();

    // A double click: the second click meets a reapply already under way (its reread included).
    const reapply = screen.getByText('Reload and re-apply', { selector: 'button' });
    await user.dblClick(reapply);
    expect(await screen.findByText('2 applied · 0 unchanged · 0 conflicts · 0 failed')).toBeInTheDocument();
    expect(posts(api)).toHaveLength(2);
    expect(posts(api)[1]?.body).toEqual({ items: [{ conversation: { type: 'c2c', id: 'user1' }, customMark: '에스컬레이션', expectedCustomMark: 'VIP+' }] });
    expect(state.get('c2c:user1')?.customMark).toBe('에스컬레이션');
  });

  it('explains a failed item with the Chat error sentence', async () => {
    fakeMarksApi({
      resultFor: (item) =>
        item.conversation.type === 'group'
          ? { conversation: item.conversation, status: 'failed', before: null, after: null, code: 'UPSTREAM_ERROR', message: 'x', upstreamCode: 51007, auditId: 'a1' }
          : undefined,
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    await user.click(await screen.findByLabelText('Select @TGS#2ABC', { selector: 'input' }));
    await editorShown();
    await user.click(bitBox('Unread (bit 1)'));
    await user.click(screen.getByText('Save marks', { selector: 'button' }));
    expect(await screen.findByText('0 applied · 0 unchanged · 0 conflicts · 1 failed')).toBeInTheDocument();
    const failed = document.querySelector('[data-status="failed"]') as HTMLElement;
    expect(within(failed).getByText('Failed')).toBeInTheDocument();
    expect(failed.textContent).toMatch(/group/i);
  });

  it('opens a change prepared elsewhere (router state): conversations selected, bits ticked, nothing sent yet', async () => {
    const { api } = fakeMarksApi();
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp({
      pathname: '/marks',
      search: '?user=user0',
      state: { marksDraft: { conversations: [{ type: 'c2c', id: 'user1' }, { type: 'c2c', id: 'brand.new' }], setBits: [1], clearBits: [0] } },
    });
    expect(await screen.findByLabelText('Select brand.new', { selector: 'input' })).toBeChecked();
    expect(rowCheckbox('user1')).toBeChecked();
    await editorShown();
    expect(bitBox('Unread (bit 1)')).toBeChecked();
    expect(bitBox('Favourite (bit 0)')).not.toBeChecked();
    expect(screen.getByTestId('mark-preview')).toHaveTextContent('Set: Unread · Clear: Favourite');
    expect(posts(api)).toHaveLength(0);
    await waitFor(() => expect(router.state.location.state).toBeNull());
    await user.click(screen.getByText('Save marks', { selector: 'button' }));
    expect(await screen.findByText('2 applied · 0 unchanged · 0 conflicts · 0 failed')).toBeInTheDocument();
  });

  it('is read-only for viewers', async () => {
    fakeMarksApi({ role: 'viewer' });
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    await user.click(await screen.findByLabelText('Select user1', { selector: 'input' }));
    expect(screen.getByText('You have the viewer role: you can see marks but not change them.')).toBeInTheDocument();
    await editorShown();
    expect(bitBox('Favourite (bit 0)')).toBeDisabled();
    expect(screen.queryByText('Save marks', { selector: 'button' })).toBeNull();
    expect(screen.queryByLabelText('Conversation ID')).toBeNull();
  });

  it('asks before saving more than 100 conversations, naming the count and the change', async () => {
    const conversations = Array.from({ length: 101 }, (_, n) => entry(`peer${n}`, { lastMessageAt: '2026-11-20T08:00:00Z' }));
    const { api } = fakeMarksApi({ conversations });
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    await user.click(await screen.findByRole('button', { name: 'Select all 101 matching' }));
    await editorShown();
    await user.click(bitBox('Favourite (bit 0)'));
    await user.click(screen.getByText('Save marks', { selector: 'button' }));
    const dialog = await screen.findByRole('dialog', { name: 'Save marks on 101 conversations?' });
    expect(within(dialog).getByText(/changes 101 conversations at once: Set: Favourite/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(posts(api)).toHaveLength(0);

    await user.click(screen.getByText('Save marks', { selector: 'button' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Save 101 conversations' }));
    await waitFor(() => expect(posts(api)).toHaveLength(1));
    expect(posts(api)[0]?.body).toMatchObject({ items: expect.arrayContaining([{ conversation: { type: 'c2c', id: 'peer100' }, setBits: [0], clearBits: [] }]) });
  });
});

describe('Marks page: a save that does not get through', { timeout: 180_000 }, () => {
  it('keeps selection, bits, custom mark and reason on a 503 (the write had landed), and Retry sends the same request: unchanged, never twice', async () => {
    const { api, state, down } = fakeMarksApi({ postFault: (attempt) => (attempt === 1 ? { landed: true, answer: 503 } : undefined) });
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    await user.click(await screen.findByLabelText('Select user1', { selector: 'input' }));
    await editorShown();
    await user.click(bitBox('Unread (bit 1)'));
    await user.clear(textField('Custom mark'));
    await user.type(textField('Custom mark'), 'VIP-2');
    await user.type(textField('Reason'), 'ticket 9');
    // The server goes down with the save: the refetch after it fails too.
    down.value = true;
    await user.click(screen.getByText('Save marks', { selector: 'button' }));

    const alert = await screen.findByText('The marks were not saved');
    const box = alert.closest('[role="alert"]') as HTMLElement;
    expect(within(box).getByText('Markdesk is temporarily unavailable. Try again in a moment.')).toBeInTheDocument();
    expect(within(box).getByText('Request ID: req-503-unavailable')).toBeInTheDocument();
    // Nothing lost, and no error page: the list, the selection, the editor as it was.
    expect(await screen.findByText(/^The list could not be refreshed and shows what was loaded last\./)).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Conversations of user0' })).toBeInTheDocument();
    expect(rowCheckbox('user1')).toBeChecked();
    expect(bitBox('Unread (bit 1)')).toBeChecked();
    expect(textField('Custom mark')).toHaveValue('VIP-2');
    expect(textField('Reason')).toHaveValue('ticket 9');
    expect(screen.getByTestId('mark-preview')).toHaveTextContent("Set: Unread · Custom mark → 'VIP-2'");
    expect(state.get('c2c:user1')?.customMark).toBe('VIP-2');

    down.value = false;
    await user.click(within(box).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('0 applied · 1 unchanged · 0 conflicts · 0 failed')).toBeInTheDocument();
    const [first, second] = posts(api);
    expect(second?.body).toEqual(first?.body);
    expect(first?.body).toEqual({
      items: [{ conversation: { type: 'c2c', id: 'user1' }, setBits: [1], customMark: 'VIP-2', expectedCustomMark: 'VIP' }],
      reason: 'ticket 9',
    });
    expect(screen.queryByText('The marks were not saved')).toBeNull();
    // The results are read next.
    await waitFor(() => expect(screen.getByText('Result of the last save', { selector: 'h2' })).toHaveFocus());
  });

  it('shows what a save sent in turns got through before it stopped, and Retry sends only the rest', async () => {
    const conversations = Array.from({ length: 1005 }, (_, n) => entry(`peer${n}`, { lastMessageAt: '2026-11-20T08:00:00Z' }));
    const { api } = fakeMarksApi({ conversations, postFault: (attempt) => (attempt === 2 ? { landed: false, answer: 503 } : undefined) });
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    await user.click(await screen.findByRole('button', { name: 'Select all 1,005 matching' }));
    await editorShown();
    await user.click(bitBox('Favourite (bit 0)'));
    await user.type(textField('Reason'), 'ticket 12');
    await user.click(screen.getByText('Save marks', { selector: 'button' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: /^Save 1,?005 conversations$/ }));

    const box = (await screen.findByText('Not every mark was saved')).closest('[role="alert"]') as HTMLElement;
    expect(within(box).getByText(/^1,?000 of 1,?005 conversations were saved \(their results are below\); the other 5 were not sent\. Retry sends only those\.$/)).toBeInTheDocument();
    expect(screen.getByText(/^1,?000 applied · 0 unchanged · 0 conflicts · 0 failed$/)).toBeInTheDocument();
    expect(textField('Reason')).toHaveValue('ticket 12');

    await user.click(within(box).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText(/^1,?005 applied · 0 unchanged · 0 conflicts · 0 failed$/)).toBeInTheDocument();
    const sent = posts(api).map((post) => (post.body as MarkRequest).items.length);
    expect(sent).toEqual([1000, 5, 5]);
    expect(screen.queryByText('Not every mark was saved')).toBeNull();
  });

  it('says the server could not be reached on a network error, and saves on Retry', async () => {
    const { api } = fakeMarksApi({ postFault: (attempt) => (attempt === 1 ? { landed: false, answer: 'network' } : undefined) });
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    await user.click(await screen.findByLabelText('Select user2', { selector: 'input' }));
    await editorShown();
    await user.click(bitBox('Favourite (bit 0)'));
    await user.click(screen.getByText('Save marks', { selector: 'button' }));
    const box = (await screen.findByText('The marks were not saved')).closest('[role="alert"]') as HTMLElement;
    expect(within(box).getByText('Markdesk could not be reached. Check your connection and try again.')).toBeInTheDocument();
    expect(within(box).getByText(/The server could not be reached, so this request has no request ID/)).toBeInTheDocument();
    expect(bitBox('Favourite (bit 0)')).toBeChecked();
    await user.click(within(box).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('1 applied · 0 unchanged · 0 conflicts · 0 failed')).toBeInTheDocument();
    expect(posts(api)).toHaveLength(2);
    expect(posts(api)[1]?.body).toEqual(posts(api)[0]?.body);
  });
});

describe('Marks page: conversation groups from the editor', { timeout: 180_000 }, () => {
  it('adds the selected conversations to a group with the reason, and removes them', async () => {
    const { api } = fakeMarksApi();
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    await user.click(await screen.findByLabelText('Select user1', { selector: 'input' }));
    await user.click(rowCheckbox('user2'));
    await editorShown();
    const region = screen.getByRole('region', { name: 'Mark editor' });
    await user.type(within(region).getByRole('textbox', { name: 'Reason' }), 'ticket 12');
    const group = await within(region).findByRole('combobox', { name: 'Group' });
    await user.selectOptions(group, 'VIP (1)');
    await user.click(within(region).getByRole('button', { name: 'Add to group' }));
    expect(await within(region).findByText('Added to VIP: 2 conversations.')).toBeInTheDocument();
    const groupPosts = () => api.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/conversations'));
    expect(groupPosts()[0]?.path).toBe('/api/chat-users/user0/groups/7/conversations');
    expect(groupPosts()[0]?.body).toEqual({
      add: [
        { type: 'c2c', id: 'user1' },
        { type: 'c2c', id: 'user2' },
      ],
      reason: 'ticket 12',
    });
    await user.click(within(region).getByRole('button', { name: 'Remove from group' }));
    expect(await within(region).findByText('Removed from VIP: 2 conversations.')).toBeInTheDocument();
    expect(groupPosts()[1]?.body).toMatchObject({ remove: [{ id: 'user1' }, { id: 'user2' }] });
  });

  it('is not offered to viewers', async () => {
    fakeMarksApi({ role: 'viewer' });
    const user = userEvent.setup({ delay: null });
    renderApp('/marks?user=user0');
    await user.click(await screen.findByLabelText('Select user1', { selector: 'input' }));
    await editorShown();
    expect(screen.queryByRole('button', { name: 'Add to group' })).toBeNull();
    expect(screen.queryByText('Conversation groups', { selector: 'h3' })).toBeNull();
  });
});
