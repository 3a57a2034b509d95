import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../lib/i18n/translate';
import { entry } from '../../../test/fixtures';
import { createBitLabeler } from '../../../entities/marks/model/bit-labels';
import { canSaveChange, changeFromEditor, initialEditorValues, resultingValue, summarizeSelection } from './editor-state';
import { compareConversations } from '../../../entities/marks/model/conversation-order';
import { marksSearchParams, matchesFilters, parseMarksLocation } from './filters';
import { describeChange } from '../../../entities/marks/model/preview';
import { applySelectionClick } from './selection';

const t = createTranslator('en');
const labeler = createBitLabeler(t, { '32': { name: 'VIP', description: 'Paying customer' } });

describe('bit labels', () => {
  it('names every group of bits: standard, reserved and custom', () => {
    expect([0, 1, 2, 3].map(labeler.accessibleName)).toEqual(['Favourite (bit 0)', 'Unread (bit 1)', 'Collapsed (bit 2)', 'Hidden (bit 3)']);
    expect(labeler.accessibleName(17)).toBe('Reserved (bit 17)');
    expect(labeler.accessibleName(32)).toBe('VIP (bit 32)');
    expect(labeler.accessibleName(40)).toBe('Custom bit 40 (bit 40)');
    expect(labeler.description(32)).toBe('Paying customer');
    expect(labeler.description(40)).toBeUndefined();
  });

  it('translates standard names but never an admin-given label', () => {
    const korean = createBitLabeler(createTranslator('ko'), { '32': { name: 'VIP', description: '' } });
    expect(korean.accessibleName(0)).toBe('즐겨찾기 (비트 0)');
    expect(korean.label(32)).toBe('VIP');
  });
});

describe('preview sentence', () => {
  it('reads exactly what will be sent', () => {
    expect(describeChange({ setBits: [0, 32], clearBits: [3], customMark: 'escalated' }, labeler, t)).toBe(
      "Set: Favourite, VIP (bit 32) · Clear: Hidden · Custom mark → 'escalated'",
    );
    expect(describeChange({ setBits: [], clearBits: [40], customMark: '' }, labeler, t)).toBe('Clear: Custom bit 40 (bit 40) · Custom mark → cleared');
    expect(describeChange({ setBits: [], clearBits: [] }, labeler, t)).toBeNull();
  });
});

describe('editor state', () => {
  const states = [
    { bits: [0, 3], customMark: 'a' },
    { bits: [0], customMark: 'b' },
  ];
  const selection = summarizeSelection(states);

  it('starts from the selection: on for all, mixed for some, custom mark mixed', () => {
    expect(selection.triStates[0]).toBe('on');
    expect(selection.triStates[3]).toBe('mixed');
    expect(selection.triStates[1]).toBe('off');
    expect(selection.customMark).toEqual({ kind: 'mixed' });
    expect(initialEditorValues(selection).customMark).toBe('');
  });

  it('keeps each distinct value of a large selection once', () => {
    const many = Array.from({ length: 1500 }, (_, index) => ({ bits: index % 3 === 0 ? [0, 33] : [0], customMark: '' }));
    const summary = summarizeSelection(many);
    expect(summary.count).toBe(1500);
    expect([...summary.masks].sort()).toEqual([1n, (1n << 33n) | 1n]);
    expect(summary.triStates[33]).toBe('mixed');
    expect(summary.customMark).toEqual({ kind: 'same', value: '' });
  });

  it('sends only the touched bits, and the custom mark only when edited', () => {
    const values = initialEditorValues(selection);
    expect(changeFromEditor(values, selection)).toEqual({ setBits: [], clearBits: [] });
    const bits = values.bits.map((state, bit) => (bit === 3 || bit === 32 ? 'on' : bit === 0 ? 'off' : state));
    expect(changeFromEditor({ ...values, bits }, selection)).toEqual({ setBits: [3, 32], clearBits: [0] });
    expect(changeFromEditor({ ...values, customMark: '', customMarkEdited: true }, selection)).toEqual({ setBits: [], clearBits: [], customMark: '' });
  });

  it('ticks the bits of a change prepared elsewhere, editable bits only', () => {
    const values = initialEditorValues(selection, { setBits: [32, 17], clearBits: [0] });
    expect(changeFromEditor(values, selection)).toEqual({ setBits: [32], clearBits: [0] });
  });

  it('treats a same custom mark typed back to its value as untouched', () => {
    const single = summarizeSelection([{ bits: [], customMark: 'VIP' }]);
    const values = initialEditorValues(single);
    expect(values.customMark).toBe('VIP');
    expect(changeFromEditor({ ...values, customMark: 'VIP' }, single).customMark).toBeUndefined();
    expect(changeFromEditor({ ...values, customMark: 'VIP2' }, single).customMark).toBe('VIP2');
  });

  it('shows one hex when all end up equal, else what is set and cleared', () => {
    expect(resultingValue(summarizeSelection([{ bits: [0, 3, 32], customMark: '' }]), { setBits: [], clearBits: [] })).toMatchObject({ kind: 'same', hex: '0x0000000100000009' });
    expect(resultingValue(selection, { setBits: [3], clearBits: [] })).toMatchObject({ kind: 'same', hex: '0x0000000000000009' });
    expect(resultingValue(selection, { setBits: [32], clearBits: [0] })).toEqual({ kind: 'mixed', setHex: '0x0000000100000000', clearHex: '0x0000000000000001' });
  });

  it('may save only a change that changes something and that the rules allow', () => {
    expect(canSaveChange(selection, { setBits: [0], clearBits: [] })).toBe(false);
    expect(canSaveChange(selection, { setBits: [3], clearBits: [] })).toBe(true);
    expect(canSaveChange(selection, { setBits: [], clearBits: [1] })).toBe(false);
    expect(canSaveChange(selection, { setBits: [], clearBits: [], customMark: 'a' })).toBe(true);
    expect(canSaveChange(summarizeSelection([{ bits: [], customMark: 'a' }]), { setBits: [], clearBits: [], customMark: 'a' })).toBe(false);
    expect(canSaveChange(selection, { setBits: [17], clearBits: [] })).toBe(false);
    expect(canSaveChange(selection, { setBits: [], clearBits: [], customMark: 'x'.repeat(257) })).toBe(false);
  });
});

