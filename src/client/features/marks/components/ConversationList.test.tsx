// Moving through the virtual list with the keyboard: Up/Down/Home/End move the focus between the
// row checkboxes (scrolling rows into the DOM as needed), Space toggles, Shift extends a range.
import { act, fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useRef, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationEntry } from '../../../../shared/api/chat-users';
import { conversationKey } from '../../../../shared/marks/conversation';
import { createTranslator } from '../../../lib/i18n/translate';
import { entry } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render';
import { createBitLabeler } from '../../../entities/marks/model/bit-labels';
import { applySelectionClick } from '../model/selection';
import { ConversationList, rowForKey } from './ConversationList';

const labeler = createBitLabeler(createTranslator('en'), {});
const ids = (count: number) => Array.from({ length: count }, (_, index) => `u${String(index).padStart(3, '0')}`);

function List({ rows }: { rows: ConversationEntry[] }) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const anchor = useRef<string | null>(null);
  const keys = rows.map((row) => conversationKey(row.conversation));
  const onToggle = (index: number, shiftKey: boolean) => {
    setSelected((current) => {
      const result = applySelectionClick(current, keys, anchor.current, { index, shiftKey });
      anchor.current = result.anchor;
      return result.selected;
    });
  };
  return <ConversationList label="Conversations" rows={rows} rowKeys={rows.map((row) => conversationKey(row.conversation))} selected={selected} addedKeys={new Set()} onToggle={onToggle} labeler={labeler} />;
}

const box = (id: string) => screen.getByRole('checkbox', { name: `Select ${id}` });
const checkedIds = () =>
  screen
    .getAllByRole('checkbox')
    .filter((input) => (input as HTMLInputElement).checked)
    .map((input) => input.getAttribute('aria-label')?.replace('Select ', ''));

// jsdom lays nothing out and has no Element.scrollTo: give the list's body a scroll range (the
// virtualizer clamps to it), scroll it as a browser would, and tell the virtualizer with the
// scroll event it listens to.
beforeEach(() => {
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(480);
  vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockImplementation(function (this: HTMLElement) {
    return this.classList.contains('list-body') ? this.querySelector<HTMLElement>('.list-canvas')?.offsetHeight || Number.parseFloat((this.firstElementChild as HTMLElement | null)?.style.height ?? '0') : 0;
  });
  Object.defineProperty(HTMLElement.prototype, 'scrollTo', {
    configurable: true,
    value(this: HTMLElement, options: ScrollToOptions) {
      this.scrollTop = options.top ?? 0;
      this.dispatchEvent(new Event('scroll'));
    },
  });
});
afterEach(() => {
  delete (HTMLElement.prototype as Partial<HTMLElement>).scrollTo;
  vi.restoreAllMocks();
});

describe('rowForKey', () => {
  const all = () => true;
  it('moves one row, stops at the ends, and skips rows that cannot be selected', () => {
    expect(rowForKey('ArrowDown', 0, all, 3)).toBe(1);
    expect(rowForKey('ArrowDown', 2, all, 3)).toBeNull();
    expect(rowForKey('ArrowUp', 0, all, 3)).toBeNull();
    expect(rowForKey('Home', 2, all, 3)).toBe(0);
    expect(rowForKey('End', 0, all, 3)).toBe(2);
    const notOne = (index: number) => index !== 1;
    expect(rowForKey('ArrowDown', 0, notOne, 3)).toBe(2);
    expect(rowForKey('ArrowUp', 2, notOne, 3)).toBe(0);
    expect(rowForKey('Enter', 0, all, 3)).toBeNull();
  });
});

