import { executeSync, immediateTransaction, selectSync, type Store } from './database';

// Names for the custom mark bits 32..63 (bits 0..3 are Tencent's standard marks and named by the
// product). Besides being shown, a label names its bit in bulk-job CSV files, so labels must be
// unambiguous: unique ignoring case, not a number, not a standard mark's name.

export const CUSTOM_BIT_MIN = 32;
export const CUSTOM_BIT_MAX = 63;
export const LABEL_NAME_MAX_LENGTH = 40;
export const LABEL_DESCRIPTION_MAX_LENGTH = 500;
/** Names the bulk CSV already uses for bits 0..3. */
export const RESERVED_LABEL_NAMES: readonly string[] = ['favourite', 'unread', 'collapsed', 'hidden'];

export type MarkLabel = { name: string; description: string };
/** Keyed by the bit number as a string, "32".."63"; bits without a label are absent. */
export type MarkLabels = Record<string, MarkLabel>;
export type MarkLabelsInput = Record<string, { name: string; description?: string }>;

export class LabelError extends Error {
  constructor(
    message: string,
    /** One sentence per offending key, e.g. { "33.name": "…" }. */
    readonly details: Record<string, string>,
  ) {
    super(message);
    this.name = 'LabelError';
  }
}

const codePoints = (text: string): number => [...text].length;

/** The problems of a label set, keyed by field ("33.name"), or null when it can be stored. */
export function labelProblems(labels: MarkLabelsInput): Record<string, string> | null {
  const problems: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (const [key, label] of Object.entries(labels)) {
    const bit = Number(key);
    if (!/^\d+$/.test(key) || String(bit) !== key || bit < CUSTOM_BIT_MIN || bit > CUSTOM_BIT_MAX) {
      problems[key] = `Only bits ${CUSTOM_BIT_MIN} to ${CUSTOM_BIT_MAX} take a label.`;
      continue;
    }
    const name = typeof label?.name === 'string' ? label.name.trim() : '';
    const description = label?.description ?? '';
    if (name === '') problems[`${key}.name`] = 'The name is required.';
    else if (codePoints(name) > LABEL_NAME_MAX_LENGTH) problems[`${key}.name`] = `The name has at most ${LABEL_NAME_MAX_LENGTH} characters.`;
    else if (/^\d+$/.test(name)) problems[`${key}.name`] = 'The name cannot be a number (bulk files use numbers for bits).';
    else if (RESERVED_LABEL_NAMES.includes(name.toLowerCase())) problems[`${key}.name`] = `"${name}" is the name of a standard mark.`;
    else {
      const other = seen.get(name.toLowerCase());
      if (other !== undefined) problems[`${key}.name`] = `Bit ${other} already has the name "${name}".`;
      seen.set(name.toLowerCase(), key);
    }
    if (typeof description !== 'string' || codePoints(description) > LABEL_DESCRIPTION_MAX_LENGTH) {
      problems[`${key}.description`] = `The description has at most ${LABEL_DESCRIPTION_MAX_LENGTH} characters.`;
    }
  }
  return Object.keys(problems).length === 0 ? null : problems;
}

export function getLabels(store: Store): MarkLabels {
  const rows = selectSync(store, store.db.selectFrom('mark_labels').select(['bit', 'name', 'description']).orderBy('bit'));
  const labels: MarkLabels = {};
  for (const row of rows) labels[String(row.bit)] = { name: row.name, description: row.description };
  return labels;
}

/** Replaces all labels at once (bits left out lose theirs); names and descriptions are trimmed. */
export async function replaceLabels(store: Store, labels: MarkLabelsInput): Promise<MarkLabels> {
  const problems = labelProblems(labels);
  if (problems) throw new LabelError('Some labels cannot be stored.', problems);
  const rows = Object.entries(labels).map(([key, label]) => ({
    bit: Number(key),
    name: label.name.trim(),
    description: (label.description ?? '').trim(),
  }));
  // One synchronous transaction: getLabels (synchronous too) never sees the table half replaced.
  await immediateTransaction(store, () => {
    executeSync(store, store.db.deleteFrom('mark_labels'));
    if (rows.length > 0) executeSync(store, store.db.insertInto('mark_labels').values(rows));
  });
  return getLabels(store);
}
