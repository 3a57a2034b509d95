import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { memo } from 'react';
import { customMarkRequestSchema } from '../../../../shared/api/marks';
import { customMarkSchema } from '../../../../shared/marks/schemas';
import { isCustomMarkTooLong, utf8ByteLength } from '../../../../shared/marks/utf8';
import { useT } from '../../../lib/i18n/I18nProvider';
import { useEditorCustomMark, type EditorStore } from '../model/editor-store';

/**
 * The custom mark with its live UTF-8 byte counter (`한국어` is 9 bytes). The counter, the error and
 * the Save button all use the domain's utf8ByteLength / customMarkSchema, so they cannot disagree.
 * Two fixed rows in a plain textarea: MUI's `multiline` field renders its self-sizing textarea even
 * with fixed `rows`, and that one measures the page's layout after every render (every keystroke).
 */
export const CustomMarkField = memo(function CustomMarkField({ store, disabled }: { store: EditorStore; disabled: boolean }) {
  const t = useT();
  const { value, edited, original } = useEditorCustomMark(store);
  const mixed = original.kind === 'mixed';
  const untouchedMixed = mixed && !edited;
  const changed = mixed ? edited : value !== original.value;

  const bytes = utf8ByteLength(value);
  const tooLong = isCustomMarkTooLong(value);
  // What Chat holds is shown as it is (it may hold a control character); what is typed must be
  // text the request accepts.
  const invalid = !customMarkSchema.safeParse(value).success || (changed && !customMarkRequestSchema.safeParse(value).success);
  const message = tooLong ? t('editor.customMarkTooLong') : invalid ? t('text.unstorable') : untouchedMixed ? t('editor.customMarkMixedHelp') : '';

  const setValue = (next: string) => store.setCustomMark(next, mixed);
  const leaveUnchanged = () => store.setCustomMark(original.kind === 'same' ? original.value : '', false);

  return (
    <Box>
      <TextField
        fullWidth
        id="custom-mark"
        label={t('editor.customMark')}
        name="customMark"
        value={value}
        onChange={(event) => setValue(event.target.value)}
        disabled={disabled}
        placeholder={untouchedMixed ? t('editor.customMarkMixed') : undefined}
        error={invalid}
        slotProps={{
          inputLabel: untouchedMixed ? { shrink: true } : undefined,
          input: { inputComponent: 'textarea' },
          htmlInput: { rows: 2 },
        }}
        sx={{ '& textarea': { height: 'auto', resize: 'none' } }}
        helperText={
          <Box component="span" sx={{ display: 'flex', justifyContent: 'space-between', gap: 2 }}>
            <span>{message}</span>
            <Box component="span" sx={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }} data-testid="custom-mark-bytes">
              {t('editor.customMarkBytes', { bytes })}
            </Box>
          </Box>
        }
      />
      {disabled ? null : (
        <Stack direction="row" spacing={1} sx={{ mt: 0.5 }}>
          <Button size="small" onClick={() => setValue('')} disabled={value === '' && !untouchedMixed}>
            {t('editor.clearCustomMark')}
          </Button>
          {changed ? (
            <Button size="small" onClick={leaveUnchanged}>
              {t('editor.keepCustomMark')}
            </Button>
          ) : null}
        </Stack>
      )}
    </Box>
  );
});
