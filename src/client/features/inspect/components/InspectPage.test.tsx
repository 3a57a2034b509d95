import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ConversationEntry } from '../../../../shared/api/chat-users';
import type { Role } from '../../../../shared/api/session';
import { readMarksDraft } from '../../../entities/marks/model/draft';
import { installFakeApi, json } from '../../../test/fake-api';
import { entry, sandboxHealth, session } from '../../../test/fixtures';
import { renderApp } from '../../../test/render';

const CONVERSATIONS: ConversationEntry[] = [
  entry('pinned.peer', { name: 'Pinned Peer', pinned: true, lastMessageAt: '2026-11-10T08:00:00Z' }),
  entry('hidden.peer', { name: 'Hidden Peer', bits: [3], lastMessageAt: '2026-11-20T08:00:00Z' }),
  entry('folded.peer', { name: 'Folded Peer', bits: [2, 32], lastMessageAt: '2026-11-19T08:00:00Z' }),
  // Hidden beats collapsed: gone, not folded.
  entry('both.peer', { name: 'Both Peer', bits: [2, 3], lastMessageAt: '2026-11-18T08:00:00Z' }),
  entry('starred.peer', { name: 'Starred Peer', bits: [0, 1], lastMessageAt: '2026-11-17T08:00:00Z' }),
  entry('old.peer', { name: 'Old Peer', bits: [0], inRecentList: false, lastMessageAt: null }),
];

function fakeInspectApi(conversations: ConversationEntry[] = CONVERSATIONS, role: Role = 'editor') {
  return installFakeApi({
    'GET /api/session': session(role),
    'GET /api/health': sandboxHealth,
    'GET /api/mark-labels': json({ labels: { '32': { name: 'VIP', description: '' } } }),
    'GET /api/chat-users/:userId': (request) => json({ userId: request.params.userId, imported: request.params.userId === 'user0' }),
    'GET /api/chat-users/:userId/conversations': json({ userId: 'user0', conversations, groups: [] }),
    'GET /api/audit': json({ entries: [], nextCursor: null }),
  });
}

// jsdom's Blob has no text(): read it as bytes, keeping the byte-order mark Excel needs.
const blobText = (blob: Blob) =>
  new Promise<string>((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new TextDecoder('utf-8', { ignoreBOM: true }).decode(reader.result as ArrayBuffer));
    reader.readAsArrayBuffer(blob);
  });

const raw = () => screen.getByRole('region', { name: 'All conversations' });
const app = () => screen.getByRole('region', { name: 'As the app shows it' });
const appOrder = () =>
  within(app())
    .getAllByRole('listitem')
    .map((item) => item.getAttribute('data-conversation') ?? 'folded');

