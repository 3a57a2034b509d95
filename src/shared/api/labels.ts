// Names and descriptions of the custom bits 32–63 (GET and PUT /api/mark-labels).
import { z } from 'zod/mini';
import { bitFromName, CUSTOM_BITS } from '../marks/bits';
import { storableText } from '../text/storable';
import { isoDateTimeSchema } from './time';

export const LABEL_NAME_MAX_CHARS = 40;
export const LABEL_DESCRIPTION_MAX_CHARS = 200;

/** "32" … "63": JSON object keys are strings. */
export const CUSTOM_BIT_KEYS = CUSTOM_BITS.map(String) as [string, ...string[]];
export const customBitKeySchema = z.enum(CUSTOM_BIT_KEYS);

// Characters are counted as code points, so an emoji counts once. Unstorable characters are
// refused before trimming, so a tab or line break at either end is refused too, not dropped silently.
const characters = (text: string) => [...text].length;

export const labelNameSchema = storableText('The name').check(
  z.trim(),
  z.refine((name) => name.length > 0, { error: 'Give the bit a name.', abort: true }),
  z.refine((name) => characters(name) <= LABEL_NAME_MAX_CHARS, {
    error: (issue) => `The name is ${characters(issue.input as string)} characters; the limit is ${LABEL_NAME_MAX_CHARS}.`,
  }),
  // Bulk-job CSVs may name bits by label, so a label must not read as a bit index or a standard bit.
  z.refine((name) => !/^\d+$/.test(name), { error: 'A name cannot be only digits (it would read as a bit number).' }),
  z.refine((name) => bitFromName(name) === undefined, { error: (issue) => `"${String(issue.input)}" is the name of a standard bit.` }),
);

export const labelSchema = z.strictObject({
  name: labelNameSchema,
  /** Optional in requests (defaults to ""), always present in responses. */
  description: z._default(
    storableText('The description').check(
      z.trim(),
      z.refine((text) => characters(text) <= LABEL_DESCRIPTION_MAX_CHARS, {
        error: (issue) => `The description is ${characters(issue.input as string)} characters; the limit is ${LABEL_DESCRIPTION_MAX_CHARS}.`,
      }),
    ),
    '',
  ),
});
export type Label = z.infer<typeof labelSchema>;

/** Bits without a name are absent. Keys outside "32".."63" are refused. */
export const labelMapSchema = z.partialRecord(customBitKeySchema, labelSchema).check(
  z.superRefine((labels, context) => {
    // Names identify bits in bulk jobs and in the editor, so two bits may not share one (any case).
    const seen = new Map<string, string>();
    for (const [bit, label] of Object.entries(labels)) {
      if (label === undefined) continue;
      const key = label.name.toLowerCase();
      const other = seen.get(key);
      if (other !== undefined) {
        context.addIssue({ code: 'custom', path: [bit, 'name'], message: `Bit ${other} is already called "${label.name}".` });
      } else seen.set(key, bit);
    }
  }),
);
export type LabelMap = z.infer<typeof labelMapSchema>;

/** Who saved the current labels (staff username) and when; both null while they were never changed. */
const lastChangeShape = {
  updatedBy: z._default(z.nullable(z.string()), null),
  updatedAt: z._default(z.nullable(isoDateTimeSchema), null),
};

/**
 * GET and PUT answer this, with the version's entity tag in the `ETag` header. A PUT must send that
 * tag back in `If-Match` (or `*` for "whatever is there now"): without it the answer is 428
 * PRECONDITION_REQUIRED; when the labels changed since, 412 PRECONDITION_FAILED with
 * LabelsConflictDetails in `error.details`, and nothing is saved.
 */
// A response carries what is stored, which may predate a rule added later (a description with a
// control character, say): it is read as it is, so one old label cannot break every page.
const storedLabelSchema = z.object({ name: z.string(), description: z.string() });
export const labelsResponseSchema = z.object({ labels: z.partialRecord(customBitKeySchema, storedLabelSchema), ...lastChangeShape });
export type LabelsResponse = z.infer<typeof labelsResponseSchema>;

/** `error.details` of a 412 PRECONDITION_FAILED: the labels as they are now, their ETag, who and when. */
export const labelsConflictDetailsSchema = z.object({ labels: labelMapSchema, etag: z.string(), ...lastChangeShape });
export type LabelsConflictDetails = z.infer<typeof labelsConflictDetailsSchema>;

/** PUT replaces all labels: a bit left out loses its name. The response is a LabelsResponse. */
export const putLabelsRequestSchema = z.strictObject({ labels: labelMapSchema });
export type PutLabelsRequest = z.infer<typeof putLabelsRequestSchema>;
