import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link as RouterLink, useLocation, useNavigate } from 'react-router';
import { isReadOnlyEntry, type ConversationEntry, type ConversationGroup } from '../../../../shared/api/chat-users';
import type { MarkItemRequest, MarkResult } from '../../../../shared/api/marks';
import type { MarkChange } from '../../../../shared/marks/change';
import { conversationKey, type Conversation } from '../../../../shared/marks/conversation';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { useToast } from '../../../components/ToastProvider';
import type { ErrorDescription } from '../../../lib/describe-error';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { useDescribeError } from '../../../lib/use-describe-error';
import { useHasRole } from '../../auth/session-context';
import { BulkEditAllButton } from '../../bulk/components/BulkEditAllButton';
import { createChangeStore } from '../../bulk/model/change-store';
import { conversationHistoryHref } from '../../history/model/filters';
import { useSaveMarks } from '../api/save-marks';
import { useBitLabeler } from '../hooks/use-bit-labeler';
import { readMarksDraft, type MarksDraft } from '../model/draft';
import { compareConversations, matchesFilters, type ConversationFilters as Filters } from '../model/filters';
import { describeChange } from '../model/preview';
import { applySelectionClick } from '../model/selection';
import { ManageGroupsDialog } from '../../groups/components/ManageGroupsDialog';
import { AddConversationForm, type AddOutcome } from './AddConversationForm';
import { ChatUserConversations } from './ChatUserConversations';
import { ConversationFilters } from './ConversationFilters';
import { ConversationList } from './ConversationList';
import { EditorGroupActions } from './EditorGroupActions';
import { EditorPanel } from './EditorPanel';
import { LastChangeNote } from './LastChangeNote';
import type { SaveRequest, SelectedConversation } from './MarkEditor';
import { PasteSelection } from './PasteSelection';
import { countByStatus, SaveResults } from './SaveResults';

// The editor is its own chunk: the header and the list paint first, and the editor's code is
// fetched meanwhile (see LoadedWorkspace), so it is there by the first click on a row.
const loadMarkEditor = () => import('./MarkEditor');
const MarkEditor = lazy(loadMarkEditor);

/** Saves of more conversations than this ask for confirmation first. */
export const LARGE_SAVE_CONVERSATIONS = 100;

type WorkspaceProps = { userId: string; filters: Filters; onFiltersChange: (change: Partial<Filters>) => void };

/** The one change applied to one conversation; `expectedCustomMark` guards a custom-mark edit against a concurrent one. */
export function markItem(conversation: Conversation, currentCustomMark: string, change: MarkChange): MarkItemRequest {
  const item: MarkItemRequest = { conversation };
  if (change.setBits.length > 0) item.setBits = change.setBits;
  if (change.clearBits.length > 0) item.clearBits = change.clearBits;
  if (change.customMark !== undefined) {
    item.customMark = change.customMark;
    item.expectedCustomMark = currentCustomMark;
  }
  return item;
}

function addedEntry(conversation: Conversation): ConversationEntry {
  return { conversation, name: null, pinned: false, lastMessageAt: null, inRecentList: false, bits: [], customMark: '', groupIds: [], markUpdatedAt: null };
}

export function ChatUserWorkspace({ userId, filters, onFiltersChange }: WorkspaceProps) {
  return (
    <ChatUserConversations userId={userId}>
      {({ entries, groups, refetch }) => (
        <LoadedWorkspace
          userId={userId}
          entries={entries}
          groups={groups}
          refetch={refetch}
          filters={filters}
          onFiltersChange={onFiltersChange}
        />
      )}
    </ChatUserConversations>
  );
}

type LoadedWorkspaceProps = WorkspaceProps & {
  entries: readonly ConversationEntry[];
  groups: readonly ConversationGroup[];
  refetch: () => Promise<readonly ConversationEntry[] | undefined>;
};

type LastSave = { change: MarkChange; reason: string; results: MarkResult[] };

/**
 * A save that did not get through (network, 5xx). Kept whole, so nothing is lost: the request as it
 * was sent (Retry sends exactly it again, with the same guards, so an item that landed the first time
 * comes back unchanged), and the selection as the editor showed it (the editor keeps showing it, so
 * a refetch does not reset the ticked bits, the custom mark or the reason).
 */
type FailedSave = {
  items: MarkItemRequest[];
  change: MarkChange;
  reason: string;
  merge: (results: MarkResult[]) => MarkResult[];
  shown: SelectedConversation[];
  error: ErrorDescription;
};

