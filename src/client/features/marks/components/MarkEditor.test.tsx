import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MarkState } from '../../../../shared/marks/change';
import { createTranslator } from '../../../lib/i18n/translate';
import { renderedIds, type RenderLog } from '../../../test/profiled';
import { renderWithProviders } from '../../../test/render';
import { createBitLabeler } from '../../../entities/marks/model/bit-labels';
import MarkEditor, { type SaveRequest } from './MarkEditor';
import type * as BitCheckboxModule from './BitCheckbox';
import type * as CustomMarkFieldModule from './CustomMarkField';
import type * as EditorSummaryModule from './EditorSummary';

// Each checkbox, the custom mark field and the summary render inside a <Profiler> in these tests.
const renders = vi.hoisted(() => ({ log: [] as RenderLog }));
vi.mock('./BitCheckbox', async (importOriginal) => {
  const [actual, { profiled }] = await Promise.all([importOriginal<typeof BitCheckboxModule>(), import('../../../test/profiled')]);
  return { ...actual, BitCheckbox: profiled(actual.BitCheckbox, (props) => `bit-${props.bit}`, renders.log) };
});
vi.mock('./CustomMarkField', async (importOriginal) => {
  const [actual, { profiled }] = await Promise.all([importOriginal<typeof CustomMarkFieldModule>(), import('../../../test/profiled')]);
  return { ...actual, CustomMarkField: profiled(actual.CustomMarkField, () => 'custom-mark', renders.log) };
});
vi.mock('./EditorSummary', async (importOriginal) => {
  const [actual, { profiled }] = await Promise.all([importOriginal<typeof EditorSummaryModule>(), import('../../../test/profiled')]);
  return { ...actual, EditorSummary: profiled(actual.EditorSummary, () => 'summary', renders.log) };
});
beforeEach(() => {
  renders.log.length = 0;
});

const labels = { '32': { name: 'VIP', description: 'Paying customer' } };

// `prefix` names the conversations: the same prefix is the same conversations read again.
const selectionOf = (states: MarkState[], prefix = 'user') =>
  states.map((state, index) => ({ conversation: { type: 'c2c' as const, id: `${prefix}${index + 1}` }, state }));

function renderEditor(states: MarkState[], options: { canEdit?: boolean; language?: 'en' | 'ko' } = {}) {
  const onSave = vi.fn<(request: SaveRequest) => void>();
  const labeler = createBitLabeler(createTranslator(options.language ?? 'en'), labels);
  const editor = (selected: MarkState[], prefix?: string) => (
    <MarkEditor selected={selectionOf(selected, prefix)} labeler={labeler} canEdit={options.canEdit ?? true} saving={false} onSave={onSave} />
  );
  const { rerender } = renderWithProviders(editor(states), { language: options.language ?? 'en' });
  return { onSave, user: userEvent.setup({ delay: null }), select: (next: MarkState[], prefix?: string) => rerender(editor(next, prefix)) };
}

// By aria-label: role queries compute the accessible name of all 64 boxes each time, which is slow in
// jsdom. The first test checks the same names through roles.
const checkbox = (name: string) => screen.getByLabelText(name, { selector: 'input[type="checkbox"]' });
const hex = () => screen.getByTestId('mark-hex').textContent;
const preview = () => screen.getByTestId('mark-preview').textContent;
const saveButton = () => screen.getByRole('button', { name: 'Save marks' });