describe('ConversationList keyboard', { timeout: 60_000 }, () => {
  it('moves the focus with Up/Down, toggles with Space, and extends a range with Shift', async () => {
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<List rows={ids(5).map((id) => entry(id))} />);
    await user.click(box('u000'));
    expect(box('u000')).toBeChecked();
    expect(box('u000')).toHaveFocus();

    await user.keyboard('{ArrowDown}');
    expect(box('u001')).toHaveFocus();
    await user.keyboard(' ');
    expect(checkedIds()).toEqual(['u000', 'u001']);
    await user.keyboard(' ');
    expect(checkedIds()).toEqual(['u000']);

    // Shift+Down extends from the last toggled row to the row moved to.
    await user.keyboard('{Shift>}{ArrowDown}{ArrowDown}{/Shift}');
    expect(box('u003')).toHaveFocus();
    expect(checkedIds()).toEqual(['u000', 'u001', 'u002', 'u003']);
    await user.keyboard('{ArrowUp}');
    expect(box('u002')).toHaveFocus();

    // Shift+Space acts like a shift-click: u004 and everything back to the anchor (u003) take its new state.
    await user.keyboard('{ArrowDown}{ArrowDown}{Shift>} {/Shift}');
    expect(box('u004')).toHaveFocus();
    expect(checkedIds()).toEqual(['u000', 'u001', 'u002', 'u003', 'u004']);
  });

  it('goes to the first and last of 500 rows with Home/End, drawing the rows it lands on', async () => {
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<List rows={ids(500).map((id) => entry(id))} />);
    expect(screen.queryByRole('checkbox', { name: 'Select u499' })).toBeNull();
    act(() => box('u000').focus());

    await user.keyboard('{End}');
    expect(await screen.findByRole('checkbox', { name: 'Select u499' })).toHaveFocus();
    expect(screen.queryByRole('checkbox', { name: 'Select u000' })).toBeNull();
    await user.keyboard('{ArrowUp}');
    expect(box('u498')).toHaveFocus();
    await user.keyboard(' ');
    expect(checkedIds()).toEqual(['u498']);

    await user.keyboard('{Home}');
    expect(await screen.findByRole('checkbox', { name: 'Select u000' })).toHaveFocus();
    // Still virtualised: a screenful of rows, not 500.
    expect(screen.getAllByRole('checkbox').length).toBeLessThan(30);
  });

  it('skips a read-only row and never selects it', async () => {
    const user = userEvent.setup({ delay: null });
    const longId = 'x'.repeat(40);
    renderWithProviders(<List rows={[entry('u000'), entry(longId, { warnings: ['id-too-long'] }), entry('u002')]} />);
    act(() => box('u000').focus());
    await user.keyboard('{Shift>}{ArrowDown}{/Shift}');
    expect(box('u002')).toHaveFocus();
    expect(checkedIds()).toEqual(['u002']);
    await user.keyboard('{ArrowDown}');
    expect(box('u002')).toHaveFocus();
    await user.keyboard('{ArrowUp}');
    expect(box('u000')).toHaveFocus();
  });
});

describe('ConversationList in the Tab order', { timeout: 60_000 }, () => {
  // Tab used to walk every drawn row; each focus scrolled the list and drew the next rows, so a
  // keyboard user needed about 1,500 presses to get past heavy.user's list to the paste box.
  it('is one Tab stop, with that row’s "+N": Tab goes past 500 rows at once and comes back to the row last used', async () => {
    const user = userEvent.setup({ delay: null });
    const rows = ids(500).map((id) => entry(id, { bits: [0, 1, 2, 3, 32, 33] }));
    renderWithProviders(
      <>
        <button type="button">Before</button>
        <List rows={rows} />
        <button type="button">After</button>
      </>,
    );
    act(() => screen.getByRole('button', { name: 'Before' }).focus());
    await user.tab();
    expect(box('u000')).toHaveFocus();
    await user.tab();
    expect(screen.getAllByRole('button', { name: /^\+2: / })[0]).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('button', { name: 'After' })).toHaveFocus();

    // The row moved to with the arrows becomes the stop.
    await user.tab({ shift: true });
    await user.tab({ shift: true });
    expect(box('u000')).toHaveFocus();
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(box('u002')).toHaveFocus();
    await user.tab();
    await user.tab();
    expect(screen.getByRole('button', { name: 'After' })).toHaveFocus();
    await user.tab({ shift: true });
    await user.tab({ shift: true });
    expect(box('u002')).toHaveFocus();
    expect(screen.getAllByRole('checkbox').filter((input) => input.tabIndex === 0)).toHaveLength(1);
  });
});

describe('ConversationList exact times', () => {
  afterEach(() => vi.useRealTimers());

  it('gives the exact time of the last message and of the last change as titles: at once on hover, and to every row once the page is idle', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    renderWithProviders(<List rows={[entry('u000', { markUpdatedAt: '2026-11-21T09:30:00Z', lastChange: { source: 'elsewhere' } }), entry('u001')]} />);
    const times = () => [...document.querySelectorAll('time[datetime="2026-11-20T08:00:00Z"]')];
    const lastChange = screen.getByText(/^Marks last changed .+ · outside Markdesk$/);
    expect(lastChange).not.toHaveAttribute('title');
    for (const time of times()) expect(time).not.toHaveAttribute('title');

    fireEvent.pointerEnter(lastChange);
    expect(lastChange).toHaveAttribute('title', expect.stringMatching(/2026.* · outside Markdesk$/));
    for (const time of times()) expect(time).not.toHaveAttribute('title');

    // jsdom has no requestIdleCallback: the stand-in is a short timer.
    act(() => vi.runOnlyPendingTimers());
    expect(times()).toHaveLength(2);
    for (const time of times()) expect(time).toHaveAttribute('title', expect.stringMatching(/2026/));
  });
});
