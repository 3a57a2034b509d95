// The one policy of a mark write, shared by interactive saves, Undo and bulk jobs: what to do with
// an item given the state read just before, what Chat's answer means for it, and whether a write
// whose answer was lost landed. Pure functions, table-tested in write-policy.test.ts.
import { chatErrorInfo, isTransientChatErrorClass } from '../../shared/chat-errors/catalogue';
import { applyChange, isNoopChange, sameMarkState, type MarkChange, type MarkState, type TencentMarkItem } from '../../shared/marks/change';

/** Chat's "this edition does not allow standard marks or conversation groups". */
export const EDITION_NOT_ALLOWED = 51013;

export type ItemDecision =
  /** The guard failed: the custom mark is not what the person saw. Nothing is sent. */
  | 'conflict'
  /** Already in the requested state. Nothing is sent. */
  | 'unchanged'
  | 'write';

export type WriteGuard = {
  /** The custom mark the person saw; another value now (other than the one asked for) means someone else changed it. */
  expectedCustomMark?: string;
  /** The whole state the conversation must still be in (a rollback writes only where its job left it). */
  expectedState?: MarkState;
  /** Write the custom mark only where none is set now (bulk column custom_mark_only_if_empty). */
  customMarkOnlyIfEmpty?: boolean;
};

/** What to do with one item, decided on the state read inside the user's write lock. */
export function decideItem(current: MarkState, change: MarkChange, guard: WriteGuard = {}): ItemDecision {
  return decide(current, change, guard).decision;
}

/** decideItem, with the state the change produces (computed once: bulk jobs decide 20,000 lines a second). */
export function decide(current: MarkState, change: MarkChange, guard: WriteGuard = {}): { decision: ItemDecision; after: MarkState } {
  // A custom mark that already holds the value asked for overwrites nobody, whatever the guard says:
  // the same save sent again after its answer was lost (a Retry) comes back unchanged, not a conflict.
  if (guard.expectedCustomMark !== undefined && guard.expectedCustomMark !== current.customMark && current.customMark !== change.customMark) {
    return { decision: 'conflict', after: current };
  }
  if (guard.expectedState !== undefined && !sameMarkState(guard.expectedState, current)) return { decision: 'conflict', after: current };
  if (guard.customMarkOnlyIfEmpty && change.customMark !== undefined && current.customMark !== '' && current.customMark !== change.customMark) {
    return { decision: 'conflict', after: current };
  }
  const after = applyChange(current, change);
  return { decision: sameMarkState(current, after) ? 'unchanged' : 'write', after };
}

export type CodeVerdict =
  | 'applied'
  /** Goes away by itself (busy, throttled, network): a bulk job tries the item again later. */
  | 'transient'
  /** About this item (or what it asks for): final. */
  | 'failed'
  /** About the whole setup (credentials, configuration): a bulk job stops until someone fixes it. */
  | 'halt';

/** What Chat's code means for an item. `whole`: the whole call failed with it, not just this item. */
export function verdictFor(code: number, whole: boolean): CodeVerdict {
  if (code === 0) return 'applied';
  const errorClass = chatErrorInfo(code).class;
  if (isTransientChatErrorClass(errorClass)) return 'transient';
  // 51013 is about what the item asks for (standard marks); custom-mark-only items still work.
  if (errorClass === 'caller' || code === EDITION_NOT_ALLOWED || !whole) return 'failed';
  return 'halt';
}

/**
 * An item Chat refused for the edition (51013) that is worth sending again on its own: on an edition
 * without standard marks Chat refuses a whole call that touches any, custom-mark-only items in it
 * included, and those work on every edition.
 */
export function worthResendingAlone(item: TencentMarkItem, code: number): boolean {
  return code === EDITION_NOT_ALLOWED && item.OptType === 2;
}

/** True when `state` shows every effect of `change`. */
export function showsChange(state: MarkState, change: MarkChange): boolean {
  const on = new Set(state.bits);
  return (
    change.setBits.every((bit) => on.has(bit)) &&
    change.clearBits.every((bit) => !on.has(bit)) &&
    (change.customMark === undefined || change.customMark === state.customMark)
  );
}

/**
 * Did a write whose answer was lost (network failure after sending, a crash, a shutdown) land? It
 * did when the state read afterwards shows every effect of the change, which the state before it
 * did not — the same rule for interactive saves, Undo, bulk jobs and entries reconciled at start.
 */
export function landed(before: MarkState, change: MarkChange, current: MarkState): boolean {
  return !isNoopChange(before, change) && showsChange(current, change);
}
