import Save from '@mui/icons-material/Save';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useEffect, useMemo } from 'react';
import { useWatch, type Control } from 'react-hook-form';
import { changeProblems, isNoopChange, type MarkChange, type MarkState } from '../../../../shared/marks/change';
import { customMarkRequestSchema } from '../../../../shared/api/marks';
import { customMarkSchema } from '../../../../shared/marks/schemas';
import { useT } from '../../../lib/i18n/I18nProvider';
import type { BitLabeler } from '../model/bit-labels';
import { changeFromEditor, resultingValue, type EditorBaseline, type EditorValues } from '../model/editor-state';
import { describeChange } from '../model/preview';

type EditorSummaryProps = {
  control: Control<EditorValues>;
  baseline: EditorBaseline;
  states: readonly MarkState[];
  labeler: BitLabeler;
  canEdit: boolean;
  saving: boolean;
  /** Shown as "For {id}." when one conversation is selected. */
  singleId: string | null;
  /** Told the change as it is edited, and null when the editor closes (the Bulk edit button reads it). */
  onChangeDraft?: ((change: MarkChange | null) => void) | undefined;
};

/** Whether Save may send `change`: something would change, and the domain finds nothing wrong with it. */
export function canSaveChange(states: readonly MarkState[], change: MarkChange): boolean {
  if (changeProblems(change).length > 0) return false;
  if (change.customMark !== undefined) {
    if (!customMarkSchema.safeParse(change.customMark).success || !customMarkRequestSchema.safeParse(change.customMark).success) return false;
  }
  return !states.every((state) => isNoopChange(state, change));
}

/** The live part of the editor: the resulting hex value, the sentence of what will be sent, and Save. */
export function EditorSummary({ control, baseline, states, labeler, canEdit, saving, singleId, onChangeDraft }: EditorSummaryProps) {
  const t = useT();
  const [bits, customMark, customMarkEdited] = useWatch({ control, name: ['bits', 'customMark', 'customMarkEdited'] });
  const change = useMemo(() => changeFromEditor({ bits, customMark, customMarkEdited }, baseline), [bits, customMark, customMarkEdited, baseline]);
  const savable = useMemo(() => canSaveChange(states, change), [states, change]);
  // The bits only: an over-long custom mark must not hide the value while the person fixes it.
  const value = useMemo(() => resultingValue(states, { setBits: change.setBits, clearBits: change.clearBits }), [states, change]);
  const sentence = describeChange(change, labeler, t);
  useEffect(() => {
    onChangeDraft?.(change);
  }, [onChangeDraft, change]);
  useEffect(() => () => onChangeDraft?.(null), [onChangeDraft]);

  return (
    <Box>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'baseline', flexWrap: 'wrap', mb: 1 }}>
        <Typography variant="subtitle2" component="span">
          {t('editor.value')}
        </Typography>
        {value.kind === 'same' ? (
          <Typography component="span" sx={{ fontFamily: 'monospace' }} data-testid="mark-hex">
            {value.hex}
          </Typography>
        ) : (
          <Typography component="span" variant="body2" data-testid="mark-hex">
            {t('editor.valueMixed')}{' '}
            <Box component="span" sx={{ fontFamily: 'monospace' }}>
              {[
                change.setBits.length > 0 ? t('editor.valueSetting', { hex: value.setHex }) : null,
                change.clearBits.length > 0 ? t('editor.valueClearing', { hex: value.clearHex }) : null,
              ]
                .filter(Boolean)
                .join(' · ')}
            </Box>
          </Typography>
        )}
      </Box>
      <Box component="section" aria-label={t('editor.previewLabel')} sx={{ p: 1.5, borderRadius: 1, bgcolor: 'action.hover', mb: 2 }}>
        <Typography aria-live="polite" data-testid="mark-preview" sx={{ overflowWrap: 'anywhere' }}>
          {sentence ?? t('editor.previewNothing')}
        </Typography>
        {sentence ? (
          <Typography variant="body2" color="text.secondary">
            {singleId !== null ? t('editor.previewTargetOne', { id: singleId }) : t('editor.previewTarget', { count: states.length })}
          </Typography>
        ) : null}
      </Box>
      {canEdit ? (
        <Button type="submit" variant="contained" startIcon={<Save />} disabled={!savable} loading={saving} loadingPosition="start">
          {t('editor.save')}
        </Button>
      ) : null}
    </Box>
  );
}
