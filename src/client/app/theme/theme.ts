import { createTheme, type Theme } from '@mui/material/styles';
import type { ThemeMode } from '../../lib/theme-mode';

export function createAppTheme(mode: ThemeMode): Theme {
  // Light mode: MUI's default blue drops just under 4.5:1 behind a hovered outlined button's tint;
  // one shade darker keeps every primary text readable (axe colour-contrast).
  const base = createTheme({ palette: mode === 'light' ? { mode, primary: { main: '#1565c0' } } : { mode } });
  const focusRing = {
    outline: `2px solid ${base.palette.mode === 'dark' ? base.palette.primary.light : base.palette.primary.dark}`,
    outlineOffset: 2,
  };
  return createTheme(base, {
    components: {
      MuiCssBaseline: {
        styleOverrides: {
          // Keyboard users must always see where they are: focus is always visible.
          ':focus-visible': focusRing,
          'a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible, [tabindex]:focus-visible': focusRing,
          // Korean wraps between words (eojeol), not inside them; long IDs and hashes still break anywhere.
          'html:lang(ko) body': { wordBreak: 'keep-all', overflowWrap: 'anywhere' },
        },
      },
      // No ripple: on each click it renders a span, inserts its styles and animates it for 550 ms on
      // the main thread, which on a slow laptop delays the click's own update by tens of
      // milliseconds. The focus ring above shows keyboard focus instead.
      MuiButtonBase: {
        defaultProps: { disableRipple: true },
        styleOverrides: { root: { '&.Mui-focusVisible': focusRing } },
      },
      // MUI's checkbox is a span around the real input; the ring goes on the span.
      MuiCheckbox: { styleOverrides: { root: { '&.Mui-focusVisible': focusRing } } },
    },
  });
}
