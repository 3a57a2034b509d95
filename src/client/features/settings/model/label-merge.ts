// When someone else saved the labels while an admin was editing them: take their version as the new
// base, keep what the admin changed, and name each bit the other person changed, so nothing either
// of them did is lost without a person deciding it.
import type { Label, LabelMap } from '../../../../shared/api/labels';
import { CUSTOM_BITS } from '../../../../shared/marks/bits';
import type { LabelFields, LabelFormValues } from './label-form';

/** A bit the other person changed: what they saved (null: they removed its name), and whether the admin changed it differently. */
export type TheirChange = { theirs: Label | null; clash: boolean };

export type LabelMerge = {
  /** The form's values: the admin's own where they changed a bit, the current labels everywhere else. */
  values: LabelFormValues;
  /** Keyed by bit: only the bits whose label changed between the loaded and the current version. */
  changes: Record<number, TheirChange>;
};

const fieldsOf = (label: Label | undefined): LabelFields => ({ name: label?.name ?? '', description: label?.description ?? '' });
const same = (a: LabelFields, b: LabelFields) => a.name.trim() === b.name.trim() && a.description.trim() === b.description.trim();
const labelOf = (labels: LabelMap, bit: number): Label | undefined => labels[String(bit) as keyof LabelMap];

/** Three-way merge of the form (`mine`) with the version it was loaded from (`loaded`) and the current one. */
export function mergeLabelEdits(mine: LabelFormValues, loaded: LabelMap, current: LabelMap): LabelMerge {
  const values: LabelFormValues = { labels: {} };
  const changes: Record<number, TheirChange> = {};
  for (const bit of CUSTOM_BITS) {
    const own = mine.labels[`b${bit}`] ?? fieldsOf(undefined);
    const before = fieldsOf(labelOf(loaded, bit));
    const theirs = labelOf(current, bit);
    const now = fieldsOf(theirs);
    const iChanged = !same(own, before);
    values.labels[`b${bit}`] = iChanged ? { ...own } : now;
    if (!same(before, now)) changes[bit] = { theirs: theirs ?? null, clash: iChanged && !same(own, now) };
  }
  return { values, changes };
}
