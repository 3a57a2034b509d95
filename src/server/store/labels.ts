import { createHash } from 'node:crypto';
import type { Reader, Store, Tx } from './database';

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

export async function getLabels(db: Reader): Promise<MarkLabels> {
  const rows = await db.selectFrom('mark_labels').select(['bit', 'name', 'description']).orderBy('bit').execute();
  const labels: MarkLabels = {};
  for (const row of rows) labels[String(row.bit)] = { name: row.name, description: row.description };
  return labels;
}

/** The labels as one version: what a reader saw, and the validator a save must name to replace them. */
export type LabelsVersion = {
  labels: MarkLabels;
  version: number;
  /** Strong entity tag, quotes included: `"v7-…"`. */
  etag: string;
  updatedBy: string | null;
  updatedAt: string | null;
};

/**
 * The entity tag of a version: the version number, plus a digest of the labels so that a database
 * started afresh (its version counting from 0 again) never hands out a tag an old browser tab
 * still holds for different labels.
 */
export function labelsEtag(version: number, labels: MarkLabels): string {
  const digest = createHash('sha256').update(JSON.stringify(Object.entries(labels))).digest('base64url').slice(0, 16);
  return `"v${version}-${digest}"`;
}

/** The labels and their version; both reads in one transaction of the caller's, so they agree. */
async function labelsVersionIn(db: Reader): Promise<LabelsVersion> {
  const labels = await getLabels(db);
  const row = await db.selectFrom('mark_labels_version').select(['version', 'updated_by', 'updated_at']).where('id', '=', 1).executeTakeFirst();
  const version = row?.version ?? 0;
  return { labels, version, etag: labelsEtag(version, labels), updatedBy: row?.updated_by ?? null, updatedAt: row?.updated_at ?? null };
}

export function getLabelsVersion(store: Pick<Store, 'snapshot'>): Promise<LabelsVersion> {
  return store.snapshot(labelsVersionIn);
}

/** What a save must be based on: any version (`*`), or one of these entity tags (compared strongly). */
export type LabelsPrecondition = '*' | readonly string[];

export type SaveLabelsResult = { saved: true; current: LabelsVersion } | { saved: false; current: LabelsVersion };

/**
 * Replaces all labels at once (bits left out lose theirs; names and descriptions are trimmed) when
 * the current version is the one the save names. The comparison and the replace run in one
 * IMMEDIATE transaction, so of two saves based on the same version exactly one succeeds; the other
 * gets the labels as they are now. Refuses a set that cannot be stored with a LabelError.
 */
export async function saveLabels(
  store: Store,
  labels: MarkLabelsInput,
  options: {
    expected: LabelsPrecondition;
    by: string | null;
    at: Date;
    /** Runs in the save's transaction once the labels are replaced (the admin-activity entry): both land, or neither. */
    alsoInTransaction?: (tx: Tx, saved: LabelsVersion) => Promise<unknown>;
  },
): Promise<SaveLabelsResult> {
  const problems = labelProblems(labels);
  if (problems) throw new LabelError('Some labels cannot be stored.', problems);
  const rows = Object.entries(labels).map(([key, label]) => ({
    bit: Number(key),
    name: label.name.trim(),
    description: (label.description ?? '').trim(),
  }));
  // The comparison and the replace in one write transaction: no other save lands between them, and
  // no reader sees the table half replaced.
  return store.write(async (tx): Promise<SaveLabelsResult> => {
    const current = await labelsVersionIn(tx);
    if (options.expected !== '*' && !options.expected.includes(current.etag)) return { saved: false, current };
    await tx.deleteFrom('mark_labels').execute();
    if (rows.length > 0) await tx.insertInto('mark_labels').values(rows).execute();
    await tx
      .insertInto('mark_labels_version')
      .values({ id: 1, version: current.version + 1, updated_by: options.by, updated_at: options.at.toISOString() })
      .onConflict((conflict) =>
        conflict.column('id').doUpdateSet({ version: current.version + 1, updated_by: options.by, updated_at: options.at.toISOString() }),
      )
      .execute();
    const saved = await labelsVersionIn(tx);
    await options.alsoInTransaction?.(tx, saved);
    return { saved: true, current: saved };
  });
}

/** Replaces all labels whatever the current version (for tools and tests; the HTTP route always compares). */
export async function replaceLabels(store: Store, labels: MarkLabelsInput, by: string | null = null, at: Date = new Date()): Promise<MarkLabels> {
  const result = await saveLabels(store, labels, { expected: '*', by, at });
  return result.current.labels;
}
