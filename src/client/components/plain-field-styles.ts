import type { Theme } from '@mui/material/styles';

/**
 * A plain labelled field (`.field` holding a label, an input or textarea, and `.field-error` or
 * `.field-help`), in the theme's colours and type, close to MUI's outlined field; `.field-floating`
 * puts the label on the field's top edge, as MUI's outlined field does, where height is scarce. For the forms that
 * must stay light: the sign-in page's first load, and the custom mark, which renders on every
 * keystroke (MUI's text field re-serialises the styles of its six parts each time). MUI sx syntax:
 * apply with `sx` or `theme.unstable_sx`.
 */
export const plainFieldStyles = (theme: Theme) =>
  ({
    '& .field': { display: 'flex', flexDirection: 'column', gap: 0.5 },
    '& .field label': { ...theme.typography.body2, color: theme.palette.text.secondary },
    '& .field input, & .field textarea': {
      font: 'inherit',
      fontSize: '1rem',
      color: theme.palette.text.primary,
      bgcolor: 'transparent',
      border: `1px solid ${theme.palette.mode === 'dark' ? 'rgba(255, 255, 255, 0.23)' : 'rgba(0, 0, 0, 0.23)'}`,
      borderRadius: 1,
      px: 1.75,
      py: 2,
      outline: 'none',
    },
    '& .field textarea': { py: 1.5, resize: 'none' },
    '& .field-floating': { position: 'relative', mt: 1 },
    '& .field-floating label': { ...theme.typography.caption, position: 'absolute', top: -9, left: 10, px: 0.5, lineHeight: '18px', bgcolor: 'background.paper' },
    '& .field-floating:focus-within label': { color: theme.palette.primary.main },
    '& .field input:hover, & .field textarea:hover': { borderColor: theme.palette.text.primary },
    '& .field input:focus, & .field textarea:focus': { borderColor: theme.palette.primary.main, boxShadow: `inset 0 0 0 1px ${theme.palette.primary.main}` },
    '& .field textarea:disabled': { color: theme.palette.text.disabled, borderColor: theme.palette.action.disabledBackground },
    '& .field[data-error] label, & .field-error': { color: theme.palette.error.main },
    '& .field[data-error] input, & .field[data-error] textarea': { borderColor: theme.palette.error.main },
    '& .field-error': { ...theme.typography.caption },
    '& .field-help': { ...theme.typography.caption, color: theme.palette.text.secondary, display: 'flex', justifyContent: 'space-between', gap: 2, mx: 1.75 },
    '& .field[data-error] .field-help': { color: theme.palette.error.main },
    '& .field-count': { whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' },
  }) as const;
