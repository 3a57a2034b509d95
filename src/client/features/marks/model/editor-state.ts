// The mark editor's form model over a selection. The grid holds one tri-state per bit; what is sent
// is only what the person touched (the domain's touchedFromTriStates/changeFromTouched).
import { bitsFromMask, maskFromBits, maskToHex } from '../../../../shared/marks/mask';
import { applyChange, type MarkChange, type MarkState } from '../../../../shared/marks/change';
import {
  changeFromTouched,
  customMarkOfSelection,
  selectionTriStates,
  touchedFromTriStates,
  type CustomMarkOfSelection,
  type TriState,
} from '../../../../shared/marks/tristate';
import { BIT_COUNT, isEditableBit } from '../../../../shared/marks/bits';

/** `b0` … `b63`: one form field per bit, so one checkbox can change without re-rendering the others. */
export type BitFieldName = `bits.b${number}`;

export function bitFieldName(bit: number): BitFieldName {
  return `bits.b${bit}`;
}

export type EditorValues = {
  bits: Record<`b${number}`, TriState>;
  customMark: string;
  /** Only meaningful when the selection's custom marks differ: has the person typed or cleared? */
  customMarkEdited: boolean;
  reason: string;
};

export type EditorBaseline = { triStates: TriState[]; customMark: CustomMarkOfSelection };

export function editorBaseline(states: readonly MarkState[]): EditorBaseline {
  return { triStates: selectionTriStates(states), customMark: customMarkOfSelection(states) };
}

/** `prepared`: bits already chosen elsewhere (set → on, clear → off), shown as touched. Only editable bits are taken. */
export function initialEditorValues(baseline: EditorBaseline, prepared?: { setBits: readonly number[]; clearBits: readonly number[] }): EditorValues {
  const triStates = [...baseline.triStates];
  for (const bit of prepared?.setBits ?? []) if (isEditableBit(bit)) triStates[bit] = 'on';
  for (const bit of prepared?.clearBits ?? []) if (isEditableBit(bit)) triStates[bit] = 'off';
  return {
    bits: bitsRecord(triStates),
    customMark: baseline.customMark.kind === 'same' ? baseline.customMark.value : '',
    customMarkEdited: false,
    reason: '',
  };
}

export function bitsRecord(triStates: readonly TriState[]): Record<`b${number}`, TriState> {
  const record: Record<`b${number}`, TriState> = {};
  triStates.forEach((state, bit) => {
    record[`b${bit}`] = state;
  });
  return record;
}

function triStatesOf(bits: Record<`b${number}`, TriState>, baseline: EditorBaseline): TriState[] {
  return Array.from({ length: BIT_COUNT }, (_, bit) => bits[`b${bit}`] ?? (baseline.triStates[bit] as TriState));
}

/** undefined = leave the custom mark as it is. */
export function customMarkChange(
  values: Pick<EditorValues, 'customMark' | 'customMarkEdited'>,
  baseline: EditorBaseline,
): string | undefined {
  if (baseline.customMark.kind === 'same') return values.customMark === baseline.customMark.value ? undefined : values.customMark;
  return values.customMarkEdited ? values.customMark : undefined;
}

/** The one change for every selected conversation. */
export function changeFromEditor(values: Pick<EditorValues, 'bits' | 'customMark' | 'customMarkEdited'>, baseline: EditorBaseline): MarkChange {
  const touched = touchedFromTriStates(baseline.triStates, triStatesOf(values.bits, baseline));
  return changeFromTouched(touched, customMarkChange(values, baseline));
}

export type ResultingValue =
  | { kind: 'same'; hex: string; bits: number[] }
  | { kind: 'mixed'; setHex: string; clearHex: string };

/**
 * The 64-bit value after the change. One hex when every selected conversation ends up with the same
 * value (always for a single one); otherwise what is being set and cleared, as hex.
 */
export function resultingValue(states: readonly MarkState[], change: MarkChange): ResultingValue {
  const masks = new Set(states.map((state) => maskFromBits(applyChange(state, change).bits)));
  if (masks.size <= 1) {
    const mask = masks.values().next().value ?? maskFromBits(change.setBits);
    return { kind: 'same', hex: maskToHex(mask), bits: bitsFromMask(mask) };
  }
  return { kind: 'mixed', setHex: maskToHex(maskFromBits(change.setBits)), clearHex: maskToHex(maskFromBits(change.clearBits)) };
}
