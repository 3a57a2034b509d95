// The labels form: one name and one description per custom bit. Whether a value is acceptable is
// decided by the shared contract (the same schema the BFF validates with); this only turns a
// refusal into a sentence in the person's language.
import { LABEL_DESCRIPTION_MAX_CHARS, LABEL_NAME_MAX_CHARS, labelMapSchema, labelNameSchema, labelSchema, type LabelMap } from '../../../../shared/api/labels';
import { bitFromName, CUSTOM_BITS } from '../../../../shared/marks/bits';
import { isStorableText } from '../../../../shared/text/storable';
import type { Translate } from '../../../lib/i18n/translate';

export type LabelFields = { name: string; description: string };
export type LabelFormValues = { labels: Record<`b${number}`, LabelFields> };

export function labelFieldName(bit: number, field: keyof LabelFields): `labels.b${number}.${keyof LabelFields}` {
  return `labels.b${bit}.${field}`;
}

export function labelFormValues(labels: LabelMap | undefined): LabelFormValues {
  const values: LabelFormValues = { labels: {} };
  for (const bit of CUSTOM_BITS) {
    const label = labels?.[String(bit) as keyof LabelMap];
    values.labels[`b${bit}`] = { name: label?.name ?? '', description: label?.description ?? '' };
  }
  return values;
}

export type LabelFormProblem = { bit: number; field: keyof LabelFields; message: string };

const characters = (text: string) => [...text].length;

function nameSentence(name: string, t: Translate): string {
  if (!isStorableText(name)) return t('text.unstorable');
  const trimmed = name.trim();
  if (characters(trimmed) > LABEL_NAME_MAX_CHARS) return t('settings.labels.nameTooLong', { count: characters(trimmed), max: LABEL_NAME_MAX_CHARS });
  if (/^\d+$/.test(trimmed)) return t('settings.labels.nameDigits');
  if (bitFromName(trimmed) !== undefined) return t('settings.labels.nameStandard', { name: trimmed });
  return t('settings.labels.nameInvalid');
}

/**
 * The PUT body for the form, or the problems to show beside the fields. A bit without a name is left
 * out (it goes back to "Custom bit N"); a description without a name is a problem.
 */
export function labelsFromForm(values: LabelFormValues, t: Translate): { labels: LabelMap } | { problems: LabelFormProblem[] } {
  const problems: LabelFormProblem[] = [];
  const labels: Record<string, { name: string; description: string }> = {};
  for (const bit of CUSTOM_BITS) {
    const fields = values.labels[`b${bit}`] ?? { name: '', description: '' };
    if (fields.name.trim() === '') {
      if (fields.description.trim() !== '') problems.push({ bit, field: 'name', message: t('settings.labels.nameMissing') });
      continue;
    }
    if (!labelNameSchema.safeParse(fields.name).success) {
      problems.push({ bit, field: 'name', message: nameSentence(fields.name, t) });
      continue;
    }
    const label = labelSchema.safeParse({ name: fields.name, description: fields.description });
    if (!label.success) {
      const message = isStorableText(fields.description)
        ? t('settings.labels.descriptionTooLong', { count: characters(fields.description.trim()), max: LABEL_DESCRIPTION_MAX_CHARS })
        : t('text.unstorable');
      problems.push({ bit, field: 'description', message });
      continue;
    }
    labels[String(bit)] = label.data;
  }
  if (problems.length > 0) return { problems };
  const map = labelMapSchema.safeParse(labels);
  if (map.success) return { labels: map.data };
  // What is left is a name used twice: point at each later bit that repeats an earlier one.
  const firstBitByName = new Map<string, number>();
  for (const [bitText, label] of Object.entries(labels)) {
    const bit = Number(bitText);
    const key = label.name.toLowerCase();
    const first = firstBitByName.get(key);
    if (first === undefined) firstBitByName.set(key, bit);
    else problems.push({ bit, field: 'name', message: t('settings.labels.nameDuplicate', { bit: first }) });
  }
  return { problems: problems.length > 0 ? problems : [{ bit: CUSTOM_BITS[0] as number, field: 'name', message: t('settings.labels.nameInvalid') }] };
}
