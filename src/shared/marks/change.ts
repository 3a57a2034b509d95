// A mark change is a delta, exactly like Tencent's write: bits named in setBits/clearBits flip,
// every other bit stays, and the custom mark is replaced only when given. Two people changing
// different bits of one conversation therefore both win.
import { isEditableBit, isValidBitIndex } from './bits';
import { toContactItem, type ContactItem, type Conversation } from './conversation';
import { bitsFromMask, maskFromBits, parseStandardMark } from './mask';
import { CUSTOM_MARK_MAX_BYTES, utf8ByteLength } from './utf8';

/** bits: the set-bit indexes, ascending, no duplicates. */
export type MarkState = { bits: number[]; customMark: string };

export const EMPTY_MARK_STATE: MarkState = Object.freeze({
  bits: Object.freeze([]) as unknown as number[],
  customMark: '',
});

/** customMark: undefined = leave unchanged, '' = clear, else the new value. */
export type MarkChange = { setBits: number[]; clearBits: number[]; customMark?: string };

export type ChangeProblemCode =
  | 'BIT_OUT_OF_RANGE'
  | 'RESERVED_BIT'
  | 'BIT_SET_AND_CLEARED'
  | 'CUSTOM_MARK_TOO_LONG'
  | 'EMPTY_CHANGE';

export type ChangeProblem = { code: ChangeProblemCode; message: string; bit?: number };

export class MarkChangeError extends Error {
  override readonly name = 'MarkChangeError';
  constructor(readonly problems: ChangeProblem[]) {
    super(problems.map((problem) => problem.message).join(' '));
  }
}

// The sentences a support agent reads; the zod schemas reuse them so there is one wording.
export function bitOutOfRangeMessage(bit: unknown): string {
  return `Bit ${String(bit)} does not exist; bits are numbered 0 to 63.`;
}
export function reservedBitMessage(bit: number): string {
  return `Bit ${bit} is reserved for Chat and cannot be changed.`;
}
export function bitSetAndClearedMessage(bit: number): string {
  return `Bit ${bit} cannot be both set and cleared in one change.`;
}
export function customMarkTooLongMessage(bytes: number): string {
  return `The custom mark is ${bytes} bytes; the limit is ${CUSTOM_MARK_MAX_BYTES} bytes (UTF-8).`;
}
export const EMPTY_CHANGE_MESSAGE =
  'This change sets no bits, clears no bits and leaves the custom mark as it is: there is nothing to save.';

function uniqueSorted(bits: Iterable<number>): number[] {
  return [...new Set(bits)].sort((a, b) => a - b);
}

/** setBits/clearBits sorted and without duplicates; customMark kept as given. */
export function normalizeChange(change: MarkChange): MarkChange {
  const normalized: MarkChange = { setBits: uniqueSorted(change.setBits ?? []), clearBits: uniqueSorted(change.clearBits ?? []) };
  if (change.customMark !== undefined) normalized.customMark = change.customMark;
  return normalized;
}

function collectProblems(change: MarkChange, options: { allowReserved: boolean }): ChangeProblem[] {
  const problems: ChangeProblem[] = [];
  const setBits = change.setBits ?? [];
  const clearBits = change.clearBits ?? [];
  const reported = new Set<unknown>();
  for (const bit of [...setBits, ...clearBits]) {
    if (reported.has(bit)) continue;
    if (!isValidBitIndex(bit)) {
      reported.add(bit);
      problems.push({ code: 'BIT_OUT_OF_RANGE', message: bitOutOfRangeMessage(bit), ...(typeof bit === 'number' ? { bit } : {}) });
    } else if (!options.allowReserved && !isEditableBit(bit)) {
      reported.add(bit);
      problems.push({ code: 'RESERVED_BIT', message: reservedBitMessage(bit), bit });
    }
  }
  const cleared = new Set(clearBits);
  for (const bit of uniqueSorted(setBits)) {
    if (cleared.has(bit) && isValidBitIndex(bit)) {
      problems.push({ code: 'BIT_SET_AND_CLEARED', message: bitSetAndClearedMessage(bit), bit });
    }
  }
  if (change.customMark !== undefined) {
    const bytes = utf8ByteLength(change.customMark);
    if (bytes > CUSTOM_MARK_MAX_BYTES) problems.push({ code: 'CUSTOM_MARK_TOO_LONG', message: customMarkTooLongMessage(bytes) });
  }
  if (setBits.length === 0 && clearBits.length === 0 && change.customMark === undefined) {
    problems.push({ code: 'EMPTY_CHANGE', message: EMPTY_CHANGE_MESSAGE });
  }
  return problems;
}

