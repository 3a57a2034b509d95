// The mark editor's state in one small store outside React: the 64 tri-states in one array, the
// custom mark and the reason. Each checkbox subscribes to its own bit, the custom mark and reason
// fields to theirs, the summary to the change; a click notifies one bit and the change. A new
// selection resets the store in place, so the editor stays mounted and only the bits whose state
// differs render again.
import { useSyncExternalStore } from 'react';
import { BIT_COUNT } from '../../../../shared/marks/bits';
import type { MarkChange } from '../../../../shared/marks/change';
import { nextTriState, type TriState } from '../../../../shared/marks/tristate';
import { changeFromEditor, customMarkChange, initialEditorValues, type PreparedChange, type SelectionSummary } from './editor-state';

/** A bit as its checkbox shows it: the current state, and the state it started from (a mixed bit cycles through three). */
export type BitView = { value: TriState; original: TriState };
export type CustomMarkView = { value: string; edited: boolean; original: SelectionSummary['customMark'] };
export type ReasonView = { value: string; invalid: boolean };

type Listeners = Set<() => void>;

export type EditorStore = ReturnType<typeof createEditorStore>;

const BIT_VIEWS = new Map<string, BitView>();
function bitView(value: TriState, original: TriState): BitView {
  const key = `${value}/${original}`;
  let view = BIT_VIEWS.get(key);
  if (view === undefined) {
    view = Object.freeze({ value, original });
    BIT_VIEWS.set(key, view);
  }
  return view;
}

function changeKey(change: MarkChange): string {
  return `${change.setBits.join(',')}|${change.clearBits.join(',')}|${change.customMark === undefined ? '-' : `=${change.customMark}`}`;
}

export function createEditorStore(initialSelection: SelectionSummary, initialPrepared?: PreparedChange) {
  let selection = initialSelection;
  let prepared = initialPrepared;
  const bits: BitView[] = [];
  let customMark: CustomMarkView;
  let reason: ReasonView = { value: '', invalid: false };
  let change: MarkChange = { setBits: [], clearBits: [] };
  let key = changeKey(change);

  const bitListeners: Listeners[] = Array.from({ length: BIT_COUNT }, () => new Set());
  const customMarkListeners: Listeners = new Set();
  const reasonListeners: Listeners = new Set();
  const changeListeners: Listeners = new Set();
  const notify = (listeners: Listeners) => {
    for (const listener of listeners) listener();
  };
  const subscriber = (listeners: Listeners) => (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };

  /** Recomputes the change; a new object (and a notification) only when it differs. */
  const updateChange = (): boolean => {
    const next = changeFromEditor({ bits: bits.map((view) => view.value), customMark: customMark.value, customMarkEdited: customMark.edited }, selection);
    const nextKey = changeKey(next);
    if (nextKey === key) return false;
    change = next;
    key = nextKey;
    return true;
  };

  /**
   * Sets every value from the selection; tells only the bits whose view differs. `keepEdits`: the
   * bits the person touched and a custom mark they changed keep their values over the new state.
   */
  const load = (keepEdits = false): Listeners[] => {
    const values = initialEditorValues(selection, prepared);
    const changed: Listeners[] = [];
    values.bits.forEach((value, bit) => {
      const held = bits[bit];
      const original = selection.triStates[bit] as TriState;
      const touched = keepEdits && held !== undefined && held.value !== held.original;
      // A bit left mixed by the person is no longer mixed once Chat holds the same value everywhere.
      const view = bitView(touched && (held.value !== 'mixed' || original === 'mixed') ? held.value : value, original);
      if (bits[bit] !== view) {
        bits[bit] = view;
        changed.push(bitListeners[bit] as Listeners);
      }
    });
    const typed = keepEdits && customMarkChange({ customMark: customMark.value, customMarkEdited: customMark.edited }, { customMark: customMark.original }) !== undefined;
    customMark = typed
      ? { value: customMark.value, edited: true, original: selection.customMark }
      : { value: values.customMark, edited: false, original: selection.customMark };
    return changed;
  };
  load();
  updateChange();
  const bitSubscribers = bitListeners.map(subscriber);

  return {
    selection: () => selection,
    bit: (bit: number) => bits[bit] as BitView,
    customMark: () => customMark,
    reason: () => reason,
    change: () => change,

    /**
     * A new selection: every field starts again from it. `keepEdits`, for the same conversations
     * read again (the list's refresh, another person's save): the bits the person touched, the
     * custom mark they changed and the reason stay, over the state Chat holds now.
     */
    reset(nextSelection: SelectionSummary, nextPrepared?: PreparedChange, keepEdits = false) {
      if (nextSelection === selection && nextPrepared === prepared) return;
      selection = nextSelection;
      prepared = nextPrepared;
      const changedBits = load(keepEdits);
      updateChange();
      for (const listeners of changedBits) notify(listeners);
      notify(customMarkListeners);
      if (!keepEdits && (reason.value !== '' || reason.invalid)) {
        reason = { value: '', invalid: false };
        notify(reasonListeners);
      }
      // The summary reads the selection too: it is told even when the change reads the same.
      notify(changeListeners);
    },
    toggle(bit: number) {
      const view = bits[bit] as BitView;
      bits[bit] = bitView(nextTriState(view.value, view.original), view.original);
      notify(bitListeners[bit] as Listeners);
      if (updateChange()) notify(changeListeners);
    },
    /** `edited`: the person typed or cleared (only meaningful when the selection's custom marks differ). */
    setCustomMark(value: string, edited: boolean) {
      customMark = { ...customMark, value, edited };
      notify(customMarkListeners);
      if (updateChange()) notify(changeListeners);
    },
    setReason(value: string, invalid: boolean) {
      if (value === reason.value && invalid === reason.invalid) return;
      reason = { value, invalid };
      notify(reasonListeners);
    },

    /** One subscribe function per bit, the same on every render (React resubscribes when it changes). */
    subscribeBit: (bit: number) => bitSubscribers[bit] as (listener: () => void) => () => boolean,
    subscribeCustomMark: subscriber(customMarkListeners),
    subscribeReason: subscriber(reasonListeners),
    subscribeChange: subscriber(changeListeners),
  };
}

export function useEditorBit(store: EditorStore, bit: number): BitView {
  return useSyncExternalStore(store.subscribeBit(bit), () => store.bit(bit));
}

export function useEditorCustomMark(store: EditorStore): CustomMarkView {
  return useSyncExternalStore(store.subscribeCustomMark, store.customMark);
}

export function useEditorReason(store: EditorStore): ReasonView {
  return useSyncExternalStore(store.subscribeReason, store.reason);
}

/** The change and the selection it applies to, as one value that changes when either does. */
export function useEditorChange(store: EditorStore): { change: MarkChange; selection: SelectionSummary } {
  const change = useSyncExternalStore(store.subscribeChange, store.change);
  const selection = useSyncExternalStore(store.subscribeChange, store.selection);
  return { change, selection };
}
