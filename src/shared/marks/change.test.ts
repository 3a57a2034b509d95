import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EDITABLE_BITS } from './bits';
import {
  applyChange,
  changeProblems,
  EMPTY_MARK_STATE,
  inverseChange,
  isNoopChange,
  MarkChangeError,
  markStateFromTencent,
  normalizeChange,
  toMarkItem,
  upstreamChangeProblems,
  type MarkChange,
  type MarkState,
} from './change';

const c2c = { type: 'c2c', id: 'user1' } as const;
const group = { type: 'group', id: '@TGS#2ABC' } as const;

const bitIndex = fc.integer({ min: 0, max: 63 });
const customMark = fc.oneof(fc.constant(''), fc.constantFrom('VIP', '에스컬레이션', '升级'), fc.string({ unit: 'grapheme', maxLength: 20 }));
const markState: fc.Arbitrary<MarkState> = fc.record({
  bits: fc.uniqueArray(bitIndex, { maxLength: 64 }).map((bits) => bits.sort((a, b) => a - b)),
  customMark,
});
const editableBit = fc.constantFrom(...EDITABLE_BITS);
const markChange: fc.Arbitrary<MarkChange> = fc
  .record({
    touched: fc.uniqueArray(fc.tuple(editableBit, fc.boolean()), { selector: ([bit]) => bit, maxLength: 36 }),
    customMark: fc.option(customMark, { nil: undefined }),
  })
  .map(({ touched, customMark: mark }) => {
    const change: MarkChange = {
      setBits: touched.filter(([, on]) => on).map(([bit]) => bit),
      clearBits: touched.filter(([, on]) => !on).map(([bit]) => bit),
    };
    if (mark !== undefined) change.customMark = mark;
    return change;
  });

describe('changeProblems', () => {
  it('finds nothing wrong with a normal change', () => {
    expect(changeProblems({ setBits: [0, 32], clearBits: [3], customMark: '에스컬레이션' })).toEqual([]);
    expect(changeProblems({ setBits: [], clearBits: [], customMark: '' })).toEqual([]);
  });

  it('explains a reserved bit in a sentence a support agent understands', () => {
    expect(changeProblems({ setBits: [17], clearBits: [] })).toEqual([
      { code: 'RESERVED_BIT', bit: 17, message: 'Bit 17 is reserved for Chat and cannot be changed.' },
    ]);
  });

  it('reports bits outside 0..63 once each', () => {
    const problems = changeProblems({ setBits: [64, 64], clearBits: [-1, 2.5] });
    expect(problems.map((problem) => [problem.code, problem.bit])).toEqual([
      ['BIT_OUT_OF_RANGE', 64],
      ['BIT_OUT_OF_RANGE', -1],
      ['BIT_OUT_OF_RANGE', 2.5],
    ]);
    expect(problems[0]?.message).toBe('Bit 64 does not exist; bits are numbered 0 to 63.');
  });

  it('refuses a bit that is both set and cleared', () => {
    expect(changeProblems({ setBits: [0, 33], clearBits: [33] })).toEqual([
      { code: 'BIT_SET_AND_CLEARED', bit: 33, message: 'Bit 33 cannot be both set and cleared in one change.' },
    ]);
  });

  it('counts the custom mark in UTF-8 bytes', () => {
    expect(changeProblems({ setBits: [], clearBits: [], customMark: '한'.repeat(85) + 'a' })).toEqual([]);
    expect(changeProblems({ setBits: [], clearBits: [], customMark: '한'.repeat(100) })).toEqual([
      { code: 'CUSTOM_MARK_TOO_LONG', message: 'The custom mark is 300 bytes; the limit is 256 bytes (UTF-8).' },
    ]);
  });

  it('refuses a change that changes nothing', () => {
    expect(changeProblems({ setBits: [], clearBits: [] }).map((problem) => problem.code)).toEqual(['EMPTY_CHANGE']);
  });

  it('upstream (Tencent) accepts reserved bits and empty changes but not the rest', () => {
    expect(upstreamChangeProblems({ setBits: [17], clearBits: [] })).toEqual([]);
    expect(upstreamChangeProblems({ setBits: [], clearBits: [] })).toEqual([]);
    expect(upstreamChangeProblems({ setBits: [5, 64], clearBits: [5] }).map((problem) => problem.code)).toEqual([
      'BIT_OUT_OF_RANGE',
      'BIT_SET_AND_CLEARED',
    ]);
  });
});

