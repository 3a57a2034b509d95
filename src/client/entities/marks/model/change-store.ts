// The mark editor's current change, readable outside the editor without re-rendering the page on
// every tick: the editor writes it; the "Bulk edit all N matching" button reads it when pressed.
import { changeProblems, type MarkChange } from '../../../../shared/marks/change';
import { customMarkRequestSchema } from '../../../../shared/api/marks';
import { customMarkSchema } from '../../../../shared/marks/schemas';

export type ChangeStore = {
  get(): MarkChange | null;
  set(change: MarkChange | null): void;
};

export function createChangeStore(): ChangeStore {
  let current: MarkChange | null = null;
  return {
    get: () => current,
    set: (change) => {
      current = change;
    },
  };
}

/** A change a job row can carry: something to do, nothing the mark rules refuse. */
export function isSendableChange(change: MarkChange | null): change is MarkChange {
  if (change === null || changeProblems(change).length > 0) return false;
  if (change.customMark === undefined) return true;
  return customMarkSchema.safeParse(change.customMark).success && customMarkRequestSchema.safeParse(change.customMark).success;
}