function LoadedWorkspace({ userId, entries, groups, refetch, filters, onFiltersChange }: LoadedWorkspaceProps) {
  const t = useT();
  const format = useFormat();
  const toast = useToast();
  const describeError = useDescribeError();
  const labeler = useBitLabeler();
  const canEdit = useHasRole('editor');
  const save = useSaveMarks(userId);

  // A change prepared on another page (Inspect's what-if) arrives in the router state: its
  // conversations start selected and its bits ticked; nothing is sent until Save marks.
  const location = useLocation();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<MarksDraft | null>(() => readMarksDraft(location.state));
  const [added, setAdded] = useState<ConversationEntry[]>(() =>
    (draft?.conversations ?? []).filter((conversation) => !entries.some((entry) => conversationKey(entry.conversation) === conversationKey(conversation))).map(addedEntry),
  );
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set((draft?.conversations ?? []).map(conversationKey)));
  useEffect(() => {
    void loadMarkEditor();
  }, []);

  useEffect(() => {
    // Consumed: a reload or a Back must not tick the same bits again.
    if (readMarksDraft(location.state) !== null) void navigate({ search: location.search }, { replace: true, state: null });
  }, [location.state, location.search, navigate]);
  const [lastSave, setLastSave] = useState<LastSave | null>(null);
  const [failedSave, setFailedSave] = useState<FailedSave | null>(null);
  // The selection the editor showed when the save in flight was sent: a refetch meanwhile leaves it be.
  const [inFlight, setInFlight] = useState<SelectedConversation[] | null>(null);
  // Counts the saves that answered: the results take the focus after each.
  const [savesAnswered, setSavesAnswered] = useState(0);
  const anchor = useRef<number | null>(null);
  // The editor's change, for "Bulk edit all N matching" (only that button re-renders as it changes).
  const [editorChange] = useState(createChangeStore);

  const serverKeys = useMemo(() => new Set(entries.map((entry) => conversationKey(entry.conversation))), [entries]);
  // A conversation added by hand that the server now lists (e.g. after marking it) is the server's.
  const pendingAdded = useMemo(() => added.filter((entry) => !serverKeys.has(conversationKey(entry.conversation))), [added, serverKeys]);
  const addedKeys = useMemo(() => new Set(pendingAdded.map((entry) => conversationKey(entry.conversation))), [pendingAdded]);
  const allEntries = useMemo(() => [...pendingAdded, ...entries].sort(compareConversations), [pendingAdded, entries]);
  const rows = useMemo(() => allEntries.filter((entry) => matchesFilters(entry, filters)), [allEntries, filters]);
  const rowKeys = useMemo(() => rows.map((entry) => conversationKey(entry.conversation)), [rows]);
  const writableRows = useMemo(() => rows.filter((entry) => !isReadOnlyEntry(entry)), [rows]);

  const selectedEntries = useMemo(
    () => allEntries.filter((entry) => selected.has(conversationKey(entry.conversation)) && !isReadOnlyEntry(entry)),
    [allEntries, selected],
  );
  const selectedForEditor = useMemo<SelectedConversation[]>(
    () => selectedEntries.map((entry) => ({ conversation: entry.conversation, state: { bits: entry.bits, customMark: entry.customMark } })),
    [selectedEntries],
  );

  // Bumped by every change of the selection: a save answering after one no longer speaks for the editor.
  const selectionEpoch = useRef(0);
  // Rows Chat would refuse writes to (an ID over its limit) are never selected, whichever way
  // the selection is made (click, shift-click range, select all, a prepared draft).
  const readOnlyKeys = useMemo(() => new Set(allEntries.filter(isReadOnlyEntry).map((entry) => conversationKey(entry.conversation))), [allEntries]);
  const changeSelection = useCallback(
    (next: ReadonlySet<string>) => {
      setDraft(null);
      // Another selection is another change: the one that failed is not offered again.
      setFailedSave(null);
      setInFlight(null);
      selectionEpoch.current++;
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

  const onAdd = (conversation: Conversation): AddOutcome => {
    const key = conversationKey(conversation);
    const exists = allEntries.some((entry) => conversationKey(entry.conversation) === key);
    if (!exists) setAdded((current) => [addedEntry(conversation), ...current]);
    changeSelection(new Set(selected).add(key));
    return exists ? 'exists' : 'added';
  };

  // Select by paste: the listed ones join the selection; the missing ones can be added (and selected).
  const listedConversations = useMemo(() => allEntries.map((entry) => entry.conversation), [allEntries]);
  const onPasteSelect = (keys: string[]) => changeSelection(new Set([...selected, ...keys]));
  const onAddMissing = (missing: Conversation[]) => {
    const fresh = missing.filter((conversation) => !allEntries.some((entry) => conversationKey(entry.conversation) === conversationKey(conversation)));
    setAdded((current) => [...fresh.map(addedEntry), ...current]);
    changeSelection(new Set([...selected, ...missing.map(conversationKey)]));
  };
  const [managingGroups, setManagingGroups] = useState(false);

  // What the editor shows: the selection as it was when a save failed (until it gets through or the
  // selection changes), else the selection as the server has it now.
  const editorSelection = failedSave?.shown ?? inFlight ?? selectedForEditor;

  const send = (items: MarkItemRequest[], change: MarkChange, reason: string, merge: (results: MarkResult[]) => MarkResult[], shown: SelectedConversation[]) => {
    setInFlight(shown);
    const epoch = selectionEpoch.current;
    save.mutate(
      { items, ...(reason === '' ? {} : { reason }) },
      {
        onSuccess: (results) => {
          const merged = merge(results);
          setInFlight(null);
          setDraft(null);
          setFailedSave(null);
          setLastSave({ change, reason, results: merged });
          setSavesAnswered((count) => count + 1);
          const counts = countByStatus(merged);
          if (counts.conflict + counts.failed === 0) toast({ severity: 'success', message: t('results.saved', counts) });
          else toast({ severity: 'warning', message: t('results.needsAttention') });
        },
        // Said in the editor, beside Save, with Retry; everything the person entered stays.
        onError: (error) => {
          const described = describeError(error);
          if (epoch !== selectionEpoch.current) {
            toast({ severity: 'error', message: described.sentence, requestId: described.requestId });
            return;
          }
          setInFlight(null);
          setFailedSave({ items, change, reason, merge, shown, error: described });
        },
      },
    );
  };
  const onRetry = () => {
    if (failedSave) send(failedSave.items, failedSave.change, failedSave.reason, failedSave.merge, failedSave.shown);
  };

  // A save of more than this many conversations is confirmed first, naming the count and the change.
  const [confirmingSave, setConfirmingSave] = useState<SaveRequest | null>(null);
  const onSave = (request: SaveRequest) => {
    if (editorSelection.length > LARGE_SAVE_CONVERSATIONS) setConfirmingSave(request);
    else saveNow(request);
  };
  const saveNow = ({ change, reason }: SaveRequest) => {
    // Guarded by the custom marks the person saw (the editor's selection), not by a refetch since.
    const items = editorSelection.map((item) => markItem(item.conversation, item.state.customMark, change));
    send(items, change, reason, (results) => results, editorSelection);
  };

  // The editor's group actions, for the conversations it shows (a stable function while they stay).
  const editorConversations = useMemo(() => editorSelection.map((item) => item.conversation), [editorSelection]);
  const renderGroupActions = useCallback(
    ({ reason }: { reason: () => string }) => <EditorGroupActions userId={userId} conversations={editorConversations} reason={reason} />,
    [userId, editorConversations],
  );

  // Conflicts: read the current state again, then send the same change against what is there now.
  const onReapply = async () => {
    if (!lastSave) return;
    const conflicts = lastSave.results.filter((result) => result.status === 'conflict');
    const fresh = await refetch();
    const freshByKey = new Map((fresh ?? []).map((entry) => [conversationKey(entry.conversation), entry]));
    const items = conflicts.map((result) => {
      const current = freshByKey.get(conversationKey(result.conversation));
      return markItem(result.conversation, current?.customMark ?? result.after.customMark, lastSave.change);
    });
    if (items.length === 0) return;
    send(
      items,
      lastSave.change,
      lastSave.reason,
      (results) => {
        const byKey = new Map(results.map((result) => [conversationKey(result.conversation), result]));
        return lastSave.results.map((result) => byKey.get(conversationKey(result.conversation)) ?? result);
      },
      editorSelection,
    );
  };

  return (
    <Box>
      {canEdit ? null : (
        <Alert severity="info" sx={{ mb: 2 }}>
          {t('marks.readOnly')}
        </Alert>
      )}
      {draft ? (
        <Alert severity="info" sx={{ mb: 2 }}>
          {t('marks.draftFromInspect', { count: format.number(draft.conversations.length) })}
        </Alert>
      ) : null}
      {/* The editor goes to the page's editor slot (beside the list on wide screens, a sheet below it otherwise). */}
      <Box>
        <Box component="section" aria-labelledby="conversations-title" sx={{ minWidth: 0 }}>
          <Typography variant="h6" component="h2" id="conversations-title" sx={{ mb: 1, overflowWrap: 'anywhere' }}>
            {t('marks.userHeading', { userId })}
          </Typography>
          <ConversationFilters filters={filters} onChange={onFiltersChange} labeler={labeler} groups={groups} />
          <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 1 }}>
            <Typography variant="body2" role="status">
              {t('list.count', { shown: format.number(rows.length), total: format.number(allEntries.length) })} ·{' '}
              {t('list.selectedCount', { count: format.number(selected.size) })}
            </Typography>
            <Box sx={{ flexGrow: 1 }} />
            <Button size="small" onClick={() => changeSelection(new Set([...selected, ...rowKeys]))} disabled={rows.length === 0}>
              {t('list.selectAllMatching', { count: format.number(rows.length) })}
            </Button>
            {canEdit ? <BulkEditAllButton userId={userId} rows={writableRows} editorChange={editorChange} /> : null}
            <Button size="small" onClick={() => changeSelection(new Set())} disabled={selected.size === 0}>
              {t('list.clearSelection')}
            </Button>
            {canEdit ? (
              <Button size="small" onClick={() => setManagingGroups(true)}>
                {t('marks.manageGroups')}
              </Button>
            ) : null}
          </Stack>
          {rows.length > 0 ? (
            <ConversationList
              label={t('list.label', { userId })}
              rows={rows}
              selected={selected}
              addedKeys={addedKeys}
              onToggle={onToggle}
              labeler={labeler}
            />
          ) : (
            <Paper variant="outlined" sx={{ p: 3, textAlign: 'center' }}>
              <Typography color="text.secondary">{allEntries.length === 0 ? t('list.empty') : t('list.noMatch')}</Typography>
            </Paper>
          )}
          <Typography variant="caption" color="text.secondary">
            {t('list.rangeHint')}
          </Typography>
          {canEdit ? (
            <Box sx={{ mt: 2, display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'minmax(0, 1fr) minmax(0, 1fr)' } }}>
              <PasteSelection listed={listedConversations} onSelect={onPasteSelect} onAddMissing={onAddMissing} />
              <AddConversationForm onAdd={onAdd} />
            </Box>
          ) : null}
          {managingGroups ? (
            <ManageGroupsDialog userId={userId} selected={selectedEntries.map((entry) => entry.conversation)} onClose={() => setManagingGroups(false)} />
          ) : null}
        </Box>
        <EditorPanel count={editorSelection.length}>
          {editorSelection.length > 0 ? (
            // No key: the editor stays mounted as the selection or the data change, and resets itself.
            <Suspense fallback={<EditorSkeleton />}>
              <MarkEditor
                selected={editorSelection}
                labeler={labeler}
                canEdit={canEdit}
                saving={save.isPending}
                onSave={onSave}
                initialChange={draft ?? undefined}
                onChangeDraft={editorChange.set}
                saveError={failedSave?.error ?? null}
                onRetry={onRetry}
                extra={canEdit ? renderGroupActions : undefined}
              />
            </Suspense>
          ) : (
            <Paper variant="outlined" sx={{ p: 3 }}>
              <Typography variant="h6" component="h2" gutterBottom>
                {t('editor.title')}
              </Typography>
              <Typography color="text.secondary">{t('editor.nothingSelected')}</Typography>
            </Paper>
          )}
          {selectedEntries.length === 1 ? <LastChangeNote chatUser={userId} entry={selectedEntries[0] as ConversationEntry} /> : null}
          {selectedEntries.length === 1 ? (
            <Link component={RouterLink} to={conversationHistoryHref(userId, (selectedEntries[0] as ConversationEntry).conversation)} variant="body2" sx={{ display: 'inline-block', mt: 1 }}>
              {t('marks.historyOfConversation')}
            </Link>
          ) : null}
          {lastSave ? (
            <SaveResults
              results={lastSave.results}
              onReapply={() => void onReapply()}
              reapplying={save.isPending}
              canEdit={canEdit}
              onDismiss={() => setLastSave(null)}
              focusKey={savesAnswered}
            />
          ) : null}
          {confirmingSave ? (
            <ConfirmDialog
              title={t('marks.confirmLargeTitle', { count: format.number(selectedEntries.length) })}
              body={t('marks.confirmLargeBody', {
                count: format.number(selectedEntries.length),
                change: describeChange(confirmingSave.change, labeler, t) ?? '',
              })}
              confirmLabel={t('marks.confirmLargeSave', { count: format.number(selectedEntries.length) })}
              onConfirm={() => saveNow(confirmingSave)}
              onClose={() => setConfirmingSave(null)}
            />
          ) : null}
        </EditorPanel>
      </Box>
    </Box>
  );
}

/** The editor's place while its code arrives (on a first visit only: it is fetched as the list shows). */
function EditorSkeleton() {
  return (
    <Paper variant="outlined" sx={{ p: 2 }}>
      <Skeleton variant="text" width="40%" height={32} />
      <Skeleton variant="rectangular" height={360} sx={{ mt: 1 }} />
    </Paper>
  );
}