describe('selection', () => {
  const keys = ['a', 'b', 'c', 'd', 'e'];
  it('toggles one row and remembers its conversation as the anchor', () => {
    const first = applySelectionClick(new Set(), keys, null, { index: 1, shiftKey: false });
    expect([...first.selected]).toEqual(['b']);
    expect(first.anchor).toBe('b');
  });

  it('shift-click selects the range from the anchor, in either direction', () => {
    const down = applySelectionClick(new Set(['b']), keys, 'b', { index: 3, shiftKey: true });
    expect([...down.selected].sort()).toEqual(['b', 'c', 'd']);
    const up = applySelectionClick(new Set(), keys, 'e', { index: 2, shiftKey: true });
    expect([...up.selected].sort()).toEqual(['c', 'd', 'e']);
  });

  it('shift-click on a selected row clears the range', () => {
    const result = applySelectionClick(new Set(keys), keys, 'a', { index: 2, shiftKey: true });
    expect([...result.selected].sort()).toEqual(['d', 'e']);
  });

  it('starts the range where the anchor’s conversation is now, after the list moved', () => {
    // b was clicked at position 1; a new message moved e to the top since.
    const moved = ['e', 'a', 'b', 'c', 'd'];
    const result = applySelectionClick(new Set(['b']), moved, 'b', { index: 4, shiftKey: true });
    expect([...result.selected].sort()).toEqual(['b', 'c', 'd']);
  });

  it('toggles only the clicked row when the anchor’s conversation is no longer listed (filtered out)', () => {
    const result = applySelectionClick(new Set(['b']), ['a', 'c', 'd', 'e'], 'b', { index: 3, shiftKey: true });
    expect([...result.selected].sort()).toEqual(['b', 'e']);
    expect(result.anchor).toBe('e');
  });
});

describe('filters in the address bar', () => {
  it('round-trips the shareable URL and ignores nonsense', () => {
    const location = parseMarksLocation(new URLSearchParams('user=minji.kim&type=group&bit=32&group=7&q=text'));
    expect(location).toEqual({ user: 'minji.kim', type: 'group', bit: 32, group: 7, q: 'text' });
    expect(marksSearchParams(location).toString()).toBe('user=minji.kim&type=group&bit=32&group=7&q=text');
    expect(parseMarksLocation(new URLSearchParams('type=channel&bit=99&group=VIP'))).toEqual({ user: null, type: null, bit: null, group: null, q: '' });
    expect(parseMarksLocation(new URLSearchParams('group=0')).group).toBeNull();
  });

  it('matches type, bit, group and text in name, ID or custom mark', () => {
    const row = entry('user1', { name: 'Minji Kim', bits: [0, 33], customMark: '에스컬레이션', groupIds: [2, 5] });
    expect(matchesFilters(row, { q: 'minji', type: 'c2c', bit: 33, group: 5 })).toBe(true);
    expect(matchesFilters(row, { q: '에스컬', type: null, bit: null, group: null })).toBe(true);
    expect(matchesFilters(row, { q: '', type: 'group', bit: null, group: null })).toBe(false);
    expect(matchesFilters(row, { q: '', type: null, bit: 3, group: null })).toBe(false);
    expect(matchesFilters(row, { q: '', type: null, bit: null, group: 3 })).toBe(false);
  });

  it('orders pinned first, then by latest message', () => {
    const rows = [entry('old', { lastMessageAt: '2026-01-01T00:00:00Z' }), entry('new', { lastMessageAt: '2026-11-01T00:00:00Z' }), entry('pin', { pinned: true, lastMessageAt: null })];
    expect(rows.sort(compareConversations).map((row) => row.conversation.id)).toEqual(['pin', 'new', 'old']);
  });
});
