// The mark editor over a selection of conversations: per bit, on for all, off for all, or mixed.
// Only the bits a person touched become part of the one change sent to every selected conversation.
import { BIT_COUNT, isValidBitIndex } from './bits';
import type { MarkChange, MarkState } from './change';
import { maskFromBits } from './mask';

export type TriState = 'on' | 'off' | 'mixed';

/** Bits the person changed away from their original state, with the state chosen. */
export type TouchedBits = ReadonlyMap<number, 'on' | 'off'>;

export type CustomMarkOfSelection = { kind: 'same'; value: string } | { kind: 'mixed' };

function selectionMasks(states: readonly MarkState[]): { all: bigint; any: bigint } {
  let all = (1n << BigInt(BIT_COUNT)) - 1n;
  let any = 0n;
  for (const state of states) {
    const mask = maskFromBits(state.bits);
    all &= mask;
    any |= mask;
  }
  return states.length === 0 ? { all: 0n, any: 0n } : { all, any };
}

function triStateIn(masks: { all: bigint; any: bigint }, bit: number): TriState {
  const flag = 1n << BigInt(bit);
  if (masks.all & flag) return 'on';
  if (masks.any & flag) return 'mixed';
  return 'off';
}

/** An empty selection is 'off'. Throws RangeError for a bit outside 0..63. */
export function triStateOfBit(states: readonly MarkState[], bit: number): TriState {
  if (!isValidBitIndex(bit)) throw new RangeError(`Bit ${String(bit)} does not exist; bits are numbered 0 to 63.`);
  return triStateIn(selectionMasks(states), bit);
}

/** Index = bit, length 64. */
export function selectionTriStates(states: readonly MarkState[]): TriState[] {
  const masks = selectionMasks(states);
  return Array.from({ length: BIT_COUNT }, (_, bit) => triStateIn(masks, bit));
}

/** The one change for every selected conversation; untouched bits are absent, so they stay as they are. */
export function changeFromTouched(touched: TouchedBits, customMark?: string): MarkChange {
  const setBits: number[] = [];
  const clearBits: number[] = [];
  for (const [bit, state] of touched) (state === 'on' ? setBits : clearBits).push(bit);
  const change: MarkChange = { setBits: setBits.sort((a, b) => a - b), clearBits: clearBits.sort((a, b) => a - b) };
  if (customMark !== undefined) change.customMark = customMark;
  return change;
}

/**
 * A click on a checkbox. A bit that started mixed cycles on → off → mixed (mixed = leave as is);
 * a bit that started on or off simply toggles.
 */
export function nextTriState(current: TriState, original: TriState): TriState {
  if (original === 'mixed') {
    if (current === 'mixed') return 'on';
    if (current === 'on') return 'off';
    return 'mixed';
  }
  return current === 'on' ? 'off' : 'on';
}

/** The touched bits implied by the current editor states: every bit not back at its original state and not mixed. */
export function touchedFromTriStates(original: readonly TriState[], current: readonly TriState[]): Map<number, 'on' | 'off'> {
  const touched = new Map<number, 'on' | 'off'>();
  current.forEach((state, bit) => {
    if (state !== 'mixed' && state !== original[bit]) touched.set(bit, state);
  });
  return touched;
}

/** An empty selection counts as the same empty custom mark. */
export function customMarkOfSelection(states: readonly MarkState[]): CustomMarkOfSelection {
  const first = states[0];
  if (first === undefined) return { kind: 'same', value: '' };
  return states.every((state) => state.customMark === first.customMark) ? { kind: 'same', value: first.customMark } : { kind: 'mixed' };
}
