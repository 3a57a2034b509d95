import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createMemoryRouter, type InitialEntry } from 'react-router';
import { App } from '../app/App';
import { AppProviders } from '../app/AppProviders';
import { appRoutes } from '../app/routes';
import type { Language } from '../lib/i18n/translate';

/** A fresh client per test, without retries (a failure must show at once) and with no garbage-collection timers left behind. */
export function createTestQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } } });
}

/** The whole app, real routes, in a memory router starting at `path` (a string, or a location with state). */
export function renderApp(path: InitialEntry, options: { language?: Language } = {}) {
  const queryClient = createTestQueryClient();
  const router = createMemoryRouter(appRoutes, { initialEntries: [path] });
  const view = render(<App createRouter={() => router} queryClient={queryClient} language={options.language ?? 'en'} shareChanges={false} />);
  return { ...view, router, queryClient };
}

/** A component with the app's providers (language, theme, queries) but no router; `rerender` keeps them. */
export function renderWithProviders(ui: ReactNode, options: { language?: Language } = {}) {
  const queryClient = createTestQueryClient();
  const view = render(ui, {
    wrapper: ({ children }) => (
      <AppProviders queryClient={queryClient} language={options.language ?? 'en'}>
        {children}
      </AppProviders>
    ),
  });
  return { ...view, queryClient };
}
