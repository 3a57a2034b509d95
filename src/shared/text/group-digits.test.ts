import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupDigits } from './group-digits';

describe('groupDigits', () => {
  it('writes every safe integer as Intl.NumberFormat does for en-US', () => {
    const intl = new Intl.NumberFormat('en-US');
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.integer({ min: -100_000, max: 100_000 }), fc.constantFrom(0, 999, 1000, -1000, Number.MIN_SAFE_INTEGER)), (value) => {
        expect(groupDigits(value)).toBe(intl.format(value));
      }),
    );
  });
});