describe('the 64-bit grid', { timeout: 60_000 }, () => {
  it('has one checkbox per bit, named `{label} (bit N)`, with reserved bits locked', () => {
    renderEditor([{ bits: [0, 3, 17, 32], customMark: '' }]);
    // Unnamed custom bits are folded away (hidden) here: all 64 are in the page all the same.
    const names = screen.getAllByRole('checkbox', { hidden: true }).map((box) => box.getAttribute('aria-label'));
    expect(names).toHaveLength(64);
    expect(screen.getByRole('checkbox', { name: 'VIP (bit 32)' })).toBeChecked();
    expect(names.slice(0, 6)).toEqual(['Favourite (bit 0)', 'Unread (bit 1)', 'Collapsed (bit 2)', 'Hidden (bit 3)', 'Reserved (bit 4)', 'Reserved (bit 5)']);
    expect(checkbox('Favourite (bit 0)')).toBeChecked();
    expect(checkbox('Unread (bit 1)')).not.toBeChecked();
    expect(checkbox('Collapsed (bit 2)')).toBeEnabled();
    expect(checkbox('Hidden (bit 3)')).toBeChecked();
    expect(checkbox('Reserved (bit 17)')).toBeChecked();
    expect(checkbox('Reserved (bit 17)')).toBeDisabled();
    for (let bit = 4; bit <= 31; bit++) expect(checkbox(`Reserved (bit ${bit})`)).toBeDisabled();
    expect(checkbox('VIP (bit 32)')).toBeChecked();
    expect(checkbox('Custom bit 40 (bit 40)')).toBeEnabled();
    expect(checkbox('Custom bit 63 (bit 63)')).toBeInTheDocument();
  });

  it('groups the bits, with the reserved group folded away until asked for (or set)', async () => {
    const { user } = renderEditor([{ bits: [], customMark: '' }]);
    for (const legend of ['Standard', 'Reserved for Chat', 'Custom']) expect(screen.getByRole('group', { name: legend })).toBeInTheDocument();
    expect(within(screen.getByRole('group', { name: 'Standard' })).getAllByRole('checkbox')).toHaveLength(4);
    // Custom: only the named bit shows until "Show all custom bits".
    expect(within(screen.getByRole('group', { name: 'Custom' })).getAllByRole('checkbox')).toHaveLength(1);
    expect(screen.queryByRole('checkbox', { name: 'Reserved (bit 17)' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Show reserved bits' }));
    expect(screen.getByRole('checkbox', { name: 'Reserved (bit 17)' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Hide reserved bits' }));
    expect(screen.getByRole('button', { name: 'Show reserved bits' })).toHaveAttribute('aria-expanded', 'false');
    await vi.waitFor(() => expect(screen.queryByRole('checkbox', { name: 'Reserved (bit 17)' })).toBeNull());
  });

  it('folds unnamed custom bits away unless set or touched; "Show all custom bits" shows them', async () => {
    const { user, select } = renderEditor([{ bits: [40], customMark: '' }]);
    const custom = () => within(screen.getByRole('group', { name: 'Custom' }));
    const shown = () => custom().getAllByRole('checkbox').map((box) => box.getAttribute('aria-label'));
    // The named bit and the set one; bit 41 is in the page but hidden.
    expect(shown()).toEqual(['VIP (bit 32)', 'Custom bit 40 (bit 40)']);
    expect(custom().queryByRole('checkbox', { name: 'Custom bit 41 (bit 41)' })).toBeNull();
    expect(screen.getByText('31 custom bits without a name are folded away unless set.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Show all custom bits' }));
    expect(custom().getAllByRole('checkbox')).toHaveLength(32);
    expect(screen.getByRole('button', { name: 'Hide unnamed custom bits' })).toHaveAttribute('aria-expanded', 'true');
    // A bit touched stays in view when the rest fold away again; so does one cleared.
    await user.click(screen.getByRole('checkbox', { name: 'Custom bit 41 (bit 41)' }));
    await user.click(screen.getByRole('checkbox', { name: 'Custom bit 40 (bit 40)' }));
    await user.click(screen.getByRole('button', { name: 'Hide unnamed custom bits' }));
    expect(shown()).toEqual(['VIP (bit 32)', 'Custom bit 40 (bit 40)', 'Custom bit 41 (bit 41)']);
    expect(preview()).toBe('Set: Custom bit 41 (bit 41) · Clear: Custom bit 40 (bit 40)');

    // Another selection: a bit set in it shows, the others fold again.
    select([{ bits: [50], customMark: '' }], 'other');
    expect(shown()).toEqual(['VIP (bit 32)', 'Custom bit 50 (bit 50)']);
  });

  it('is one tab stop: arrows move between the bits, and Save is at most 10 key presses from the first bit', async () => {
    const { user, onSave } = renderEditor([{ bits: [0], customMark: 'note' }]);
    const first = checkbox('Favourite (bit 0)');
    await user.click(first);
    expect(first).toHaveFocus();
    expect(first).not.toBeChecked();
    await user.keyboard('{ArrowRight}');
    expect(checkbox('Unread (bit 1)')).toHaveFocus();
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(checkbox('Hidden (bit 3)')).toHaveFocus();
    // The folded reserved bits are skipped: the next bit is the first custom one shown.
    await user.keyboard('{ArrowRight}');
    expect(checkbox('VIP (bit 32)')).toHaveFocus();
    await user.keyboard('{Home}');
    expect(first).toHaveFocus();
    // Only one box of the grid is in the tab order.
    expect(screen.getAllByRole('checkbox', { hidden: true }).filter((box) => box.tabIndex === 0)).toEqual([first]);

    let presses = 0;
    while (!saveButton().matches(':focus') && presses < 20) {
      await user.tab();
      presses++;
    }
    expect(saveButton()).toHaveFocus();
    expect(presses).toBeLessThanOrEqual(10);
    // Shift+Tab back from the custom mark lands on the bit last used, not on the first.
    await user.click(checkbox('VIP (bit 32)'));
    await user.click(screen.getByRole('textbox', { name: 'Custom mark' }));
    await user.tab({ shift: true });
    expect(screen.getByRole('button', { name: 'Show all custom bits' })).toHaveFocus();
    await user.tab({ shift: true });
    expect(checkbox('VIP (bit 32)')).toHaveFocus();

    // Enter in Reason saves: the form is inside the region named "Mark editor".
    const region = screen.getByRole('region', { name: 'Mark editor' });
    await user.type(within(region).getByRole('textbox', { name: 'Reason' }), 'ticket 5{Enter}');
    expect(onSave).toHaveBeenCalledWith({ change: { setBits: [32], clearBits: [0] }, reason: 'ticket 5' });
  });

  it('shows the value as hex and updates it as boxes change', async () => {
    const { user } = renderEditor([{ bits: [0, 3, 32], customMark: '' }]);
    expect(hex()).toBe('0x0000000100000009');
    await user.click(checkbox('Unread (bit 1)'));
    expect(hex()).toBe('0x000000010000000B');
    await user.click(checkbox('VIP (bit 32)'));
    expect(hex()).toBe('0x000000000000000B');
  });

  it('shows mixed bits as indeterminate and cycles on → off → mixed (untouched)', async () => {
    const { user } = renderEditor([
      { bits: [0, 3], customMark: '' },
      { bits: [0], customMark: '' },
    ]);
    const hidden = checkbox('Hidden (bit 3)');
    expect(hidden).toBePartiallyChecked();
    expect(checkbox('Favourite (bit 0)')).toBeChecked();
    expect(saveButton()).toBeDisabled();

    await user.click(hidden);
    expect(hidden).toBeChecked();
    expect(preview()).toBe('Set: Hidden');
    await user.click(hidden);
    expect(hidden).not.toBeChecked();
    expect(hidden).not.toBePartiallyChecked();
    expect(preview()).toBe('Clear: Hidden');
    await user.click(hidden);
    expect(hidden).toBePartiallyChecked();
    expect(preview()).toBe('Nothing to save yet: change a bit or the custom mark.');
    expect(saveButton()).toBeDisabled();
  });

  it('toggles a bit that was the same everywhere, and can be driven by the keyboard', async () => {
    const { user } = renderEditor([
      { bits: [0], customMark: '' },
      { bits: [0], customMark: '' },
    ]);
    checkbox('Favourite (bit 0)').focus();
    await user.keyboard(' ');
    expect(checkbox('Favourite (bit 0)')).not.toBeChecked();
    await user.keyboard(' ');
    expect(checkbox('Favourite (bit 0)')).toBeChecked();
    expect(saveButton()).toBeDisabled();
  });
});

describe('the custom mark', { timeout: 60_000 }, () => {
  const counter = () => screen.getByTestId('custom-mark-bytes').textContent;
  const field = () => screen.getByRole('textbox', { name: 'Custom mark' });

  it('counts UTF-8 bytes: 한국어 is 9, an emoji 4', async () => {
    const { user } = renderEditor([{ bits: [], customMark: '' }]);
    expect(counter()).toBe('0 / 256 bytes');
    await user.type(field(), '한국어');
    expect(counter()).toBe('9 / 256 bytes');
    expect(screen.getByText('9 / 256 bytes')).toBeInTheDocument();
    await user.clear(field());
    await user.type(field(), '😀');
    expect(counter()).toBe('4 / 256 bytes');
  });

  it('accepts exactly 256 bytes and refuses 257 (error shown, Save disabled)', async () => {
    const { user } = renderEditor([{ bits: [], customMark: '' }]);
    await user.click(field());
    await user.paste('a'.repeat(256));
    expect(counter()).toBe('256 / 256 bytes');
    expect(field()).toHaveAttribute('aria-invalid', 'false');
    expect(saveButton()).toBeEnabled();
    await user.type(field(), 'b');
    expect(counter()).toBe('257 / 256 bytes');
    expect(field()).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText(/Too long: at most 256 bytes/)).toBeInTheDocument();
    expect(saveButton()).toBeDisabled();
  });

  it('shows (mixed) and leaves differing custom marks alone unless edited', async () => {
    const { user, onSave } = renderEditor([
      { bits: [], customMark: 'VIP' },
      { bits: [], customMark: '' },
    ]);
    expect(field()).toHaveAttribute('placeholder', '(mixed)');
    expect(field()).toHaveValue('');
    expect(saveButton()).toBeDisabled();
    await user.click(checkbox('Favourite (bit 0)'));
    await user.click(saveButton());
    expect(onSave).toHaveBeenLastCalledWith({ change: { setBits: [0], clearBits: [] }, reason: '' });

    await user.click(screen.getByRole('button', { name: 'Clear custom mark' }));
    expect(preview()).toBe('Set: Favourite · Custom mark → cleared');
    await user.click(screen.getByRole('button', { name: 'Leave custom mark unchanged' }));
    expect(preview()).toBe('Set: Favourite');
  });

  it('clears a shared custom mark with the Clear action', async () => {
    const { user, onSave } = renderEditor([{ bits: [], customMark: 'escalated' }]);
    expect(field()).toHaveValue('escalated');
    await user.click(screen.getByRole('button', { name: 'Clear custom mark' }));
    expect(field()).toHaveValue('');
    await user.type(screen.getByRole('textbox', { name: 'Reason' }), 'ticket 4711');
    await user.click(saveButton());
    expect(onSave).toHaveBeenCalledWith({ change: { setBits: [], clearBits: [], customMark: '' }, reason: 'ticket 4711' });
  });
});

describe('preview and save', { timeout: 60_000 }, () => {
  it('previews exactly what will be sent and saves only the touched bits', async () => {
    const { user, onSave } = renderEditor([{ bits: [3, 40], customMark: '' }]);
    expect(saveButton()).toBeDisabled();
    await user.click(checkbox('Favourite (bit 0)'));
    await user.click(checkbox('VIP (bit 32)'));
    await user.click(checkbox('Hidden (bit 3)'));
    await user.type(screen.getByRole('textbox', { name: 'Custom mark' }), 'escalated');
    expect(preview()).toBe("Set: Favourite, VIP (bit 32) · Clear: Hidden · Custom mark → 'escalated'");
    expect(screen.getByText('For user1.')).toBeInTheDocument();
    await user.click(saveButton());
    expect(onSave).toHaveBeenCalledWith({ change: { setBits: [0, 32], clearBits: [3], customMark: 'escalated' }, reason: '' });
  });

  it('refuses a custom mark or reason that cannot be stored, inline, and does not save it', async () => {
    const unstorable = 'This contains a character that cannot be stored (an invisible control character or a broken emoji half). Remove it.';
    const customMark = () => screen.getByRole('textbox', { name: 'Custom mark' });
    const { user, onSave } = renderEditor([{ bits: [], customMark: 'bell\u0007' }]);
    // What Chat holds is shown as it is, without blame.
    expect(customMark()).toHaveAttribute('aria-invalid', 'false');
    await user.click(checkbox('Favourite (bit 0)'));

    await user.clear(customMark());
    await user.paste('VIP\u0007');
    expect(customMark()).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText(unstorable)).toBeInTheDocument();
    expect(saveButton()).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Leave custom mark unchanged' }));
    expect(saveButton()).toBeEnabled();

    const reason = screen.getByRole('textbox', { name: 'Reason' });
    await user.click(reason);
    await user.paste('ticket \ud800 42');
    await user.click(saveButton());
    expect(await screen.findByText(unstorable)).toBeInTheDocument();
    expect(reason).toHaveAttribute('aria-invalid', 'true');
    expect(onSave).not.toHaveBeenCalled();

    await user.clear(reason);
    await user.type(reason, 'ticket 42 😀');
    await user.click(saveButton());
    expect(onSave).toHaveBeenCalledWith({ change: { setBits: [0], clearBits: [] }, reason: 'ticket 42 😀' });
  });

  it('is read-only for viewers: everything disabled, no Save', () => {
    renderEditor([{ bits: [0], customMark: 'VIP' }], { canEdit: false });
    expect(screen.getByText('Read-only: the viewer role cannot change marks.')).toBeInTheDocument();
    expect(checkbox('Favourite (bit 0)')).toBeDisabled();
    expect(checkbox('VIP (bit 32)')).toBeDisabled();
    expect(screen.getByRole('textbox', { name: 'Custom mark' })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save marks' })).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Reason' })).toBeNull();
  });

  it('translates everything in Korean', () => {
    renderEditor([{ bits: [0, 17], customMark: '' }], { language: 'ko' });
    expect(checkbox('즐겨찾기 (비트 0)')).toBeChecked();
    expect(checkbox('예약됨 (비트 17)')).toBeDisabled();
    expect(screen.getByRole('button', { name: '마크 저장' })).toBeDisabled();
    expect(screen.getByTestId('custom-mark-bytes')).toHaveTextContent('0 / 256바이트');
  });
});

describe('re-render isolation (measured with React Profiler)', { timeout: 60_000 }, () => {
  it('a click on one bit re-renders that checkbox and the summary only', async () => {
    const { user } = renderEditor([
      { bits: [0, 3], customMark: 'a' },
      { bits: [0], customMark: 'b' },
    ]);
    // The first mount renders everything: the profilers are live.
    expect(renderedIds(renders.log, 'mount')).toContain('bit-63');
    expect(renderedIds(renders.log, 'mount')).toContain('summary');

    renders.log.length = 0;
    await user.click(checkbox('Unread (bit 1)'));
    expect(checkbox('Unread (bit 1)')).toBeChecked();
    expect(renderedIds(renders.log)).toEqual(['bit-1', 'summary']);

    // The pointer and the focus leave bit 1 for bit 32: bit 1 must still not re-render.
    renders.log.length = 0;
    await user.click(checkbox('VIP (bit 32)'));
    expect(renderedIds(renders.log)).toEqual(['bit-32', 'summary']);

    renders.log.length = 0;
    await user.click(checkbox('VIP (bit 32)'));
    expect(checkbox('VIP (bit 32)')).not.toBeChecked();
    expect(renderedIds(renders.log)).toEqual(['bit-32', 'summary']);

    renders.log.length = 0;
    await user.type(screen.getByRole('textbox', { name: 'Custom mark' }), 'x');
    expect(renderedIds(renders.log)).toEqual(['custom-mark', 'summary']);
  });

  it('a new selection resets the editor in place: no box mounts again, only boxes whose state differs render', async () => {
    const { user, select } = renderEditor([{ bits: [0, 32], customMark: 'a' }]);
    const boxes = screen.getAllByRole('checkbox');
    await user.click(checkbox('Unread (bit 1)'));
    await user.type(screen.getByRole('textbox', { name: 'Reason' }), 'ticket 1');

    renders.log.length = 0;
    select([
      { bits: [0, 32], customMark: 'a' },
      { bits: [0, 3, 32], customMark: 'b' },
    ]);
    expect(renderedIds(renders.log, 'mount')).toEqual([]);
    // Bit 1 drops its touched state, bit 3 becomes mixed; bits 0 and 32 are on for both: untouched.
    expect(renderedIds(renders.log)).toEqual(['bit-1', 'bit-3', 'custom-mark', 'summary']);
    expect(screen.getAllByRole('checkbox').every((box, index) => box === boxes[index])).toBe(true);
    expect(checkbox('Unread (bit 1)')).not.toBeChecked();
    expect(checkbox('Hidden (bit 3)')).toBePartiallyChecked();
    expect(screen.getByRole('textbox', { name: 'Custom mark' })).toHaveAttribute('placeholder', '(mixed)');
    expect(screen.getByRole('textbox', { name: 'Reason' })).toHaveValue('');
    expect(preview()).toBe('Nothing to save yet: change a bit or the custom mark.');
  });

  it('keeps the person’s bits, custom mark and reason when the same conversations are read again with another state', async () => {
    const { user, select } = renderEditor([
      { bits: [0], customMark: 'a' },
      { bits: [0, 3], customMark: 'b' },
    ]);
    await user.click(checkbox('Unread (bit 1)'));
    await user.click(checkbox('Hidden (bit 3)'));
    await user.type(screen.getByRole('textbox', { name: 'Custom mark' }), 'gold');
    await user.type(screen.getByRole('textbox', { name: 'Reason' }), 'ticket 1');
    expect(preview()).toBe("Set: Unread, Hidden · Custom mark → 'gold'");

    // Someone else cleared Favourite and set Collapsed on both meanwhile.
    renders.log.length = 0;
    select([
      { bits: [2], customMark: 'a' },
      { bits: [2, 3], customMark: 'b' },
    ]);
    expect(renderedIds(renders.log, 'mount')).toEqual([]);
    expect(checkbox('Favourite (bit 0)')).not.toBeChecked();
    expect(checkbox('Collapsed (bit 2)')).toBeChecked();
    expect(checkbox('Unread (bit 1)')).toBeChecked();
    expect(checkbox('Hidden (bit 3)')).toBeChecked();
    expect(screen.getByRole('textbox', { name: 'Custom mark' })).toHaveValue('gold');
    expect(screen.getByRole('textbox', { name: 'Reason' })).toHaveValue('ticket 1');
    expect(preview()).toBe("Set: Unread, Hidden · Custom mark → 'gold'");

    // Other conversations start again.
    select([{ bits: [2], customMark: 'a' }], 'other');
    expect(checkbox('Unread (bit 1)')).not.toBeChecked();
    expect(screen.getByRole('textbox', { name: 'Custom mark' })).toHaveValue('a');
    expect(screen.getByRole('textbox', { name: 'Reason' })).toHaveValue('');
  });

  it('toggles a bit over 1,500 selected conversations re-rendering that box and the summary only', async () => {
    const many = Array.from({ length: 1500 }, (_, index) => ({ bits: index % 3 === 0 ? [0, 33] : [0], customMark: index % 2 === 0 ? 'x' : '' }));
    const { user, onSave } = renderEditor(many);
    expect(checkbox('Custom bit 33 (bit 33)')).toBePartiallyChecked();
    renders.log.length = 0;
    await user.click(checkbox('Custom bit 33 (bit 33)'));
    expect(renderedIds(renders.log)).toEqual(['bit-33', 'summary']);
    expect(hex()).toBe('0x0000000200000001');
    expect(preview()).toBe('Set: Custom bit 33 (bit 33)');
    expect(screen.getByText('For 1500 selected conversations.')).toBeInTheDocument();
    await user.click(saveButton());
    expect(onSave).toHaveBeenCalledWith({ change: { setBits: [33], clearBits: [] }, reason: '' });
  });
});
