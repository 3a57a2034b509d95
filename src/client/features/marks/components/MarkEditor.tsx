import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { MARK_REASON_MAX_CHARS, markReasonSchema } from '../../../../shared/api/marks';
import type { MarkChange, MarkState } from '../../../../shared/marks/change';
import { conversationKey, type Conversation } from '../../../../shared/marks/conversation';
import { RequestId } from '../../../components/ErrorNotice';
import type { SaveFailure } from '../hooks/use-save-with-reapply';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';
import { canSaveChange, summarizeSelection, type PreparedChange } from '../model/editor-state';
import { createEditorStore, useEditorReason, type EditorStore } from '../model/editor-store';
import { MARK_EDITOR_TITLE_ID } from '../model/focus-targets';
import { BitGrid, RESERVED_MASK } from './BitGrid';
import { CustomMarkField } from './CustomMarkField';
import { EditorSummary } from './EditorSummary';
import { Field } from '../../../components/Field';

export type SelectedConversation = { conversation: Conversation; state: MarkState };

export type SaveRequest = { change: MarkChange; reason: string };

export type MarkEditorProps = {
  /** The server state of the selection; a new list (another selection, or the same read again) resets the editor to it. */
  selected: readonly SelectedConversation[];
  labeler: BitLabeler;
  canEdit: boolean;
  saving: boolean;
  onSave: (request: SaveRequest) => void;
  /** Bits to tick when the editor opens (a change prepared elsewhere); the baseline stays the server state. */
  initialChange?: PreparedChange | undefined;
  /** Told the change as it is edited (see EditorSummary). */
  onChangeDraft?: ((change: MarkChange | null) => void) | undefined;
  /** The last save did not get through (network, 5xx): said here, beside Save, with Retry. */
  saveError?: SaveFailure | null | undefined;
  /** Sends the failed request again, exactly as it was. */
  onRetry?: (() => void) | undefined;
  /** More of the editor below the form (the group actions); `reason` reads the Reason field. */
  extra?: ((context: { reason: () => string }) => ReactNode) | undefined;
  /** Changes when the editor starts again from the selection's state even for the same conversations (a save answered). */
  startAgainKey?: number;
};

const REASON_ID = 'mark-reason';

/**
 * The editor for the selected conversations: 64-bit grid, custom mark, reason, preview and Save.
 * It stays mounted while the selection changes: its store is reset to the new selection, and each
 * field subscribes to its own part of it.
 */
export default function MarkEditor({ selected, labeler, canEdit, saving, onSave, initialChange, onChangeDraft, saveError, onRetry, extra, startAgainKey = 0 }: MarkEditorProps) {
  const selection = useMemo(() => summarizeSelection(selected.map((item) => item.state)), [selected]);
  const prepared = canEdit ? initialChange : undefined;
  const [store] = useState(() => createEditorStore(selection, prepared));
  // The same conversations read again (the list's refresh, another person's save) keep what the
  // person is editing; other conversations, or a save that answered, start again from Chat's state.
  const keys = useMemo(() => selected.map((item) => conversationKey(item.conversation)).join('\n'), [selected]);
  const shown = useRef({ keys, startAgainKey });
  useLayoutEffect(() => {
    const same = shown.current.keys === keys && shown.current.startAgainKey === startAgainKey;
    shown.current = { keys, startAgainKey };
    store.reset(selection, prepared, same);
  }, [store, selection, prepared, keys, startAgainKey]);
  const readOnly = !canEdit;
  // Reserved bits stay folded away unless one of them is set in the selection (then it matters).
  const reservedSet = useMemo(() => selection.masks.some((mask) => (mask & RESERVED_MASK) !== 0n), [selection]);
  const singleId = selected.length === 1 ? (selected[0] as SelectedConversation).conversation.id : null;
  // Stable, so the extra actions (memoised) are not rendered again by each selection change.
  const readReason = useCallback(() => store.reason().value.trim(), [store]);
  // One element for every render, so a selection change does not render the summary again for it.
  const reasonField = useMemo(() => (canEdit ? <ReasonField store={store} /> : null), [canEdit, store]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const reason = store.reason().value.trim();
    if (canEdit && !markReasonSchema.safeParse(reason).success) {
      store.setReason(store.reason().value, true);
      document.getElementById(REASON_ID)?.focus();
      return;
    }
    const change = store.change();
    if (!canEdit || !canSaveChange(store.selection(), change)) return;
    onSave({ change, reason });
  };

  return (
    // A region named "Mark editor" (its heading), holding the form: Enter in Reason submits it.
    <Paper component="section" variant="outlined" aria-labelledby={MARK_EDITOR_TITLE_ID} sx={{ p: 2 }}>
      <form noValidate onSubmit={submit}>
        <EditorHeader count={selected.length} singleId={singleId} readOnly={readOnly} />
        <BitGrid store={store} labeler={labeler} disabled={readOnly} reservedSet={reservedSet} />
        <Box sx={{ mt: 1 }}>
          <CustomMarkField store={store} disabled={readOnly} />
        </Box>
        {/* Value, preview, Reason and Save stay in view at the bottom of the editor's own scroll: on a
            laptop's screen a Reason below the bits was out of sight, under this footer, until one
            scrolled the editor. In the tab order it still comes after the custom mark, before Save. */}
        <Box sx={footerStyle}>
          <EditorSummary store={store} labeler={labeler} canEdit={canEdit} saving={saving} singleId={singleId} onChangeDraft={onChangeDraft} beforeSave={reasonField} />
          {saveError && canEdit ? <SaveError error={saveError} retrying={saving} onRetry={onRetry} /> : null}
        </Box>
      </form>
      {extra ? extra({ reason: readReason }) : null}
    </Paper>
  );
}

