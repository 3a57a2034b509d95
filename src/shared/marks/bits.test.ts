import { describe, expect, it } from 'vitest';
import {
  BIT_COUNT,
  bitFromName,
  bitGroup,
  CUSTOM_BITS,
  defaultBitLabel,
  EDITABLE_BITS,
  isEditableBit,
  isValidBitIndex,
  RESERVED_BITS,
  STANDARD_BITS,
} from './bits';

describe('bit catalogue', () => {
  it('has 64 bits with the SDK meanings of bits 0–3', () => {
    expect(BIT_COUNT).toBe(64);
    expect(STANDARD_BITS).toEqual({ favourite: 0, unread: 1, collapsed: 2, hidden: 3 });
  });

  it('groups bits: 0–3 standard, 4–31 reserved, 32–63 custom', () => {
    expect([0, 3].map(bitGroup)).toEqual(['standard', 'standard']);
    expect([4, 17, 31].map(bitGroup)).toEqual(['reserved', 'reserved', 'reserved']);
    expect([32, 63].map(bitGroup)).toEqual(['custom', 'custom']);
  });

  it.each([-1, 64, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s as a bit', (bit) => {
    expect(() => bitGroup(bit)).toThrow(RangeError);
    expect(isValidBitIndex(bit)).toBe(false);
    expect(isEditableBit(bit)).toBe(false);
  });

  it('recognises bit indexes only among integers 0..63', () => {
    expect(isValidBitIndex(0)).toBe(true);
    expect(isValidBitIndex(63)).toBe(true);
    expect(isValidBitIndex('3')).toBe(false);
    expect(isValidBitIndex(3n)).toBe(false);
    expect(isValidBitIndex(null)).toBe(false);
  });

  it('lets standard and custom bits be edited, never reserved ones', () => {
    expect(EDITABLE_BITS).toEqual([0, 1, 2, 3, ...Array.from({ length: 32 }, (_, index) => 32 + index)]);
    for (let bit = 0; bit < 64; bit++) expect(isEditableBit(bit)).toBe(EDITABLE_BITS.includes(bit));
    expect(RESERVED_BITS).toHaveLength(28);
    expect(CUSTOM_BITS).toHaveLength(32);
  });

  it('labels bits as the editor shows them', () => {
    expect([0, 1, 2, 3].map(defaultBitLabel)).toEqual(['Favourite', 'Unread', 'Collapsed', 'Hidden']);
    expect(defaultBitLabel(17)).toBe('Reserved');
    expect(defaultBitLabel(40)).toBe('Custom bit 40');
    expect(() => defaultBitLabel(64)).toThrow(RangeError);
  });

  it('finds standard bits by name, any case', () => {
    expect(bitFromName('favourite')).toBe(0);
    expect(bitFromName('Unread')).toBe(1);
    expect(bitFromName('COLLAPSED')).toBe(2);
    expect(bitFromName(' hidden ')).toBe(3);
    expect(bitFromName('star')).toBeUndefined();
    expect(bitFromName('constructor')).toBeUndefined();
    expect(bitFromName('3')).toBeUndefined();
  });
});
