// The 64-bit standard mark of a Tencent Chat conversation: which bit means what, and which of them
// Markdesk lets people change.

export const BIT_COUNT = 64;

/** Bits 0–3: Chat's own meanings (Tencent SDK constants STAR=1, UNREAD=2, FOLD=4, HIDE=8). */
export const STANDARD_BITS = { favourite: 0, unread: 1, collapsed: 2, hidden: 3 } as const;

export type StandardBitName = keyof typeof STANDARD_BITS;

export type BitGroup = 'standard' | 'reserved' | 'custom';

/** First bit Chat reserves for itself without a published meaning (4–31). */
export const FIRST_RESERVED_BIT = 4;
/** First bit whose meaning belongs to the app (32–63). */
export const FIRST_CUSTOM_BIT = 32;
export const LAST_BIT = BIT_COUNT - 1;

const STANDARD_LABELS: readonly string[] = ['Favourite', 'Unread', 'Collapsed', 'Hidden'];

export function isValidBitIndex(bit: unknown): bit is number {
  return typeof bit === 'number' && Number.isInteger(bit) && bit >= 0 && bit <= LAST_BIT;
}

function assertBitIndex(bit: number): void {
  if (!isValidBitIndex(bit)) throw new RangeError(`Bit ${String(bit)} does not exist; bits are numbered 0 to ${LAST_BIT}.`);
}

/** Throws RangeError for anything but an integer 0..63. */
export function bitGroup(bit: number): BitGroup {
  assertBitIndex(bit);
  if (bit < FIRST_RESERVED_BIT) return 'standard';
  if (bit < FIRST_CUSTOM_BIT) return 'reserved';
  return 'custom';
}

/** Standard and custom bits; reserved bits (4–31) are never written by Markdesk, and invalid input is not editable. */
export function isEditableBit(bit: number): boolean {
  return isValidBitIndex(bit) && bitGroup(bit) !== 'reserved';
}

/** The label shown when no admin-given name exists. Throws RangeError outside 0..63. */
export function defaultBitLabel(bit: number): string {
  const group = bitGroup(bit);
  if (group === 'standard') return STANDARD_LABELS[bit] as string;
  if (group === 'reserved') return 'Reserved';
  return `Custom bit ${bit}`;
}

function range(from: number, toInclusive: number): number[] {
  return Array.from({ length: toInclusive - from + 1 }, (_, index) => from + index);
}

export const STANDARD_BIT_INDEXES: readonly number[] = Object.freeze(range(0, FIRST_RESERVED_BIT - 1));
export const RESERVED_BITS: readonly number[] = Object.freeze(range(FIRST_RESERVED_BIT, FIRST_CUSTOM_BIT - 1));
export const CUSTOM_BITS: readonly number[] = Object.freeze(range(FIRST_CUSTOM_BIT, LAST_BIT));
/** 0..3 then 32..63, ascending. */
export const EDITABLE_BITS: readonly number[] = Object.freeze([...STANDARD_BIT_INDEXES, ...CUSTOM_BITS]);

/** 'favourite' | 'unread' | 'collapsed' | 'hidden', any case, surrounding spaces ignored; else undefined. */
export function bitFromName(name: string): number | undefined {
  const key = name.trim().toLowerCase();
  return Object.hasOwn(STANDARD_BITS, key) ? STANDARD_BITS[key as StandardBitName] : undefined;
}
