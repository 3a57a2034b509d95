import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMemo } from 'react';
import { useForm, useFormState, type Control, type UseFormRegister } from 'react-hook-form';
import { MARK_REASON_MAX_CHARS, markReasonSchema } from '../../../../shared/api/marks';
import type { MarkChange, MarkState } from '../../../../shared/marks/change';
import type { Conversation } from '../../../../shared/marks/conversation';
import { useT } from '../../../lib/i18n/I18nProvider';
import { RenderProbe } from '../../../lib/render-probe';
import type { BitLabeler } from '../model/bit-labels';
import { changeFromEditor, editorBaseline, initialEditorValues, type EditorValues } from '../model/editor-state';
import { BitGrid } from './BitGrid';
import { CustomMarkField } from './CustomMarkField';
import { canSaveChange, EditorSummary } from './EditorSummary';

export type SelectedConversation = { conversation: Conversation; state: MarkState };

export type SaveRequest = { change: MarkChange; reason: string };

type MarkEditorProps = {
  /** Mount with `key` tied to the selection and the data version: the server state is the form's initial value. */
  selected: readonly SelectedConversation[];
  labeler: BitLabeler;
  canEdit: boolean;
  saving: boolean;
  onSave: (request: SaveRequest) => void;
  /** Bits to tick when the editor opens (a change prepared elsewhere); the baseline stays the server state. */
  initialChange?: { setBits: readonly number[]; clearBits: readonly number[] } | undefined;
  /** Told the change as it is edited (see EditorSummary). */
  onChangeDraft?: ((change: MarkChange | null) => void) | undefined;
};

/**
 * The editor for the selected conversations: 64-bit grid, custom mark, reason, preview and Save.
 * It never watches the whole form itself; each field subscribes to its own value.
 */
export function MarkEditor({ selected, labeler, canEdit, saving, onSave, initialChange, onChangeDraft }: MarkEditorProps) {
  const states = useMemo(() => selected.map((item) => item.state), [selected]);
  const baseline = useMemo(() => editorBaseline(states), [states]);
  const { control, handleSubmit, register } = useForm<EditorValues>({ defaultValues: initialEditorValues(baseline, canEdit ? initialChange : undefined) });
  const readOnly = !canEdit;
  const singleId = selected.length === 1 ? (selected[0] as SelectedConversation).conversation.id : null;

  const submit = handleSubmit((values) => {
    const change = changeFromEditor(values, baseline);
    if (!canEdit || !canSaveChange(states, change)) return;
    onSave({ change, reason: values.reason.trim() });
  });

  return (
    <Paper component="form" variant="outlined" noValidate onSubmit={submit} aria-labelledby="mark-editor-title" sx={{ p: 2 }}>
      <RenderProbe id="editor-header">
        <EditorHeader count={selected.length} singleId={singleId} readOnly={readOnly} />
      </RenderProbe>
      <BitGrid control={control} original={baseline.triStates} labeler={labeler} disabled={readOnly} />
      <Box sx={{ mt: 1 }}>
        <RenderProbe id="custom-mark">
          <CustomMarkField control={control} original={baseline.customMark} disabled={readOnly} />
        </RenderProbe>
      </Box>
      {canEdit ? <ReasonField control={control} register={register} /> : null}
      <Box sx={{ mt: 2 }}>
        <RenderProbe id="summary">
          <EditorSummary
            control={control}
            baseline={baseline}
            states={states}
            labeler={labeler}
            canEdit={canEdit}
            saving={saving}
            singleId={singleId}
            onChangeDraft={onChangeDraft}
          />
        </RenderProbe>
      </Box>
    </Paper>
  );
}

/**
 * The reason, checked with the request's own schema when Save is pressed (the input already stops at
 * the length limit, so what it can refuse is a character that cannot be stored). It subscribes to its
 * own error only, so typing here does not re-render the grid.
 */
function ReasonField({ control, register }: { control: Control<EditorValues>; register: UseFormRegister<EditorValues> }) {
  const t = useT();
  const { errors } = useFormState({ control, name: 'reason' });
  const problem = errors.reason?.message;
  return (
    <TextField
      {...register('reason', { validate: (reason) => markReasonSchema.safeParse(reason.trim()).success || t('text.unstorable') })}
      id="mark-reason"
      label={t('editor.reason')}
      error={problem !== undefined}
      helperText={problem ?? t('editor.reasonHelp')}
      fullWidth
      sx={{ mt: 2 }}
      slotProps={{ htmlInput: { maxLength: MARK_REASON_MAX_CHARS } }}
    />
  );
}

function EditorHeader({ count, singleId, readOnly }: { count: number; singleId: string | null; readOnly: boolean }) {
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
}
