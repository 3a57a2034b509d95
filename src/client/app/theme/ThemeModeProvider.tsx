import { CacheProvider } from '@emotion/react';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { readPreference, writePreference } from '../../lib/storage';
import { ThemeModeContext, type ThemeMode } from '../../lib/theme-mode';
import { createEmotionCache } from './emotion-cache';
import { createAppTheme } from './theme';

const THEME_PREFERENCE = 'theme';

function initialMode(): ThemeMode {
  const remembered = readPreference(THEME_PREFERENCE);
  if (remembered === 'light' || remembered === 'dark') return remembered;
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function ThemeModeProvider({ children, mode: fixedMode }: { children: ReactNode; mode?: ThemeMode }) {
  const [mode, setMode] = useState<ThemeMode>(() => fixedMode ?? initialMode());
  const [emotionCache] = useState(() => createEmotionCache());
  const theme = useMemo(() => createAppTheme(mode), [mode]);

  const toggleMode = useCallback(() => {
    const next = mode === 'dark' ? 'light' : 'dark';
    setMode(next);
    writePreference(THEME_PREFERENCE, next);
  }, [mode]);

  const value = useMemo(() => ({ mode, toggleMode }), [mode, toggleMode]);
  return (
    <CacheProvider value={emotionCache}>
      <ThemeProvider theme={theme}>
        <CssBaseline enableColorScheme />
        <ThemeModeContext.Provider value={value}>{children}</ThemeModeContext.Provider>
      </ThemeProvider>
    </CacheProvider>
  );
}
