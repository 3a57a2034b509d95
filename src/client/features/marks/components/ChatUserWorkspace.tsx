import Alert from '@mui/material/Alert';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import { Activity, lazy, Suspense, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import type { ConversationEntry, ConversationGroup } from '../../../../shared/api/chat-users';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { StableButton } from '../../../components/StableButton';
import { conversationHistoryHref } from '../../../entities/audit/model/filters';
import { ChatUserConversations } from '../../../entities/chat-users/components/ChatUserConversations';
import { useBitLabeler } from '../../../entities/marks/hooks/use-bit-labeler';
import { createChangeStore } from '../../../entities/marks/model/change-store';
import { describeChange } from '../../../entities/marks/model/preview';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { useHasRole } from '../../../lib/session-context';
import { useMarksDraft } from '../hooks/use-marks-draft';
import { useSaveWithReapply } from '../hooks/use-save-with-reapply';
import { useSelection } from '../hooks/use-selection';
import type { ConversationFilters as Filters } from '../model/filters';
import { AddConversationForm } from './AddConversationForm';
import { ConversationFilters } from './ConversationFilters';
import { ConversationList } from './ConversationList';
import { LastChangeNote } from './LastChangeNote';
import { PasteSelection } from './PasteSelection';
import { SaveResults } from './SaveResults';
import { NothingSelected, WorkspaceLayout } from './WorkspaceLayout';
import type { WorkspaceSlots } from './workspace-slots';
import { focusSoon } from '../../../lib/focus';
import { MARK_EDITOR_TITLE_ID } from '../model/focus-targets';

// The editor is its own chunk: the header and the list paint first, and the editor's code is
// fetched meanwhile (see LoadedWorkspace), so it is there by the first click on a row.
const loadMarkEditor = () => import('./MarkEditor');
const MarkEditor = lazy(loadMarkEditor);

type WorkspaceProps = { userId: string; filters: Filters; onFiltersChange: (change: Partial<Filters>) => void; slots?: WorkspaceSlots };

export function ChatUserWorkspace(props: WorkspaceProps) {
  return (
    <ChatUserConversations userId={props.userId}>
      {({ entries, groups, refetch }) => <LoadedWorkspace {...props} entries={entries} groups={groups} refetch={refetch} />}
    </ChatUserConversations>
  );
}

type LoadedWorkspaceProps = WorkspaceProps & {
  entries: readonly ConversationEntry[];
  groups: readonly ConversationGroup[];
  refetch: () => Promise<readonly ConversationEntry[] | undefined>;
};

/** One Chat user's conversations and the editor: the draft, the selection and the save are hooks; WorkspaceLayout places the parts. */
function LoadedWorkspace({ userId, entries, groups, refetch, filters, onFiltersChange, slots = {} }: LoadedWorkspaceProps) {
  const t = useT();
  const format = useFormat();
  const labeler = useBitLabeler();
  const canEdit = useHasRole('editor');
  const { draft, clearDraft } = useMarksDraft();
  const save = useSaveWithReapply({ userId, refetch, onSaved: clearDraft });
  const { selectionChanged } = save;
  const selection = useSelection({
    entries,
    filters,
    initial: draft?.conversations ?? [],
    onChange: () => {
      clearDraft();
      selectionChanged();
    },
  });
  useEffect(() => {
    void loadMarkEditor();
  }, []);
  // The editor's change, for actions on every matching row (only they re-render as it changes).
  const [editorChange] = useState(createChangeStore);

  // What the editor shows: the selection as it was when a save failed (until it gets through or the
  // selection changes) or was sent, else the selection as the server has it now.
  const editorSelection = save.pinned ?? selection.selectedForEditor;
  // The editor's extra actions, for the conversations it shows: they read them when they run, so
  // the function stays the same (and they are not rendered again) as the selection changes.
  const editorConversations = useRef(editorSelection);
  useLayoutEffect(() => {
    editorConversations.current = editorSelection;
  }, [editorSelection]);
  const readEditorConversations = useCallback(() => editorConversations.current.map((item) => item.conversation), []);
  const { editorActions } = slots;
  const renderEditorActions = useCallback(
    ({ reason }: { reason: () => string }) => editorActions?.({ userId, conversations: readEditorConversations, reason }),
    [editorActions, userId, readEditorConversations],
  );
  const { rows, allEntries, selectedEntries } = selection;
  const single = selectedEntries.length === 1 ? (selectedEntries[0] as ConversationEntry) : null;
  const selectedCount = format.number(selectedEntries.length);

  return (
    <WorkspaceLayout
      userId={userId}
      notices={
        <>
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
        </>
      }
      filters={<ConversationFilters filters={filters} onChange={onFiltersChange} labeler={labeler} groups={groups} />}
      counts={{ shown: rows.length, total: allEntries.length, selected: selection.selected.size }}
      actions={
        <>
          <StableButton size="small" onClick={selection.selectAllMatching} disabled={rows.length === 0}>
            {t('list.selectAllMatching', { count: format.number(rows.length) })}
          </StableButton>
          {canEdit ? slots.matchingRowsAction?.({ userId, rows: selection.writableRows, editorChange }) : null}
          <StableButton size="small" onClick={selection.clearSelection} disabled={selection.selected.size === 0}>
            {t('list.clearSelection')}
          </StableButton>
          {canEdit ? slots.selectionAction?.({ userId, selected: selection.selectedConversations }) : null}
        </>
      }
      list={
        rows.length > 0 ? (
          <ConversationList
            label={t('list.label', { userId })}
            rows={rows}
            rowKeys={selection.rowKeys}
            selected={selection.selected}
            addedKeys={selection.addedKeys}
            onToggle={selection.onToggle}
            labeler={labeler}
          />
        ) : null
      }
      emptyText={allEntries.length === 0 ? t('list.empty') : t('list.noMatch')}
      tools={
        canEdit ? (
          <>
            <PasteSelection listed={selection.listedConversations} onSelect={selection.onPasteSelect} onAddMissing={selection.onAddMissing} />
            <AddConversationForm onAdd={selection.onAdd} />
          </>
        ) : null
      }
      editorCount={editorSelection.length}
      editor={
        // The editor is rendered before anything is selected, hidden (React renders a hidden
        // Activity when the page is idle, without its effects), so the first row picked only shows
        // it and resets it to that row: mounting its 64 bits and fields on that click took most
        // of the click's time on a slow laptop. No key: it stays mounted as the selection or the
        // data change, and resets itself.
        <>
          <Activity mode={editorSelection.length > 0 ? 'visible' : 'hidden'}>
            <Suspense fallback={<EditorSkeleton />}>
              <MarkEditor
                selected={editorSelection}
                labeler={labeler}
                canEdit={canEdit}
                saving={save.saving}
                onSave={(request) => save.save(request, editorSelection)}
                initialChange={draft ?? undefined}
                onChangeDraft={editorChange.set}
                startAgainKey={save.savesAnswered}
                saveError={save.saveError}
                onRetry={save.retry}
                extra={canEdit && editorActions ? renderEditorActions : undefined}
              />
            </Suspense>
          </Activity>
          {editorSelection.length > 0 ? null : <NothingSelected />}
        </>
      }
      editorNotes={
        <>
          {single ? <LastChangeNote chatUser={userId} entry={single} /> : null}
          {single ? (
            <Link component={RouterLink} to={conversationHistoryHref(userId, single.conversation)} variant="body2" sx={{ display: 'inline-block', mt: 1 }}>
              {t('marks.historyOfConversation')}
            </Link>
          ) : null}
          {save.lastSave ? (
            <SaveResults
              results={save.lastSave.results}
              onReapply={() => void save.reapply(editorSelection)}
              reapplying={save.saving}
              canEdit={canEdit}
              onDismiss={() => {
                save.dismissResults();
                focusSoon(MARK_EDITOR_TITLE_ID);
              }}
              focusKey={save.savesAnswered}
            />
          ) : null}
          {save.confirming ? (
            <ConfirmDialog
              title={t('marks.confirmLargeTitle', { count: selectedCount })}
              body={t('marks.confirmLargeBody', { count: selectedCount, change: describeChange(save.confirming.change, labeler, t) ?? '' })}
              confirmLabel={t('marks.confirmLargeSave', { count: selectedCount })}
              onConfirm={() => save.confirm(editorSelection)}
              onClose={save.cancelConfirm}
            />
          ) : null}
        </>
      }
    />
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
