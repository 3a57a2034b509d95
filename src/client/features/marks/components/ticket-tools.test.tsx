import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import type { ConversationEntry } from '../../../../shared/api/chat-users';
import { renderWithProviders } from '../../../test/render';
import { LastChangeNote } from './LastChangeNote';
import { PasteSelection } from './PasteSelection';

describe('PasteSelection', () => {
  const listed = [
    { type: 'c2c' as const, id: 'alice' },
    { type: 'c2c' as const, id: 'bob' },
    { type: 'group' as const, id: '@TGS#2SUPPORT' },
  ];

  it('selects the pasted conversations, names the missing ones and offers to add them', async () => {
    const user = userEvent.setup();
    const onSelect = vi.fn();
    const onAddMissing = vi.fn();
    renderWithProviders(<PasteSelection listed={listed} onSelect={onSelect} onAddMissing={onAddMissing} />);
    await user.click(screen.getByRole('textbox', { name: 'Paste conversation IDs' }));
    await user.paste('alice\n@TGS#2SUPPORT\nzoe');
    await user.click(screen.getByRole('button', { name: 'Select pasted' }));
    expect(onSelect).toHaveBeenCalledWith(['c2c:alice', 'group:@TGS#2SUPPORT']);
    expect(screen.getByRole('status')).toHaveTextContent('Selected 2 of 3 pasted. Not in the list: zoe.');
    await user.click(screen.getByRole('button', { name: 'Add the 1 missing to the list' }));
    expect(onAddMissing).toHaveBeenCalledWith([{ type: 'c2c', id: 'zoe' }]);
    expect(screen.queryByRole('button', { name: /missing to the list/ })).toBeNull();
  });
});

describe('LastChangeNote', () => {
  const entry = (over: Partial<ConversationEntry>): ConversationEntry => ({
    conversation: { type: 'c2c', id: 'p1' },
    name: null,
    pinned: false,
    lastMessageAt: null,
    inRecentList: true,
    bits: [3],
    customMark: '',
    groupIds: [],
    markUpdatedAt: '2026-12-01T10:00:00Z',
    ...over,
  });
  const show = (value: ConversationEntry) =>
    renderWithProviders(
      <MemoryRouter>
        <LastChangeNote chatUser="agent" entry={value} />
      </MemoryRouter>,
    );

  it('says when, with the time zone, and who in Markdesk, linking to the conversation’s history', () => {
    show(entry({ lastChange: { source: 'markdesk', entryId: 'e1', at: '2026-12-01T10:00:01Z', staff: 'sam' } }));
    expect(screen.getByText(/^Marks last changed .*2026.* · in Markdesk by sam/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Its changes in History' })).toHaveAttribute('href', expect.stringContaining('/history?chatUser=agent&conversationType=c2c&conversationId=p1'));
  });
  it('says outside Markdesk for the app’s change, and names a clear made outside', () => {
    const { unmount } = show(entry({ lastChange: { source: 'elsewhere' } }));
    expect(screen.getByText(/outside Markdesk \(in the app or by another server\)/)).toBeInTheDocument();
    expect(screen.queryByRole('link')).toBeNull();
    unmount();
    show(entry({ markUpdatedAt: null, bits: [], lastChange: { source: 'elsewhere', afterEntryId: 'e1' } }));
    expect(screen.getByText(/^Marks cleared outside Markdesk after its last change/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Its changes in History' })).toBeInTheDocument();
  });
  it('shows nothing when nothing is known', () => {
    const { container } = show(entry({ markUpdatedAt: null }));
    expect(container).toBeEmptyDOMElement();
  });
});
