import LockOutlined from '@mui/icons-material/LockOutlined';
import Checkbox from '@mui/material/Checkbox';
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
 * the summary, not the 63 others. Its label is plain markup styled once by the grid (BitGrid's
 * `bitCellStyles`): 64 MUI labels and typographies would cost a styled-component render each.
 */
export const BitCheckbox = memo(function BitCheckbox({ control, bit, original, label, accessibleName, description, disabled, locked = false }: BitCheckboxProps) {
  // No onBlur wiring: the form never uses "touched" state, and reporting blur would re-render this
  // checkbox every time focus moves on.
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
    <label className="bit-cell" data-disabled={disabled || locked ? '' : undefined} data-locked={locked ? '' : undefined} title={description}>
      <Checkbox
        size="small"
        // No ripple on 64 small boxes: it costs a re-render per pointer move; focus shows as an outline (theme).
        disableRipple
        checked={value === 'on'}
        indeterminate={value === 'mixed'}
        disabled={disabled || locked}
        onChange={() => onChange(nextTriState(value, original))}
        slotProps={{ input: { 'aria-label': accessibleName, name: field.name, ref: setIndeterminate } }}
      />
      {locked ? <LockOutlined className="bit-lock" aria-hidden /> : null}
      <span className="bit-label">{label}</span>
      <span className="bit-index" aria-hidden>
        {bit}
      </span>
    </label>
  );
});
