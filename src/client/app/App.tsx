import type { QueryClient } from '@tanstack/react-query';
import { useEffect, useLayoutEffect, useRef, useState, type ComponentType, type ReactNode } from 'react';
import { BrowserRouter, useLocation, useNavigate, useRoutes } from 'react-router';
import { isSignInPage, setUnauthenticatedHandler, signInPath } from '../lib/session-expiry';
import type { Language } from '../lib/i18n/translate';
import { shareChangesAcrossTabs } from '../lib/fresh-data';
import { createQueryClient } from '../lib/query-client';
import { AppProviders } from './AppProviders';
import { appRoutes } from './routes';

/** The router around the app: the browser's address bar, or (in tests) a memory router. */
export type AppRouter = ComponentType<{ children: ReactNode }>;

/** The routes, and what happens when the session ends (any 401 but the login's): forget cached data and go to sign-in, then back. */
function AppRoutes({ queryClient }: { queryClient: QueryClient }) {
  const location = useLocation();
  const navigate = useNavigate();
  // The handler reads where the person is when a 401 arrives, so it is installed once.
  const current = useRef({ location, navigate });
  // Set from the first 401 until the sign-in page is shown. The router renders a navigation in a
  // transition, so the location above is still the page's when the other requests refused with it
  // arrive: each would go to sign-in again, and the last (perhaps one that gave no reason) would
  // replace the address that says why the session ended.
  const leaving = useRef(false);
  useLayoutEffect(() => {
    current.current = { location, navigate };
    if (isSignInPage(location.pathname)) leaving.current = false;
  });
  useEffect(
    () =>
      setUnauthenticatedHandler((reason) => {
        const { location, navigate: go } = current.current;
        const { pathname, search } = location;
        if (leaving.current || isSignInPage(pathname)) return;
        leaving.current = true;
        queryClient.clear();
        void go(signInPath(`${pathname}${search}`, reason), { replace: true });
      }),
    [queryClient],
  );
  return useRoutes(appRoutes);
}

export function App({
  Router = BrowserRouter,
  queryClient: givenQueryClient,
  language,
  shareChanges = true,
}: {
  Router?: AppRouter;
  queryClient?: QueryClient;
  language?: Language;
  /** false in tests: a change in one test must not reach the next test's page through the channel. */
  shareChanges?: boolean;
}) {
  const [queryClient] = useState(() => givenQueryClient ?? createQueryClient());
  useEffect(() => (shareChanges ? shareChangesAcrossTabs(queryClient) : undefined), [queryClient, shareChanges]);
  return (
    <AppProviders queryClient={queryClient} language={language}>
      <Router>
        <AppRoutes queryClient={queryClient} />
      </Router>
    </AppProviders>
  );
}
