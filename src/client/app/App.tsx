import type { QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { setUnauthenticatedHandler, signInPath } from '../lib/session-expiry';
import type { Language } from '../lib/i18n/translate';
import { shareChangesAcrossTabs } from '../lib/fresh-data';
import { createQueryClient } from '../lib/query-client';
import { AppProviders } from './AppProviders';
import { appRoutes } from './routes';

export type AppRouter = ReturnType<typeof createBrowserRouter>;

/** When the session ends (any 401 but the login's): forget cached data and go to sign-in, then back. */
export function installSessionExpiryHandler(router: AppRouter, queryClient: QueryClient): () => void {
  return setUnauthenticatedHandler((reason) => {
    const { pathname, search } = router.state.location;
    if (pathname === '/sign-in' || pathname === '/signin') return;
    queryClient.clear();
    void router.navigate(signInPath(`${pathname}${search}`, reason), { replace: true });
  });
}

export function App({
  createRouter = () => createBrowserRouter(appRoutes),
  queryClient: givenQueryClient,
  language,
  shareChanges = true,
}: {
  createRouter?: () => AppRouter;
  queryClient?: QueryClient;
  language?: Language;
  /** false in tests: a change in one test must not reach the next test's page through the channel. */
  shareChanges?: boolean;
}) {
  const [queryClient] = useState(() => givenQueryClient ?? createQueryClient());
  const [router] = useState(createRouter);
  useEffect(() => installSessionExpiryHandler(router, queryClient), [router, queryClient]);
  useEffect(() => (shareChanges ? shareChangesAcrossTabs(queryClient) : undefined), [queryClient, shareChanges]);
  return (
    <AppProviders queryClient={queryClient} language={language}>
      <RouterProvider router={router} />
    </AppProviders>
  );
}
