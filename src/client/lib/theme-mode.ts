import { createContext, useContext } from 'react';

export type ThemeMode = 'light' | 'dark';

export type ThemeModeContextValue = { mode: ThemeMode; toggleMode: () => void };

/** Provided by app/theme/ThemeModeProvider; lives here so features and components need not import app/. */
export const ThemeModeContext = createContext<ThemeModeContextValue | null>(null);

export function useThemeMode(): ThemeModeContextValue {
  const context = useContext(ThemeModeContext);
  if (!context) throw new Error('useThemeMode needs a <ThemeModeProvider> above it.');
  return context;
}