describe('applyChange', () => {
  it('sets and clears only the named bits, like Tencent', () => {
    const before: MarkState = { bits: [3, 17, 63], customMark: 'old' };
    expect(applyChange(before, { setBits: [0, 32], clearBits: [3] })).toEqual({ bits: [0, 17, 32, 63], customMark: 'old' });
  });

  it('SetMark [1,2,3] on nothing gives bits 1, 2, 3; bit 63 survives unrelated writes', () => {
    expect(applyChange(EMPTY_MARK_STATE, { setBits: [1, 2, 3], clearBits: [] }).bits).toEqual([1, 2, 3]);
    expect(applyChange({ bits: [63], customMark: '' }, { setBits: [0], clearBits: [62] }).bits).toEqual([0, 63]);
  });

  it('replaces, clears or keeps the custom mark', () => {
    const before: MarkState = { bits: [], customMark: 'VIP' };
    expect(applyChange(before, { setBits: [0], clearBits: [] }).customMark).toBe('VIP');
    expect(applyChange(before, { setBits: [], clearBits: [], customMark: '' }).customMark).toBe('');
    expect(applyChange(before, { setBits: [], clearBits: [], customMark: '升级' }).customMark).toBe('升级');
  });

  it('refuses what Tencent would refuse', () => {
    expect(() => applyChange(EMPTY_MARK_STATE, { setBits: [1], clearBits: [1] })).toThrow(MarkChangeError);
    expect(() => applyChange(EMPTY_MARK_STATE, { setBits: [64], clearBits: [] })).toThrow(MarkChangeError);
  });

  it('is idempotent: repeating a write gives the same state', () => {
    fc.assert(
      fc.property(markState, markChange, (state, change) => {
        const once = applyChange(state, change);
        expect(applyChange(once, change)).toEqual(once);
        expect(isNoopChange(once, change)).toBe(true);
      }),
    );
  });

  it('does not mutate its inputs, and the empty state is frozen', () => {
    const before: MarkState = { bits: [1], customMark: 'x' };
    applyChange(before, { setBits: [0], clearBits: [1], customMark: '' });
    expect(before).toEqual({ bits: [1], customMark: 'x' });
    expect(Object.isFrozen(EMPTY_MARK_STATE) && Object.isFrozen(EMPTY_MARK_STATE.bits)).toBe(true);
  });
});

describe('isNoopChange', () => {
  it('sees when the state already matches', () => {
    const state: MarkState = { bits: [0, 32], customMark: 'VIP' };
    expect(isNoopChange(state, { setBits: [0], clearBits: [3], customMark: 'VIP' })).toBe(true);
    expect(isNoopChange(state, { setBits: [1], clearBits: [] })).toBe(false);
    expect(isNoopChange(state, { setBits: [], clearBits: [], customMark: '' })).toBe(false);
  });
});

describe('inverseChange', () => {
  it('touches only what flipped', () => {
    const before: MarkState = { bits: [0, 3], customMark: 'VIP' };
    expect(inverseChange(before, { setBits: [0, 32], clearBits: [3, 33], customMark: 'VIP' })).toEqual({ setBits: [3], clearBits: [32] });
    expect(inverseChange(before, { setBits: [], clearBits: [], customMark: '' })).toEqual({ setBits: [], clearBits: [], customMark: 'VIP' });
  });

  it('applying a change then its inverse restores the state', () => {
    fc.assert(
      fc.property(markState, markChange, (before, change) => {
        const after = applyChange(before, change);
        const inverse = inverseChange(before, change);
        expect(applyChange(after, inverse)).toEqual(before);
        expect(upstreamChangeProblems(inverse)).toEqual([]);
      }),
    );
  });

  it('is empty exactly when the change was a no-op', () => {
    fc.assert(
      fc.property(markState, markChange, (before, change) => {
        const inverse = inverseChange(before, change);
        const empty = inverse.setBits.length === 0 && inverse.clearBits.length === 0 && inverse.customMark === undefined;
        expect(empty).toBe(isNoopChange(before, change));
      }),
    );
  });
});

