import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { memo, useLayoutEffect, useMemo, useState, type FormEvent } from 'react';
import { MARK_REASON_MAX_CHARS, markReasonSchema } from '../../../../shared/api/marks';
import type { MarkChange, MarkState } from '../../../../shared/marks/change';
import type { Conversation } from '../../../../shared/marks/conversation';
import { useT } from '../../../lib/i18n/I18nProvider';
import type { BitLabeler } from '../model/bit-labels';
import { canSaveChange, summarizeSelection, type PreparedChange } from '../model/editor-state';
import { createEditorStore, useEditorReason, type EditorStore } from '../model/editor-store';
import { BitGrid, RESERVED_MASK } from './BitGrid';
import { CustomMarkField } from './CustomMarkField';
import { EditorSummary } from './EditorSummary';

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
};

const REASON_ID = 'mark-reason';

/**
 * The editor for the selected conversations: 64-bit grid, custom mark, reason, preview and Save.
 * It stays mounted while the selection changes: its store is reset to the new selection, and each
 * field subscribes to its own part of it.
 */
export default function MarkEditor({ selected, labeler, canEdit, saving, onSave, initialChange, onChangeDraft }: MarkEditorProps) {
  const selection = useMemo(() => summarizeSelection(selected.map((item) => item.state)), [selected]);
  const prepared = canEdit ? initialChange : undefined;
  const [store] = useState(() => createEditorStore(selection, prepared));
  useLayoutEffect(() => store.reset(selection, prepared), [store, selection, prepared]);
  const readOnly = !canEdit;
  // Reserved bits stay folded away unless one of them is set in the selection (then it matters).
  const reservedSet = useMemo(() => selection.masks.some((mask) => (mask & RESERVED_MASK) !== 0n), [selection]);
  const singleId = selected.length === 1 ? (selected[0] as SelectedConversation).conversation.id : null;

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
    <Paper component="form" variant="outlined" noValidate onSubmit={submit} aria-labelledby="mark-editor-title" sx={{ p: 2 }}>
      <EditorHeader count={selected.length} singleId={singleId} readOnly={readOnly} />
      <BitGrid store={store} labeler={labeler} disabled={readOnly} reservedSet={reservedSet} />
      <Box sx={{ mt: 1 }}>
        <CustomMarkField store={store} disabled={readOnly} />
      </Box>
      {canEdit ? <ReasonField store={store} /> : null}
      <Box sx={{ mt: 2 }}>
        <EditorSummary store={store} labeler={labeler} canEdit={canEdit} saving={saving} singleId={singleId} onChangeDraft={onChangeDraft} />
      </Box>
    </Paper>
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
    <TextField
      id={REASON_ID}
      name="reason"
      value={value}
      onChange={(event) => store.setReason(event.target.value, invalid && !markReasonSchema.safeParse(event.target.value.trim()).success)}
      label={t('editor.reason')}
      error={invalid}
      helperText={invalid ? t('text.unstorable') : t('editor.reasonHelp')}
      fullWidth
      sx={{ mt: 2 }}
      slotProps={{ htmlInput: { maxLength: MARK_REASON_MAX_CHARS } }}
    />
  );
});

const EditorHeader = memo(function EditorHeader({ count, singleId, readOnly }: { count: number; singleId: string | null; readOnly: boolean }) {
  const t = useT();
  return (
    <Box sx={{ mb: 1.5 }}>
      <Typography variant="h6" component="h2" id="mark-editor-title">
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
