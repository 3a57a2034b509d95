// The mark editor's model over a selection. The selection is summarised once (its distinct 64-bit
// masks, each bit's tri-state, its custom mark); every later question (what would change, the
// resulting value, may Save send it) is answered from that summary, so a selection of 1,500
// conversations costs as much as its few distinct masks.
import { customMarkRequestSchema } from '../../../../shared/api/marks';
import { BIT_COUNT, isEditableBit } from '../../../../shared/marks/bits';
import { changeProblems, type MarkChange, type MarkState } from '../../../../shared/marks/change';
import { bitsFromMask, maskFromBits, maskToHex } from '../../../../shared/marks/mask';
import { customMarkSchema } from '../../../../shared/marks/schemas';
import { changeFromTouched, customMarkOfSelection, touchedFromTriStates, type CustomMarkOfSelection, type TriState } from '../../../../shared/marks/tristate';

export type SelectionSummary = {
  count: number;
  /** Index = bit: on for all, off for all, or mixed. */
  triStates: readonly TriState[];
  customMark: CustomMarkOfSelection;
  /** Each distinct 64-bit value in the selection, once. */
  masks: readonly bigint[];
};

// A list's entries keep their bits arrays across selections: each is turned into a mask once.
const maskCache = new WeakMap<readonly number[], bigint>();
function maskOf(bits: readonly number[]): bigint {
  let mask = maskCache.get(bits);
  if (mask === undefined) {
    mask = maskFromBits(bits);
    maskCache.set(bits, mask);
  }
  return mask;
}

const ALL_BITS = (1n << BigInt(BIT_COUNT)) - 1n;

export function summarizeSelection(states: readonly MarkState[]): SelectionSummary {
  const distinct = new Set<bigint>();
  for (const state of states) distinct.add(maskOf(state.bits));
  const masks = [...distinct];
  let all = masks.length === 0 ? 0n : ALL_BITS;
  let any = 0n;
  for (const mask of masks) {
    all &= mask;
    any |= mask;
  }
  const triStates = Array.from({ length: BIT_COUNT }, (_, bit): TriState => {
    const flag = 1n << BigInt(bit);
    return all & flag ? 'on' : any & flag ? 'mixed' : 'off';
  });
  return { count: states.length, triStates, customMark: customMarkOfSelection(states), masks };
}

/** What the person has set in the editor. */
export type EditorValues = { bits: readonly TriState[]; customMark: string; customMarkEdited: boolean };

export type PreparedChange = { setBits: readonly number[]; clearBits: readonly number[] };

/** The selection's states, with bits chosen elsewhere (set → on, clear → off) shown as touched. Only editable bits are taken. */
export function initialEditorValues(selection: SelectionSummary, prepared?: PreparedChange): EditorValues {
  const bits = [...selection.triStates];
  for (const bit of prepared?.setBits ?? []) if (isEditableBit(bit)) bits[bit] = 'on';
  for (const bit of prepared?.clearBits ?? []) if (isEditableBit(bit)) bits[bit] = 'off';
  return { bits, customMark: selection.customMark.kind === 'same' ? selection.customMark.value : '', customMarkEdited: false };
}

/** undefined = leave the custom mark as it is. */
export function customMarkChange(values: Pick<EditorValues, 'customMark' | 'customMarkEdited'>, selection: Pick<SelectionSummary, 'customMark'>): string | undefined {
  if (selection.customMark.kind === 'same') return values.customMark === selection.customMark.value ? undefined : values.customMark;
  return values.customMarkEdited ? values.customMark : undefined;
}

/** The one change for every selected conversation: only the touched bits, the custom mark only when edited. */
export function changeFromEditor(values: EditorValues, selection: SelectionSummary): MarkChange {
  return changeFromTouched(touchedFromTriStates(selection.triStates, values.bits), customMarkChange(values, selection));
}

const applyBits = (mask: bigint, set: bigint, clear: bigint) => (mask | set) & ~clear;

/** True when the change would leave every selected conversation exactly as it is. */
export function isNoopForSelection(selection: SelectionSummary, change: MarkChange): boolean {
  const set = maskFromBits(change.setBits);
  const clear = maskFromBits(change.clearBits);
  if (!selection.masks.every((mask) => applyBits(mask, set, clear) === mask)) return false;
  if (change.customMark === undefined) return true;
  return selection.customMark.kind === 'same' && selection.customMark.value === change.customMark;
}

/** Whether Save may send `change`: something would change, and the domain finds nothing wrong with it. */
export function canSaveChange(selection: SelectionSummary, change: MarkChange): boolean {
  if (changeProblems(change).length > 0) return false;
  if (change.customMark !== undefined) {
    if (!customMarkSchema.safeParse(change.customMark).success || !customMarkRequestSchema.safeParse(change.customMark).success) return false;
  }
  return !isNoopForSelection(selection, change);
}

export type ResultingValue = { kind: 'same'; hex: string; bits: number[] } | { kind: 'mixed'; setHex: string; clearHex: string };

/**
 * The 64-bit value after the bits of the change. One hex when every selected conversation ends up
 * with the same value (always for a single one); otherwise what is being set and cleared, as hex.
 */
export function resultingValue(selection: SelectionSummary, change: Pick<MarkChange, 'setBits' | 'clearBits'>): ResultingValue {
  const set = maskFromBits(change.setBits);
  const clear = maskFromBits(change.clearBits);
  const results = new Set(selection.masks.map((mask) => applyBits(mask, set, clear)));
  if (results.size <= 1) {
    const mask = results.values().next().value ?? set;
    return { kind: 'same', hex: maskToHex(mask), bits: bitsFromMask(mask) };
  }
  return { kind: 'mixed', setHex: maskToHex(set), clearHex: maskToHex(clear) };
}
