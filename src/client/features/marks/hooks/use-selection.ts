import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { isReadOnlyEntry, type ConversationEntry } from '../../../../shared/api/chat-users';
import { conversationKey, type Conversation } from '../../../../shared/marks/conversation';
import { compareConversations } from '../../../entities/marks/model/conversation-order';
import type { AddOutcome } from '../components/AddConversationForm';
import type { SelectedConversation } from '../components/MarkEditor';
import { matchesFilters, type ConversationFilters } from '../model/filters';
import { applySelectionClick } from '../model/selection';

function addedEntry(conversation: Conversation): ConversationEntry {
  return { conversation, name: null, pinned: false, lastMessageAt: null, inRecentList: false, bits: [], customMark: '', groupIds: [], markUpdatedAt: null };
}

type SelectionOptions = {
  entries: readonly ConversationEntry[];
  filters: ConversationFilters;
  /** Conversations that start selected (a prepared draft's); those the server does not list are added. */
  initial: readonly Conversation[];
  /** Called on every change of the selection, before it is applied. */
  onChange: () => void;
};

/**
 * The Marks list's rows and selection: the server's entries plus conversations added by hand (or by
 * paste), ordered and filtered; the selected keys, changed by click, shift-click range, select all
 * matching, paste or add. Rows Chat would refuse writes to (an ID over its limit) are never selected,
 * whichever way the selection is made.
 */
export function useSelection({ entries, filters, initial, onChange }: SelectionOptions) {
  const [added, setAdded] = useState<ConversationEntry[]>(() =>
    initial.filter((conversation) => !entries.some((entry) => conversationKey(entry.conversation) === conversationKey(conversation))).map(addedEntry),
  );
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set(initial.map(conversationKey)));
  const anchor = useRef<string | null>(null);

  const serverKeys = useMemo(() => new Set(entries.map((entry) => conversationKey(entry.conversation))), [entries]);
  // A conversation added by hand that the server now lists (e.g. after marking it) is the server's.
  const pendingAdded = useMemo(() => added.filter((entry) => !serverKeys.has(conversationKey(entry.conversation))), [added, serverKeys]);
  const addedKeys = useMemo(() => new Set(pendingAdded.map((entry) => conversationKey(entry.conversation))), [pendingAdded]);
  const allEntries = useMemo(() => [...pendingAdded, ...entries].sort(compareConversations), [pendingAdded, entries]);
  const rows = useMemo(() => allEntries.filter((entry) => matchesFilters(entry, filters)), [allEntries, filters]);
  const rowKeys = useMemo(() => rows.map((entry) => conversationKey(entry.conversation)), [rows]);
  const writableRows = useMemo(() => rows.filter((entry) => !isReadOnlyEntry(entry)), [rows]);

  // Each entry's key, once per list rather than once per entry on every selection change.
  const allKeys = useMemo(() => allEntries.map((entry) => conversationKey(entry.conversation)), [allEntries]);
  const selectedEntries = useMemo(
    () => allEntries.filter((entry, index) => selected.has(allKeys[index] as string) && !isReadOnlyEntry(entry)),
    [allEntries, allKeys, selected],
  );
  const selectedForEditor = useMemo<SelectedConversation[]>(
    () => selectedEntries.map((entry) => ({ conversation: entry.conversation, state: { bits: entry.bits, customMark: entry.customMark } })),
    [selectedEntries],
  );
  const selectedConversations = useMemo(() => selectedEntries.map((entry) => entry.conversation), [selectedEntries]);

  // The caller's onChange may be a new function each render; the selection's callbacks stay stable.
  const onChangeRef = useRef(onChange);
  useLayoutEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);
  const readOnlyKeys = useMemo(() => new Set(allEntries.filter(isReadOnlyEntry).map((entry) => conversationKey(entry.conversation))), [allEntries]);
  const changeSelection = useCallback(
    (next: ReadonlySet<string>) => {
      onChangeRef.current();
      setSelected(readOnlyKeys.size === 0 ? next : new Set([...next].filter((key) => !readOnlyKeys.has(key))));
    },
    [readOnlyKeys],
  );

  // Stable across renders, so memoised rows do not re-render when another row is clicked.
  const latest = useRef({ selected, rowKeys });
  useLayoutEffect(() => {
    latest.current = { selected, rowKeys };
  }, [selected, rowKeys]);
  const onToggle = useCallback(
    (index: number, shiftKey: boolean) => {
      const result = applySelectionClick(latest.current.selected, latest.current.rowKeys, anchor.current, { index, shiftKey });
      anchor.current = result.anchor;
      changeSelection(result.selected);
    },
    [changeSelection],
  );

  // Stable, like onToggle: the toolbar's buttons are not rendered again by each selection change.
  const selectAllMatching = useCallback(() => changeSelection(new Set([...latest.current.selected, ...latest.current.rowKeys])), [changeSelection]);
  const clearSelection = useCallback(() => changeSelection(new Set()), [changeSelection]);

  const isListed = useCallback(
    (conversation: Conversation) => allEntries.some((entry) => conversationKey(entry.conversation) === conversationKey(conversation)),
    [allEntries],
  );
  // Stable across selection changes, like the paste callbacks below: the add form is not rendered by selecting.
  const onAdd = useCallback(
    (conversation: Conversation): AddOutcome => {
      const exists = isListed(conversation);
      if (!exists) setAdded((current) => [addedEntry(conversation), ...current]);
      changeSelection(new Set(latest.current.selected).add(conversationKey(conversation)));
      return exists ? 'exists' : 'added';
    },
    [changeSelection, isListed],
  );

  // Select by paste: the listed ones join the selection; the missing ones can be added (and selected).
  // Stable across selection changes (they read the selection when called), so the paste form does
  // not re-render, and re-measure its self-sizing field, each time a row is ticked.
  const listedConversations = useMemo(() => allEntries.map((entry) => entry.conversation), [allEntries]);
  const onPasteSelect = useCallback((keys: string[]) => changeSelection(new Set([...latest.current.selected, ...keys])), [changeSelection]);
  const onAddMissing = useCallback(
    (missing: Conversation[]) => {
      const fresh = missing.filter((conversation) => !isListed(conversation));
      setAdded((current) => [...fresh.map(addedEntry), ...current]);
      changeSelection(new Set([...latest.current.selected, ...missing.map(conversationKey)]));
    },
    [changeSelection, isListed],
  );

  return {
    allEntries,
    rows,
    rowKeys,
    writableRows,
    addedKeys,
    selected,
    selectedEntries,
    selectedForEditor,
    selectedConversations,
    listedConversations,
    onToggle,
    selectAllMatching,
    clearSelection,
    onAdd,
    onPasteSelect,
    onAddMissing,
  };
}
