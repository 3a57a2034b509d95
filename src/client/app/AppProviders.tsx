import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { I18nProvider } from '../lib/i18n/I18nProvider';
import type { Language } from '../lib/i18n/translate';
import type { ThemeMode } from '../lib/theme-mode';
import { ThemeModeProvider } from './theme/ThemeModeProvider';

export function AppProviders({
  queryClient,
  children,
  language,
  themeMode,
}: {
  queryClient: QueryClient;
  children: ReactNode;
  /** Fixed language/theme for tests; otherwise remembered or from the browser. */
  language?: Language;
  themeMode?: ThemeMode;
}) {
  return (
    <I18nProvider language={language}>
      <ThemeModeProvider mode={themeMode}>
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </ThemeModeProvider>
    </I18nProvider>
  );
}
