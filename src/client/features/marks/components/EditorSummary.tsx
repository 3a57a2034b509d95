import Save from '@mui/icons-material/Save';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { memo, useEffect, useMemo, type ReactNode } from 'react';
import type { MarkChange } from '../../../../shared/marks/change';
import { StableButton } from '../../../components/StableButton';
import { useT } from '../../../lib/i18n/I18nProvider';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';
import { canSaveChange, resultingValue } from '../model/editor-state';
import { useEditorChange, type EditorStore } from '../model/editor-store';
import { describeChange } from '../../../entities/marks/model/preview';

// One element for every render, so the memoised Save button is not rendered again by a keystroke.
const SAVE_ICON = <Save />;

type EditorSummaryProps = {
  store: EditorStore;
  labeler: BitLabeler;
  canEdit: boolean;
  saving: boolean;
  /** Shown as "For {id}." when one conversation is selected. */
  singleId: string | null;
  /** Told the change as it is edited, and null when the editor closes (the Bulk edit button reads it). */
  onChangeDraft?: ((change: MarkChange | null) => void) | undefined;
  /** Drawn between the preview and Save (the Reason field). */
  beforeSave?: ReactNode;
};

/**
 * The live part of the editor: the resulting hex value, the sentence of what will be sent, and Save.
 * Each is worked out again only when the change (or the selection) does, from the selection's
 * distinct values, never per selected conversation.
 */
export const EditorSummary = memo(function EditorSummary({ store, labeler, canEdit, saving, singleId, onChangeDraft, beforeSave }: EditorSummaryProps) {
  const t = useT();
  const { change, selection } = useEditorChange(store);
  const savable = useMemo(() => canSaveChange(selection, change), [selection, change]);
  // The bits only: typing a custom mark does not work the value out again, and an over-long one
  // does not hide it while the person fixes it.
  const { setBits, clearBits } = change;
  const bitsKey = `${setBits.join(',')}|${clearBits.join(',')}`;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by the bits' content, not the change object
  const value = useMemo(() => resultingValue(selection, { setBits, clearBits }), [selection, bitsKey]);
  const sentence = useMemo(() => describeChange(change, labeler, t), [change, labeler, t]);
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
                setBits.length > 0 ? t('editor.valueSetting', { hex: value.setHex }) : null,
                clearBits.length > 0 ? t('editor.valueClearing', { hex: value.clearHex }) : null,
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
            {singleId !== null ? t('editor.previewTargetOne', { id: singleId }) : t('editor.previewTarget', { count: selection.count })}
          </Typography>
        ) : null}
      </Box>
      {beforeSave}
      {canEdit ? (
        <StableButton type="submit" variant="contained" startIcon={SAVE_ICON} disabled={!savable} loading={saving} loadingPosition="start">
          {t('editor.save')}
        </StableButton>
      ) : null}
    </Box>
  );
});
