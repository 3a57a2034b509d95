// A change prepared elsewhere (Inspect's what-if) and carried to the Marks page in the router's
// state: which conversations to select and which bits to tick. Nothing is saved until Save marks.
import { z } from 'zod/mini';
import { conversationSchema, editableBitSchema } from '../../../../shared/marks/schemas';

export const marksDraftSchema = z.object({
  conversations: z.array(conversationSchema).check(z.minLength(1)),
  setBits: z.array(editableBitSchema),
  clearBits: z.array(editableBitSchema),
});
export type MarksDraft = z.infer<typeof marksDraftSchema>;

/** The `state` to navigate to `/marks?user=…` with. */
export function marksDraftState(draft: MarksDraft): { marksDraft: MarksDraft } {
  return { marksDraft: draft };
}

/** The draft in a location's state, or null (history state can hold anything: it is checked). */
export function readMarksDraft(state: unknown): MarksDraft | null {
  if (typeof state !== 'object' || state === null || !('marksDraft' in state)) return null;
  const parsed = marksDraftSchema.safeParse(state.marksDraft);
  return parsed.success ? parsed.data : null;
}