describe('toMarkItem', () => {
  it('OptType 3 for bits and custom mark (the docs example)', () => {
    expect(toMarkItem(c2c, { setBits: [3, 1, 2, 2], clearBits: [], customMark: 'abcd' })).toEqual({
      OptType: 3,
      ContactItem: { Type: 1, To_Account: 'user1' },
      SetMark: [1, 2, 3],
      CustomMark: 'abcd',
    });
  });

  it('OptType 1 for bits only, without an empty SetMark', () => {
    expect(toMarkItem(group, { setBits: [], clearBits: [63, 0] })).toEqual({
      OptType: 1,
      ContactItem: { Type: 2, ToGroupId: '@TGS#2ABC' },
      ClearMark: [0, 63],
    });
  });

  it('OptType 2 for the custom mark only, "" to clear it', () => {
    expect(toMarkItem(c2c, { setBits: [], clearBits: [], customMark: '' })).toEqual({
      OptType: 2,
      ContactItem: { Type: 1, To_Account: 'user1' },
      CustomMark: '',
    });
  });

  it('refuses empty or faulty changes', () => {
    expect(() => toMarkItem(c2c, { setBits: [], clearBits: [] })).toThrow(MarkChangeError);
    expect(() => toMarkItem(c2c, { setBits: [17], clearBits: [] })).toThrow('Bit 17 is reserved for Chat and cannot be changed.');
    const thrown = (() => {
      try {
        toMarkItem(c2c, { setBits: [1], clearBits: [1], customMark: 'x'.repeat(257) });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(MarkChangeError);
    expect((thrown as MarkChangeError).problems.map((problem) => problem.code)).toEqual(['BIT_SET_AND_CLEARED', 'CUSTOM_MARK_TOO_LONG']);
  });

  it('sends bit indexes, never mask values', () => {
    expect(toMarkItem(c2c, { setBits: [3], clearBits: [] }).SetMark).toEqual([3]);
  });
});

describe('helpers', () => {
  it('normalises a change', () => {
    expect(normalizeChange({ setBits: [3, 0, 3], clearBits: [40, 32] })).toEqual({ setBits: [0, 3], clearBits: [32, 40] });
  });

  it('reads a state from Tencent fields', () => {
    expect(markStateFromTencent('111001', 'abcd')).toEqual({ bits: [0, 3, 4, 5], customMark: 'abcd' });
    expect(markStateFromTencent(undefined, undefined)).toEqual({ bits: [], customMark: '' });
  });
});

describe('toMarkItem properties', () => {
  const conversation = fc.oneof(
    fc.string({ minLength: 1, maxLength: 10 }).map((id) => ({ type: 'c2c' as const, id })),
    fc.string({ minLength: 1, maxLength: 10 }).map((id) => ({ type: 'group' as const, id })),
  );
  const sendable = markChange.filter((change) => changeProblems(change).length === 0);

  it('what Tencent does with the item equals applyChange', () => {
    fc.assert(
      fc.property(markState, conversation, sendable, (state, target, change) => {
        const item = toMarkItem(target, change);
        // Tencent's side: OptType decides which fields count.
        const tencentChange: MarkChange = {
          setBits: item.OptType === 2 ? [] : (item.SetMark ?? []),
          clearBits: item.OptType === 2 ? [] : (item.ClearMark ?? []),
        };
        if (item.OptType !== 1) tencentChange.customMark = item.CustomMark ?? '';
        expect(applyChange(state, tencentChange)).toEqual(applyChange(state, change));
      }),
    );
  });

  it('picks OptType from what the change touches and never sends empty lists', () => {
    fc.assert(
      fc.property(conversation, sendable, (target, change) => {
        const item = toMarkItem(target, change);
        const bits = change.setBits.length + change.clearBits.length > 0;
        const custom = change.customMark !== undefined;
        expect(item.OptType).toBe(bits && custom ? 3 : bits ? 1 : 2);
        expect(item.SetMark?.length ?? 1).toBeGreaterThan(0);
        expect(item.ClearMark?.length ?? 1).toBeGreaterThan(0);
        expect('CustomMark' in item).toBe(custom);
      }),
    );
  });

  it('the inverse of the inverse redoes the change', () => {
    fc.assert(
      fc.property(markState, markChange, (before, change) => {
        const after = applyChange(before, change);
        const undo = inverseChange(before, change);
        const redo = inverseChange(after, undo);
        expect(applyChange(before, redo)).toEqual(after);
      }),
    );
  });

  it('an undo made from the audit entry leaves bits changed by someone else in between alone', () => {
    fc.assert(
      fc.property(markState, markChange, fc.uniqueArray(editableBit, { maxLength: 8 }), (before, change, othersBits) => {
        const after = applyChange(before, change);
        const undo = inverseChange(before, change);
        const touchedByUndo = new Set([...undo.setBits, ...undo.clearBits]);
        const others = othersBits.filter((bit) => !touchedByUndo.has(bit));
        const meanwhile = applyChange(after, { setBits: others, clearBits: [] });
        const undone = applyChange(meanwhile, undo);
        for (const bit of others) expect(undone.bits).toContain(bit);
      }),
    );
  });
});
