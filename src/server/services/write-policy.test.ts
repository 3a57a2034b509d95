import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MarkChange, MarkState, TencentMarkItem } from '../../shared/marks/change';
import { applyChange } from '../../shared/marks/change';
import { decideItem, landed, showsChange, verdictFor, worthResendingAlone } from './write-policy';

const state = (bits: number[], customMark = ''): MarkState => ({ bits, customMark });
const change = (setBits: number[], clearBits: number[] = [], customMark?: string): MarkChange => ({
  setBits,
  clearBits,
  ...(customMark === undefined ? {} : { customMark }),
});

describe('decideItem', () => {
  it.each([
    ['a change to make', state([]), change([0]), undefined, 'write'],
    ['already in the requested state', state([0]), change([0]), undefined, 'unchanged'],
    ['clearing a bit that is clear', state([1]), change([], [0]), undefined, 'unchanged'],
    ['the custom mark it already has', state([], 'VIP'), change([], [], 'VIP'), undefined, 'unchanged'],
    ['guard holds', state([], 'E0'), change([], [], 'E1'), 'E0', 'write'],
    ['guard fails', state([], 'E2'), change([], [], 'E1'), 'E0', 'conflict'],
    ['guard fails even when the change would be a no-op', state([0], 'X'), change([0]), '', 'conflict'],
    ['guard on the empty mark', state([], ''), change([], [], 'E1'), '', 'write'],
    ['guard fails, but the custom mark already is the one asked for (a retry that landed)', state([0], 'E1'), change([0], [], 'E1'), 'E0', 'unchanged'],
    ['guard fails, the custom mark is already there, a bit still to set', state([], 'E1'), change([0], [], 'E1'), 'E0', 'write'],
  ] as const)('%s', (_name, current, requested, expectedCustomMark, decision) => {
    expect(decideItem(current, requested, expectedCustomMark === undefined ? {} : { expectedCustomMark })).toBe(decision);
  });

  it.each([
    ['still in the expected state', state([0], 'a'), { expectedState: state([0], 'a') }, 'write'],
    ['moved on from the expected state', state([0, 1], 'a'), { expectedState: state([0], 'a') }, 'conflict'],
    ['custom mark only if empty: it is empty', state([]), { customMarkOnlyIfEmpty: true }, 'write'],
    ['custom mark only if empty: another one is set', state([], 'other'), { customMarkOnlyIfEmpty: true }, 'conflict'],
    ['custom mark only if empty: the same one is set', state([], 'new'), { customMarkOnlyIfEmpty: true }, 'write'],
  ] as const)('%s', (_name, current, guard, decision) => {
    expect(decideItem(current, change([3], [], 'new'), guard)).toBe(decision);
  });
});

describe('verdictFor', () => {
  it.each([
    [0, false, 'applied'],
    [0, true, 'applied'],
    [-1, true, 'transient'], // network, after the client's own retries
    [60007, true, 'transient'], // too frequent
    [50004, true, 'transient'], // busy
    [51008, false, 'failed'], // 1,000 marked conversations
    [51007, false, 'failed'], // group dismissed
    [51013, true, 'failed'], // edition: about what the item asks for
    [51013, false, 'failed'],
    [50001, true, 'failed'], // not imported: about the item's user
    [70001, true, 'halt'], // UserSig: configuration
  ] as const)('code %i (whole call: %s) → %s', (code, whole, verdict) => {
    expect(verdictFor(code, whole)).toBe(verdict);
  });
});

describe('worthResendingAlone', () => {
  const item = (OptType: 1 | 2 | 3): TencentMarkItem => ({ OptType, ContactItem: { Type: 1, To_Account: 'bob' } });
  it('only custom-mark-only items refused for the edition', () => {
    expect(worthResendingAlone(item(2), 51013)).toBe(true);
    expect(worthResendingAlone(item(1), 51013)).toBe(false);
    expect(worthResendingAlone(item(3), 51013)).toBe(false);
    expect(worthResendingAlone(item(2), 51008)).toBe(false);
  });
});

describe('landed (a write whose answer was lost)', () => {
  it.each([
    ['Chat shows the change', state([]), change([0]), state([0]), true],
    ['Chat shows the change and more', state([]), change([0]), state([0, 33]), true],
    ['Chat does not show it', state([]), change([0]), state([]), false],
    ['the custom mark is there', state([], 'a'), change([], [], 'b'), state([], 'b'), true],
    ['the custom mark is not', state([], 'a'), change([], [], 'b'), state([], 'a'), false],
    ['a no-op never counts as landed', state([0]), change([0]), state([0]), false],
  ] as const)('%s', (_name, before, requested, now, expected) => {
    expect(landed(before, requested, now)).toBe(expected);
  });

  const bit = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 32, max: 63 }));
  const anyState = fc.record({ bits: fc.uniqueArray(bit, { maxLength: 8 }).map((bits) => bits.sort((a, b) => a - b)), customMark: fc.string({ maxLength: 4 }) });
  const anyChange = fc
    .record({ setBits: fc.uniqueArray(bit, { maxLength: 4 }), clearBits: fc.uniqueArray(bit, { maxLength: 4 }), customMark: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }) })
    .map((c) => ({ setBits: c.setBits, clearBits: c.clearBits.filter((b) => !c.setBits.includes(b)), ...(c.customMark === undefined ? {} : { customMark: c.customMark }) }));

  it('the state a write produces always shows it; the state before a real change never does', () => {
    fc.assert(
      fc.property(anyState, anyChange, (before, requested) => {
        const after = applyChange(before, requested);
        expect(showsChange(after, requested)).toBe(true);
        expect(landed(before, requested, after)).toBe(decideItem(before, requested) === 'write');
        if (decideItem(before, requested) === 'write') expect(landed(before, requested, before)).toBe(false);
      }),
    );
  });
});
