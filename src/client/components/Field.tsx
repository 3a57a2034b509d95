import FormControl from '@mui/material/FormControl';
import FormHelperText from '@mui/material/FormHelperText';
import InputLabel from '@mui/material/InputLabel';
import NativeSelect from '@mui/material/NativeSelect';
import OutlinedInput from '@mui/material/OutlinedInput';
import type { SxProps, Theme } from '@mui/material/styles';
import { useId, type ChangeEvent, type CompositionEvent, type InputHTMLAttributes, type KeyboardEvent, type ReactNode } from 'react';

type FieldProps = {
  id?: string;
  name?: string;
  label: ReactNode;
  value: string;
  onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => void;
  /** Key and composition events are heard on the field's root, as with MUI's TextField: read the input from `event.target`. */
  onKeyDown?: (event: KeyboardEvent<HTMLDivElement>) => void;
  onCompositionStart?: (event: CompositionEvent<HTMLDivElement>) => void;
  onCompositionEnd?: (event: CompositionEvent<HTMLDivElement>) => void;
  placeholder?: string;
  type?: string;
  error?: boolean;
  helperText?: ReactNode;
  autoComplete?: string;
  autoFocus?: boolean;
  spellCheck?: boolean;
  fullWidth?: boolean;
  size?: 'small' | 'medium';
  sx?: SxProps<Theme>;
  /** A native `<select>`; the children are its `<option>`s. */
  select?: boolean;
  children?: ReactNode;
  /** Attributes of the `<input>` itself (maxLength, inputMode, …). */
  htmlInput?: InputHTMLAttributes<HTMLInputElement>;
};

/**
 * An outlined text field or native select with its label and helper text: what MUI's TextField
 * draws, built from the parts it uses. TextField imports its menu-style Select (and with it Menu,
 * Popover and their transitions) and all three input variants whatever it renders, about 35 KB
 * on every page that shows one field; this carries only the outlined input and the native select.
 * The markup and accessible names are TextField's: the label names the control, the helper text
 * describes it.
 */
export function Field({ id: givenId, label, helperText, error, fullWidth, size, sx, select, children, htmlInput, spellCheck, onKeyDown, onCompositionStart, onCompositionEnd, ...input }: FieldProps) {
  const generatedId = useId();
  const id = givenId ?? generatedId;
  const helperId = helperText ? `${id}-helper-text` : undefined;
  const labelId = `${id}-label`;
  // The label of a select always sits on the outline (its first option is always shown), so the outline leaves it a gap.
  const outlined = <OutlinedInput label={label} notched />;
  return (
    <FormControl
      variant="outlined"
      size={size}
      error={error}
      fullWidth={fullWidth}
      sx={sx}
      onKeyDown={onKeyDown}
      onCompositionStart={onCompositionStart}
      onCompositionEnd={onCompositionEnd}
    >
      <InputLabel htmlFor={id} id={labelId} shrink={select ? true : undefined}>
        {label}
      </InputLabel>
      {select ? (
        <NativeSelect id={id} input={outlined} aria-describedby={helperId} {...input}>
          {children}
        </NativeSelect>
      ) : (
        <OutlinedInput id={id} label={label} aria-describedby={helperId} inputProps={{ spellCheck, ...htmlInput }} {...input} />
      )}
      {helperText ? <FormHelperText id={helperId}>{helperText}</FormHelperText> : null}
    </FormControl>
  );
}
