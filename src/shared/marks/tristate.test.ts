import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EDITABLE_BITS } from './bits';
import { applyChange, type MarkState } from './change';
import {
  changeFromTouched,
  customMarkOfSelection,
  nextTriState,
  selectionTriStates,
  touchedFromTriStates,
  triStateOfBit,
  type TriState,
} from './tristate';

const state = (bits: number[], customMark = ''): MarkState => ({ bits, customMark });

describe('tri-state of a selection', () => {
  const selection = [state([0, 32, 63]), state([0, 33, 63]), state([0, 63])];

  it('is on for all, off for none, mixed otherwise', () => {
    expect(triStateOfBit(selection, 0)).toBe('on');
    expect(triStateOfBit(selection, 63)).toBe('on');
    expect(triStateOfBit(selection, 32)).toBe('mixed');
    expect(triStateOfBit(selection, 1)).toBe('off');
    expect(triStateOfBit([], 0)).toBe('off');
    expect(() => triStateOfBit(selection, 64)).toThrow(RangeError);
  });

  it('gives 64 states that agree with triStateOfBit', () => {
    const states = selectionTriStates(selection);
    expect(states).toHaveLength(64);
    states.forEach((triState, bit) => expect(triState).toBe(triStateOfBit(selection, bit)));
    expect(selectionTriStates([])).toEqual(Array(64).fill('off'));
  });
});

describe('click cycle', () => {
  it('cycles a mixed bit on → off → mixed', () => {
    expect(nextTriState('mixed', 'mixed')).toBe('on');
    expect(nextTriState('on', 'mixed')).toBe('off');
    expect(nextTriState('off', 'mixed')).toBe('mixed');
  });

  it('toggles a bit that started on or off', () => {
    expect(nextTriState('on', 'on')).toBe('off');
    expect(nextTriState('off', 'on')).toBe('on');
    expect(nextTriState('off', 'off')).toBe('on');
    expect(nextTriState('on', 'off')).toBe('off');
  });

  it('counts a bit as touched only while it differs from where it started', () => {
    const original: TriState[] = ['mixed', 'on', 'off', 'mixed'];
    expect([...touchedFromTriStates(original, ['mixed', 'on', 'on', 'off'])]).toEqual([
      [2, 'on'],
      [3, 'off'],
    ]);
  });
});

describe('changeFromTouched', () => {
  it('sends only touched bits', () => {
    const touched = new Map<number, 'on' | 'off'>([
      [40, 'on'],
      [3, 'off'],
      [0, 'on'],
    ]);
    expect(changeFromTouched(touched)).toEqual({ setBits: [0, 40], clearBits: [3] });
    expect(changeFromTouched(new Map(), '')).toEqual({ setBits: [], clearBits: [], customMark: '' });
  });

  it('applied to every member, gives the chosen state for touched bits and leaves the rest alone', () => {
    const member = fc.record({
      bits: fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { maxLength: 64 }).map((bits) => bits.sort((a, b) => a - b)),
      customMark: fc.constantFrom('', 'VIP', '고객'),
    });
    const touchedBits = fc
      .uniqueArray(fc.tuple(fc.constantFrom(...EDITABLE_BITS), fc.constantFrom<'on' | 'off'>('on', 'off')), { selector: ([bit]) => bit })
      .map((entries) => new Map(entries));
    fc.assert(
      fc.property(fc.array(member, { minLength: 1, maxLength: 8 }), touchedBits, (members, touched) => {
        const change = changeFromTouched(touched);
        const before = selectionTriStates(members);
        const results = members.map((m) => applyChange(m, change));
        const after = selectionTriStates(results);
        for (let bit = 0; bit < 64; bit++) {
          const chosen = touched.get(bit);
          if (chosen !== undefined) expect(after[bit]).toBe(chosen);
          else results.forEach((result, index) => expect(result.bits.includes(bit)).toBe(members[index]?.bits.includes(bit)));
        }
        expect(after.filter((_, bit) => !touched.has(bit))).toEqual(before.filter((_, bit) => !touched.has(bit)));
        results.forEach((result, index) => expect(result.customMark).toBe(members[index]?.customMark));
      }),
    );
  });
});

describe('customMarkOfSelection', () => {
  it('reports the shared value or mixed', () => {
    expect(customMarkOfSelection([state([], 'VIP'), state([1], 'VIP')])).toEqual({ kind: 'same', value: 'VIP' });
    expect(customMarkOfSelection([state([], 'VIP'), state([], '')])).toEqual({ kind: 'mixed' });
    expect(customMarkOfSelection([])).toEqual({ kind: 'same', value: '' });
  });
});

describe('click cycle properties', () => {
  const triState = fc.constantFrom<TriState>('on', 'off', 'mixed');

  it('returns to the original state after 3 clicks on a mixed bit, 2 on any other', () => {
    fc.assert(
      fc.property(triState, (original) => {
        const clicks = original === 'mixed' ? 3 : 2;
        let current = original;
        const seen = new Set<TriState>();
        for (let click = 0; click < clicks; click++) {
          current = nextTriState(current, original);
          seen.add(current);
        }
        expect(current).toBe(original);
        expect(seen.size).toBe(clicks);
      }),
    );
  });

  it('a bit clicked back to where it started is not touched', () => {
    fc.assert(
      fc.property(fc.array(triState, { minLength: 64, maxLength: 64 }), fc.array(fc.nat({ max: 5 }), { minLength: 64, maxLength: 64 }), (original, clicks) => {
        const current = original.map((state, bit) => {
          let next = state;
          for (let click = 0; click < (clicks[bit] ?? 0); click++) next = nextTriState(next, state);
          return next;
        });
        for (const [bit, chosen] of touchedFromTriStates(original, current)) {
          expect(chosen).toBe(current[bit]);
          expect(chosen).not.toBe(original[bit]);
        }
        const cycle = (state: TriState) => (state === 'mixed' ? 3 : 2);
        original.forEach((state, bit) => {
          if ((clicks[bit] ?? 0) % cycle(state) === 0) expect(touchedFromTriStates(original, current).has(bit)).toBe(false);
        });
      }),
    );
  });
});
