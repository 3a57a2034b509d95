// The 64-bit mask as a BigInt, and Tencent's StandardMark binary-digit string. A double keeps only
// 53 bits, so nothing here ever goes through Number or parseInt.
import { BIT_COUNT, isValidBitIndex } from './bits';

const MASK_LIMIT = 1n << BigInt(BIT_COUNT);
export const MAX_MASK = MASK_LIMIT - 1n;

export class StandardMarkFormatError extends Error {
  override readonly name = 'StandardMarkFormatError';
  constructor(
    message: string,
    /** The offending value, as received. */
    readonly value: string,
  ) {
    super(message);
  }
}

export function isValidMask(mask: bigint): boolean {
  return mask >= 0n && mask < MASK_LIMIT;
}

function assertMask(mask: bigint): void {
  if (typeof mask !== 'bigint' || !isValidMask(mask)) {
    throw new RangeError(`A standard mark is an unsigned 64-bit value; got ${String(mask)}.`);
  }
}

/** Duplicates are fine; throws RangeError for an index outside 0..63. */
export function maskFromBits(bits: Iterable<number>): bigint {
  let mask = 0n;
  for (const bit of bits) {
    if (!isValidBitIndex(bit)) throw new RangeError(`Bit ${String(bit)} does not exist; bits are numbered 0 to 63.`);
    mask |= 1n << BigInt(bit);
  }
  return mask;
}

/** The set bits, ascending. Throws RangeError unless 0 ≤ mask < 2^64. */
export function bitsFromMask(mask: bigint): number[] {
  assertMask(mask);
  // Two 32-bit halves as Numbers (each exact), then plain integer bit tests: a BigInt shift per bit
  // allocates, and bulk jobs decode a mask per row.
  const bits: number[] = [];
  const halves = [Number(mask & 0xffffffffn), Number(mask >> 32n)];
  for (let half = 0; half < 2; half++) {
    let word = halves[half]!;
    for (let bit = 0; word !== 0; bit++, word = Math.floor(word / 2)) {
      if (word % 2 === 1) bits.push(half * 32 + bit);
    }
  }
  return bits;
}

const BINARY_DIGITS = /^[01]*$/;

/**
 * Tencent's StandardMark: binary digits, last character = bit 0, any width up to 64, leading zeros
 * allowed; missing or empty = no bits.
 */
export function parseStandardMark(value: string | undefined | null): bigint {
  if (value === undefined || value === null || value === '') return 0n;
  if (typeof value !== 'string' || !BINARY_DIGITS.test(value)) {
    throw new StandardMarkFormatError('A StandardMark may contain only the digits 0 and 1.', String(value));
  }
  if (value.length > BIT_COUNT) {
    throw new StandardMarkFormatError(`A StandardMark has at most ${BIT_COUNT} digits; got ${value.length}.`, value);
  }
  return BigInt(`0b${value}`);
}

/** The shortest StandardMark string: "0" for no bits, no leading zeros otherwise. */
export function formatStandardMark(mask: bigint): string {
  assertMask(mask);
  return mask.toString(2);
}

/** `0x` + 16 upper-case hex digits, e.g. `0x0000000100000009`. */
export function maskToHex(mask: bigint): string {
  assertMask(mask);
  return `0x${mask.toString(16).toUpperCase().padStart(16, '0')}`;
}