const footerStyle = { position: 'sticky', bottom: 0, zIndex: 1, mt: 2, pt: 1.5, pb: 1, bgcolor: 'background.paper', borderTop: 1, borderColor: 'divider' } as const;

/** Why the save did not get through, and Retry (which sends the very same request again). */
function SaveError({ error, retrying, onRetry }: { error: SaveFailure; retrying: boolean; onRetry: (() => void) | undefined }) {
  const t = useT();
  const format = useFormat();
  return (
    <Alert
      severity="error"
      role="alert"
      sx={{ mt: 1.5 }}
      action={
        onRetry ? (
          <Button color="inherit" size="small" variant="outlined" onClick={onRetry} loading={retrying}>
            {t('editor.retry')}
          </Button>
        ) : undefined
      }
    >
      <AlertTitle>{error.saved ? t('editor.savePartlyTitle') : t('editor.saveFailedTitle')}</AlertTitle>
      {error.saved ? (
        <Typography variant="body2" component="span" sx={{ display: 'block', mb: 0.5 }}>
          {t('editor.savePartly', { done: format.number(error.saved.done), total: format.number(error.saved.total), rest: format.number(error.saved.total - error.saved.done) })}
        </Typography>
      ) : null}
      {error.sentence}
      {error.requestId ? <RequestId requestId={error.requestId} /> : null}
      {!error.requestId && error.unreachable ? (
        <Typography variant="body2" component="span" sx={{ display: 'block', mt: 0.5 }}>
          {t('error.unreachable')}
        </Typography>
      ) : null}
      <Typography variant="body2" component="span" sx={{ display: 'block', mt: 0.5 }}>
        {t('editor.saveKept')}
      </Typography>
    </Alert>
  );
}

/**
 * The reason, checked with the request's own schema when Save is pressed (the input already stops at
 * the length limit, so what it can refuse is a character that cannot be stored), and again as it is
 * corrected. It subscribes to its own value only, so typing here re-renders nothing else.
 */
const ReasonField = memo(function ReasonField({ store }: { store: EditorStore }) {
  const t = useT();
  const { value, invalid } = useEditorReason(store);
  return (
    <Field
      id={REASON_ID}
      name="reason"
      value={value}
      onChange={(event) => store.setReason(event.target.value, invalid && !markReasonSchema.safeParse(event.target.value.trim()).success)}
      label={t('editor.reason')}
      error={invalid}
      helperText={invalid ? t('text.unstorable') : t('editor.reasonHelp')}
      fullWidth
      size="small"
      sx={{ mb: 1.5 }}
      htmlInput={{ maxLength: MARK_REASON_MAX_CHARS }}
    />
  );
});

const EditorHeader = memo(function EditorHeader({ count, singleId, readOnly }: { count: number; singleId: string | null; readOnly: boolean }) {
  const t = useT();
  return (
    <Box sx={{ mb: 1.5 }}>
      <Typography variant="h6" component="h2" id={MARK_EDITOR_TITLE_ID} tabIndex={-1} sx={{ outline: 'none' }}>
        {t('editor.title')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
        {singleId !== null ? t('editor.editingOne', { id: singleId }) : t('editor.editingMany', { count })}
      </Typography>
      {readOnly ? (
        <Alert severity="info" sx={{ mt: 1 }}>
          {t('editor.readOnly')}
        </Alert>
      ) : null}
    </Box>
  );
});
