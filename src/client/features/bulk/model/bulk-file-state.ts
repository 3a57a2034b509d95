// A file prepared on another page (the Marks page's "Bulk edit all N matching") and carried to the
// Bulk page in the router's state. The Bulk page checks it at once; nothing runs until Start.
import { z } from 'zod/mini';

const bulkFileSchema = z.object({ name: z.string().check(z.minLength(1)), text: z.string() });
export type PreparedBulkFile = z.infer<typeof bulkFileSchema>;

/** The `state` to navigate to `/bulk` with. */
export function bulkFileState(file: PreparedBulkFile): { bulkFile: PreparedBulkFile } {
  return { bulkFile: file };
}

/** The prepared file in a location's state, or null (history state can hold anything: it is checked). */
export function readBulkFile(state: unknown): PreparedBulkFile | null {
  if (typeof state !== 'object' || state === null || !('bulkFile' in state)) return null;
  const parsed = bulkFileSchema.safeParse(state.bulkFile);
  return parsed.success ? parsed.data : null;
}

export function fileFromPrepared(prepared: PreparedBulkFile): File {
  return new File([prepared.text], prepared.name, { type: 'text/csv' });
}
