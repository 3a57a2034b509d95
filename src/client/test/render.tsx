import { QueryClient } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, useLocation, useNavigate, type InitialEntry, type Location, type NavigateFunction } from 'react-router';
import { App } from '../app/App';
import { AppProviders } from '../app/AppProviders';
import type { Language } from '../lib/i18n/translate';

/** A fresh client per test, without retries (a failure must show at once) and with no garbage-collection timers left behind. */
export function createTestQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } } });
}

/** The test's view of the memory router: where the app is now, and a way to go elsewhere as a link would. */
export type TestRouter = { readonly state: { readonly location: Location }; navigate: (to: string) => Promise<void> };

/** The whole app, real routes, in a memory router starting at `path` (a string, or a location with state). */
export function renderApp(path: InitialEntry, options: { language?: Language } = {}) {
  const queryClient = createTestQueryClient();
  const seen: { location?: Location; navigate?: NavigateFunction } = {};
  // Inside the router, beside the app: it keeps the current location and the navigate function.
  function Probe() {
    seen.location = useLocation();
    seen.navigate = useNavigate();
    return null;
  }
  const router: TestRouter = {
    get state() {
      if (!seen.location) throw new Error('the app has not rendered its router yet');
      return { location: seen.location };
    },
    navigate: (to) =>
      act(async () => {
        if (!seen.navigate) throw new Error('the app has not rendered its router yet');
        await seen.navigate(to);
      }),
  };
  const InMemory = ({ children }: { children: ReactNode }) => (
    <MemoryRouter initialEntries={[path]}>
      <Probe />
      {children}
    </MemoryRouter>
  );
  const view = render(<App Router={InMemory} queryClient={queryClient} language={options.language ?? 'en'} shareChanges={false} />);
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
