import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bitsFromMask,
  formatStandardMark,
  isValidMask,
  MAX_MASK,
  maskFromBits,
  maskToHex,
  parseStandardMark,
  StandardMarkFormatError,
} from './mask';

const mask64 = fc.bigInt({ min: 0n, max: MAX_MASK });
const bitIndex = fc.integer({ min: 0, max: 63 });

describe('StandardMark string (Tencent docs examples)', () => {
  it('reads "111001" as bits 0, 3, 4, 5 (last character = bit 0)', () => {
    expect(bitsFromMask(parseStandardMark('111001'))).toEqual([0, 3, 4, 5]);
  });

  it('reads "011111110" with its leading zero as bits 1..7', () => {
    expect(bitsFromMask(parseStandardMark('011111110'))).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('treats a missing or empty StandardMark as no bits', () => {
    expect(parseStandardMark(undefined)).toBe(0n);
    expect(parseStandardMark(null)).toBe(0n);
    expect(parseStandardMark('')).toBe(0n);
  });

  it('keeps bit 63, which a double would lose', () => {
    const digits = `1${'0'.repeat(62)}1`;
    expect(bitsFromMask(parseStandardMark(digits))).toEqual([0, 63]);
    expect(formatStandardMark(maskFromBits([0, 63]))).toBe(digits);
    expect(maskToHex(maskFromBits([63]))).toBe('0x8000000000000000');
  });

  it('accepts 64 digits and a zero-padded 64-digit string', () => {
    expect(parseStandardMark('1'.repeat(64))).toBe(MAX_MASK);
    expect(parseStandardMark(`${'0'.repeat(63)}1`)).toBe(1n);
  });

  it.each(['2', '10a1', ' 101', '101 ', '0b101', '-1', '1.0', '１０'])('refuses %j', (value) => {
    expect(() => parseStandardMark(value)).toThrow(StandardMarkFormatError);
  });

  it('refuses more than 64 digits, even leading zeros', () => {
    expect(() => parseStandardMark('0'.repeat(65))).toThrow(StandardMarkFormatError);
    expect(() => parseStandardMark(`1${'0'.repeat(64)}`)).toThrow(/at most 64 digits/);
  });

  it('writes the shortest string, "0" for no bits', () => {
    expect(formatStandardMark(0n)).toBe('0');
    expect(formatStandardMark(parseStandardMark('000111001'))).toBe('111001');
  });

  it('refuses masks outside 0 ≤ mask < 2^64', () => {
    expect(() => formatStandardMark(-1n)).toThrow(RangeError);
    expect(() => formatStandardMark(1n << 64n)).toThrow(RangeError);
    expect(() => maskToHex(1n << 64n)).toThrow(RangeError);
    expect(() => bitsFromMask(-1n)).toThrow(RangeError);
    expect(isValidMask(MAX_MASK)).toBe(true);
    expect(isValidMask(MAX_MASK + 1n)).toBe(false);
  });

  it('shows the mask as 16 upper-case hex digits', () => {
    expect(maskToHex(maskFromBits([0, 3, 32]))).toBe('0x0000000100000009');
    expect(maskToHex(0n)).toBe('0x0000000000000000');
    expect(maskToHex(MAX_MASK)).toBe('0xFFFFFFFFFFFFFFFF');
  });

  it('builds masks from bit indexes and refuses impossible bits', () => {
    expect(maskFromBits([1, 2, 3])).toBe(14n);
    expect(maskFromBits([3, 3, 0])).toBe(9n);
    expect(maskFromBits(new Set([63]))).toBe(1n << 63n);
    expect(() => maskFromBits([64])).toThrow(RangeError);
    expect(() => maskFromBits([-1])).toThrow(RangeError);
  });
});

describe('mask properties', () => {
  it('parse ∘ format is the identity on every 64-bit value', () => {
    fc.assert(fc.property(mask64, (mask) => parseStandardMark(formatStandardMark(mask)) === mask));
  });

  it('format ∘ parse normalises any 1..64-digit string (drops leading zeros)', () => {
    const digits = fc.string({ unit: fc.constantFrom('0', '1'), minLength: 1, maxLength: 64 });
    fc.assert(
      fc.property(digits, (value) => {
        const normal = value.replace(/^0+(?=.)/, '');
        expect(formatStandardMark(parseStandardMark(value))).toBe(normal);
      }),
    );
  });

  it('bits 53–63 survive the round trips', () => {
    const highBits = fc.uniqueArray(fc.integer({ min: 53, max: 63 }), { minLength: 1 });
    fc.assert(
      fc.property(highBits, mask64, (high, base) => {
        const mask = base | maskFromBits(high);
        const viaString = parseStandardMark(formatStandardMark(mask));
        const viaBits = maskFromBits(bitsFromMask(mask));
        for (const bit of high) {
          expect(bitsFromMask(viaString)).toContain(bit);
          expect(bitsFromMask(viaBits)).toContain(bit);
        }
        expect(BigInt(maskToHex(mask))).toBe(mask);
      }),
    );
  });

  it('bitsFromMask ∘ maskFromBits = sorted unique bits', () => {
    fc.assert(
      fc.property(fc.array(bitIndex, { maxLength: 100 }), (bits) => {
        expect(bitsFromMask(maskFromBits(bits))).toEqual([...new Set(bits)].sort((a, b) => a - b));
      }),
    );
  });

  it('maskFromBits ∘ bitsFromMask is the identity', () => {
    fc.assert(fc.property(mask64, (mask) => maskFromBits(bitsFromMask(mask)) === mask));
  });

  it('the string has the mask’s bits at the right positions (last char = bit 0)', () => {
    fc.assert(
      fc.property(mask64, (mask) => {
        const digits = formatStandardMark(mask).padStart(64, '0');
        const fromString = [...digits].reverse().flatMap((digit, bit) => (digit === '1' ? [bit] : []));
        expect(fromString).toEqual(bitsFromMask(mask));
      }),
    );
  });
});

describe('mask properties, continued', () => {
  it('zero-padding to any width up to 64 reads the same value', () => {
    fc.assert(
      fc.property(mask64, fc.integer({ min: 1, max: 64 }), (mask, width) => {
        const digits = formatStandardMark(mask);
        expect(parseStandardMark(digits.padStart(Math.max(width, digits.length), '0'))).toBe(mask);
      }),
    );
  });

  it('the hex form has 16 digits and the same value', () => {
    fc.assert(
      fc.property(mask64, (mask) => {
        const hex = maskToHex(mask);
        expect(hex).toMatch(/^0x[0-9A-F]{16}$/);
        expect(BigInt(hex)).toBe(mask);
      }),
    );
  });
});
