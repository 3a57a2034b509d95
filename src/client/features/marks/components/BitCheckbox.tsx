import LockOutlined from '@mui/icons-material/LockOutlined';
import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Typography from '@mui/material/Typography';
import { memo, useCallback } from 'react';
import { useController, type Control } from 'react-hook-form';
import { nextTriState, type TriState } from '../../../../shared/marks/tristate';
import { bitFieldName, type EditorValues } from '../model/editor-state';

type BitCheckboxProps = {
  control: Control<EditorValues>;
  bit: number;
  /** The state across the selection when the editor opened; a mixed bit cycles on → off → mixed. */
  original: TriState;
  label: string;
  /** `{label} (bit N)`, exact: outside tests find the checkbox by it. */
  accessibleName: string;
  description: string | undefined;
  disabled: boolean;
  locked?: boolean;
};

/**
 * One bit of the grid. It subscribes to its own field only, so a click re-renders this checkbox and
 * the summary, not the 63 others.
 */
export const BitCheckbox = memo(function BitCheckbox({ control, bit, original, label, accessibleName, description, disabled, locked = false }: BitCheckboxProps) {
  const { field } = useController({ control, name: bitFieldName(bit) });
  const value = field.value as TriState;
  const { onChange } = field;

  const setIndeterminate = useCallback(
    (input: HTMLInputElement | null) => {
      // The DOM property (not only MUI's icon) so assistive technology announces "mixed".
      if (input) input.indeterminate = value === 'mixed';
    },
    [value],
  );

  return (
    <FormControlLabel
      disabled={disabled || locked}
      sx={{ m: 0, alignItems: 'center', minWidth: 0 }}
      control={
        <Checkbox
          size="small"
          checked={value === 'on'}
          indeterminate={value === 'mixed'}
          onChange={() => onChange(nextTriState(value, original))}
          onBlur={field.onBlur}
          slotProps={{ input: { 'aria-label': accessibleName, name: field.name, ref: setIndeterminate } }}
        />
      }
      label={
        <Box component="span" sx={{ display: 'flex', alignItems: 'center', gap: 0.5, minWidth: 0 }} title={description}>
          {locked ? <LockOutlined sx={{ fontSize: 14 }} aria-hidden /> : null}
          <Typography component="span" variant="body2" noWrap>
            {label}
          </Typography>
          <Typography component="span" variant="caption" color="text.secondary" aria-hidden>
            {bit}
          </Typography>
        </Box>
      }
    />
  );
});