describe('Inspect page', { timeout: 60_000 }, () => {
  it('draws its frame while the conversations load: the what-if explains itself and can be turned on at once', async () => {
    let answer: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (answer = resolve));
    installFakeApi({
      'GET /api/session': session('editor'),
      'GET /api/health': sandboxHealth,
      'GET /api/mark-labels': json({ labels: {} }),
      'GET /api/chat-users/:userId': (request) => json({ userId: request.params.userId, imported: true }),
      'GET /api/chat-users/:userId/conversations': async () => {
        await gate;
        return json({ userId: 'user0', conversations: CONVERSATIONS, groups: [] });
      },
    });
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/inspect?user=user0');
    expect(await screen.findByText(/Turn on what-if mode to tick bits/)).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    expect(screen.queryByRole('region', { name: 'All conversations' })).toBeNull();

    // Turned on before the list is there: the mode stays on once it arrives, and the address keeps it.
    await user.click(screen.getByRole('switch', { name: 'What-if mode' }));
    answer();
    await screen.findByRole('region', { name: 'All conversations' });
    expect(screen.getByRole('switch', { name: 'What-if mode' })).toBeChecked();
    expect(screen.queryByText(/Turn on what-if mode to tick bits/)).toBeNull();
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).get('whatif')).toBe('1'));
  });

  it('shows every conversation beside the list as the app shows it, with the folded row that opens', async () => {
    fakeInspectApi();
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/inspect');
    await user.type(await screen.findByRole('textbox', { name: 'Chat user ID' }), 'user0{Enter}');
    await screen.findByRole('region', { name: 'All conversations' });
    expect(router.state.location.search).toBe('?user=user0');

    for (const id of ['pinned.peer', 'hidden.peer', 'folded.peer', 'both.peer', 'starred.peer', 'old.peer']) expect(within(raw()).getByText(id)).toBeInTheDocument();
    expect(await within(raw()).findByTitle('VIP (bit 32)')).toBeInTheDocument();
    const inApp = (id: string) => within(within(raw()).getByText(id).closest('[role="row"]') as HTMLElement).getAllByRole('cell').at(-1);
    expect(inApp('pinned.peer')).toHaveTextContent('Shown');
    expect(inApp('hidden.peer')).toHaveTextContent('Hidden');
    expect(inApp('both.peer')).toHaveTextContent('Hidden');
    expect(inApp('folded.peer')).toHaveTextContent('Folded');
    expect(inApp('old.peer')).toHaveTextContent('Not listed');

    // Pinned first, then by last message; the folded row sits by its newest message; hidden and unlisted gone.
    expect(appOrder()).toEqual(['c2c:pinned.peer', 'folded', 'c2c:starred.peer']);
    const folded = within(app()).getByRole('button', { name: 'Folded conversations (1)' });
    expect(folded).toHaveTextContent(/^Folded conversations \(1\)$/);
    expect(folded).toHaveAttribute('aria-expanded', 'false');
    const starred = within(app()).getByText('starred.peer').closest('[role="listitem"]') as HTMLElement;
    expect(within(starred).getByTitle('Favourite')).toBeInTheDocument();
    expect(within(starred).getByRole('img', { name: 'Marked unread' })).toBeInTheDocument();
    expect(within(starred).queryByText(/\d+ unread/)).toBeNull();

    await user.click(folded);
    expect(folded).toHaveAttribute('aria-expanded', 'true');
    expect(appOrder()).toEqual(['c2c:pinned.peer', 'folded', 'c2c:folded.peer', 'c2c:starred.peer']);

    expect(screen.getByText('6 conversations · 2 shown in the app · 1 folded · 2 hidden · 1 not in the recent list')).toBeInTheDocument();
    const counts = screen.getByRole('region', { name: 'Conversations per bit' });
    const countOf = (bit: number) => counts.querySelector(`[data-bit="${bit}"]`)?.textContent;
    expect(countOf(3)).toBe('Hidden2');
    expect(countOf(32)).toBe('VIP (bit 32)1');
  });

  it('previews a what-if without sending anything, and carries it to the editor', async () => {
    const api = fakeInspectApi();
    const user = userEvent.setup({ delay: null });
    const { router } = renderApp('/inspect?user=user0');
    await screen.findByRole('region', { name: 'All conversations' });
    await user.click(screen.getByRole('switch', { name: 'What-if mode' }));
    expect(screen.getByText('Preview only — not saved')).toBeInTheDocument();

    await user.click(screen.getByRole('checkbox', { name: 'Choose hidden.peer for what-if' }));
    await user.click(screen.getByRole('checkbox', { name: 'Choose starred.peer for what-if' }));
    const hiddenBit = screen.getByRole('checkbox', { name: 'Hidden (bit 3)' });
    expect(hiddenBit).toHaveAttribute('data-indeterminate', 'true');
    // Mixed → on → off: clear Hidden on both; collapse them both.
    await user.click(hiddenBit);
    await user.click(hiddenBit);
    await user.click(screen.getByRole('checkbox', { name: 'Collapsed (bit 2)' }));
    expect(screen.getByTestId('what-if-change')).toHaveTextContent('Set: Collapsed · Clear: Hidden');

    expect(within(app()).getByText('What-if preview, not saved')).toBeInTheDocument();
    expect(appOrder()).toEqual(['c2c:pinned.peer', 'folded']);
    expect(within(app()).getByRole('button', { name: 'Folded conversations (3)' })).toBeInTheDocument();
    const counts = screen.getByRole('region', { name: 'Conversations per bit' });
    expect(counts.querySelector('[data-bit="2"]')?.textContent).toBe('Collapsed4(+2)');

    // Nothing was written: no request but reads.
    expect(api.requests.filter((request) => request.method !== 'GET')).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Open in editor' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/marks'));
    expect(router.state.location.search).toBe('?user=user0');
    expect(readMarksDraft(router.state.location.state)).toEqual({
      conversations: [
        { type: 'c2c', id: 'hidden.peer' },
        { type: 'c2c', id: 'starred.peer' },
      ],
      setBits: [2],
      clearBits: [3],
    });
    expect(api.requests.filter((request) => request.method !== 'GET')).toEqual([]);

    // The Marks page starts from it: both selected, Collapsed ticked, Hidden cleared, nothing saved.
    expect(await screen.findByText(/^Opened from Inspect’s what-if: 2 conversations selected/)).toBeInTheDocument();
    const box = (label: string) => screen.getByLabelText(label, { selector: 'input[type="checkbox"]' });
    expect(box('Select hidden.peer')).toBeChecked();
    expect(box('Select starred.peer')).toBeChecked();
    // The editor's code is its own chunk: it may still be arriving.
    expect(await screen.findByLabelText('Collapsed (bit 2)', { selector: 'input[type="checkbox"]' })).toBeChecked();
    expect(box('Hidden (bit 3)')).not.toBeChecked();
    expect(api.requests.filter((request) => request.method !== 'GET')).toEqual([]);

    // With one conversation selected, its history is one link away.
    await user.click(box('Select starred.peer'));
    await user.click(screen.getByRole('link', { name: 'History of this conversation' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/history'));
    expect(router.state.location.search).toBe('?chatUser=user0&conversationType=c2c&conversationId=hidden.peer&match=exact');
  });

  it('gives a viewer no editor: the link to copy and a bulk-job file of the conversations the what-if changes', async () => {
    const api = fakeInspectApi(CONVERSATIONS, 'viewer');
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:what-if';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    const user = userEvent.setup({ delay: null });
    // After setup: user-event puts its own clipboard on the navigator.
    const writeText = vi.fn(async (_text: string) => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderApp('/inspect?user=user0');
    await screen.findByRole('region', { name: 'All conversations' });
    await user.click(screen.getByRole('switch', { name: 'What-if mode' }));
    await user.click(screen.getByRole('checkbox', { name: 'Choose hidden.peer for what-if' }));
    await user.click(screen.getByRole('checkbox', { name: 'Choose starred.peer for what-if' }));
    expect(screen.getByRole('button', { name: 'Download as bulk CSV' })).toBeDisabled();
    // Mixed → on → off: Hidden cleared, which changes hidden.peer only (starred.peer is not hidden).
    const hiddenBit = screen.getByRole('checkbox', { name: 'Hidden (bit 3)' });
    await user.click(hiddenBit);
    await user.click(hiddenBit);
    expect(screen.getByTestId('what-if-change')).toHaveTextContent('Clear: Hidden');
    expect(screen.queryByRole('button', { name: 'Open in editor' })).toBeNull();
    expect(screen.getByText(/bulk-job file \(1 lines/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Copy link' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledTimes(1));
    const link = new URL(writeText.mock.calls[0]?.[0] ?? '');
    expect(link.pathname).toBe('/inspect');
    expect(link.searchParams.get('user')).toBe('user0');
    expect(link.searchParams.get('whatif')).toBe('1');
    expect(link.searchParams.getAll('chosen').sort()).toEqual(['c2c:hidden.peer', 'c2c:starred.peer']);
    expect(link.searchParams.get('off')).toBe('3');
    expect(await screen.findByText('Link to this what-if copied.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Download as bulk CSV' }));
    expect(clicked.map((anchor) => anchor.download)).toEqual(['markdesk-what-if-user0.csv']);
    expect(await blobText(blobs[0] as Blob)).toBe(
      '\uFEFFchat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark,clear_custom_mark\r\nuser0,c2c,hidden.peer,,3,,\r\n',
    );
    expect(api.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it('searches all conversations only once an IME composition is confirmed', async () => {
    fakeInspectApi([entry('minji', { name: '김민지' }), entry('wei', { name: '张伟' })]);
    const { router } = renderApp('/inspect?user=user0');
    await screen.findByRole('region', { name: 'All conversations' });
    const search = screen.getByRole('searchbox', { name: 'Search conversations' });
    fireEvent.compositionStart(search, { data: '' });
    fireEvent.compositionUpdate(search, { data: 'ㄱ' });
    fireEvent.change(search, { target: { value: 'ㄱ' } });
    fireEvent.compositionUpdate(search, { data: '김' });
    fireEvent.change(search, { target: { value: '김' } });
    // Mid-composition: the list and the address are as they were.
    expect(within(raw()).getByText('wei')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?user=user0');
    fireEvent.compositionEnd(search, { data: '김' });
    await waitFor(() => expect(within(raw()).queryByText('wei')).toBeNull());
    expect(within(raw()).getByText('minji')).toBeInTheDocument();
    expect(new URLSearchParams(router.state.location.search).get('q')).toBe('김');
  });

  it('renders only a screenful of rows for a user with 1,500 conversations', async () => {
    const many = Array.from({ length: 1500 }, (_, index) =>
      // Every third one collapsed, and those the newest: the folded row comes first.
      entry(`customer.${String(index).padStart(4, '0')}`, { bits: index % 3 === 0 ? [2] : [], lastMessageAt: `2026-11-${index % 3 === 0 ? '02' : '01'}T00:${String(index % 60).padStart(2, '0')}:00Z` }),
    );
    fakeInspectApi(many);
    renderApp('/inspect?user=user0');
    const table = await within(await screen.findByRole('region', { name: 'All conversations' })).findByRole('table');
    expect(table).toHaveAttribute('aria-rowcount', '1501');
    expect(within(table).getAllByRole('row').length).toBeLessThan(40);
    expect(within(app()).getByRole('button', { name: 'Folded conversations (500)' })).toBeInTheDocument();
    expect(within(app()).getAllByRole('listitem').length).toBeLessThan(40);
  });
});