/** Everything that stops Markdesk from sending this change; empty when it may be sent. */
export function changeProblems(change: MarkChange): ChangeProblem[] {
  return collectProblems(change, { allowReserved: false });
}

/**
 * What Tencent itself refuses (50002 for the item): bits outside 0..63, a bit both set and cleared,
 * a custom mark over 256 bytes. Reserved bits are Markdesk's own rule, and an empty change is a
 * harmless no-op upstream, so neither is listed. For the emulator.
 */
export function upstreamChangeProblems(change: MarkChange): ChangeProblem[] {
  return collectProblems(change, { allowReserved: true }).filter((problem) => problem.code !== 'EMPTY_CHANGE');
}

/**
 * The state Tencent stores after the change. Reserved bits are applied like any other (Tencent
 * accepts them); throws MarkChangeError for what Tencent would refuse.
 */
// Changes already found valid. Changes are never modified once made, and a bulk job applies one
// change object to many lines (jobs/store.ts shares it): it is checked once, not once per line.
const validChanges = new WeakSet<MarkChange>();

export function applyChange(state: MarkState, change: MarkChange): MarkState {
  if (!validChanges.has(change)) {
    const problems = upstreamChangeProblems(change);
    if (problems.length > 0) throw new MarkChangeError(problems);
    validChanges.add(change);
  }
  const mask = (maskFromBits(state.bits) | maskFromBits(change.setBits ?? [])) & ~maskFromBits(change.clearBits ?? []);
  return { bits: bitsFromMask(mask), customMark: change.customMark ?? state.customMark };
}

export function sameMarkState(a: MarkState, b: MarkState): boolean {
  return a.customMark === b.customMark && maskFromBits(a.bits) === maskFromBits(b.bits);
}

/** True when the change would leave `state` exactly as it is (then nothing needs to be sent). */
export function isNoopChange(state: MarkState, change: MarkChange): boolean {
  return sameMarkState(state, applyChange(state, change));
}

/**
 * The change that, applied to applyChange(before, change), gives `before` back. It names only the
 * bits that actually flipped and the custom mark only if it changed, so an undo does not overwrite
 * bits someone else changed since. May be empty when the change was a no-op.
 */
export function inverseChange(before: MarkState, change: MarkChange): MarkChange {
  const beforeMask = maskFromBits(before.bits);
  const afterMask = maskFromBits(applyChange(before, change).bits);
  const inverse: MarkChange = {
    setBits: bitsFromMask(beforeMask & ~afterMask),
    clearBits: bitsFromMask(afterMask & ~beforeMask),
  };
  if (change.customMark !== undefined && change.customMark !== before.customMark) inverse.customMark = before.customMark;
  return inverse;
}

/** A conversation's state from Tencent's read fields (StandardMark digits, CustomMark); absent = empty. */
export function markStateFromTencent(standardMark: string | undefined | null, customMark: string | undefined | null): MarkState {
  return { bits: bitsFromMask(parseStandardMark(standardMark)), customMark: customMark ?? '' };
}

export type TencentMarkItem = {
  /** 1 standard marks only, 2 custom mark only, 3 both. */
  OptType: 1 | 2 | 3;
  ContactItem: ContactItem;
  SetMark?: number[];
  ClearMark?: number[];
  CustomMark?: string;
};

/** One MarkItem of mark_contact. Throws MarkChangeError when the change has problems (including an empty change). */
export function toMarkItem(conversation: Conversation, change: MarkChange): TencentMarkItem {
  const problems = changeProblems(change);
  if (problems.length > 0) throw new MarkChangeError(problems);
  const { setBits, clearBits, customMark } = normalizeChange(change);
  const touchesBits = setBits.length > 0 || clearBits.length > 0;
  const touchesCustomMark = customMark !== undefined;
  const item: TencentMarkItem = {
    OptType: touchesBits && touchesCustomMark ? 3 : touchesBits ? 1 : 2,
    ContactItem: toContactItem(conversation),
  };
  if (setBits.length > 0) item.SetMark = setBits;
  if (clearBits.length > 0) item.ClearMark = clearBits;
  if (touchesCustomMark) item.CustomMark = customMark;
  return item;
}
