import { lazy, Suspense } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { ShellSkeleton } from './shell/ShellSkeleton';
import { SignInSkeleton } from './routes/SignInSkeleton';
import { NotFoundPage } from './routes/NotFoundPage';
import { RequireAdmin } from './routes/RequireAdmin';
import { PageErrorBoundary, RouteErrorBoundary } from './routes/RouteErrorBoundary';
import { isSignInPage } from '../lib/session-expiry';
import { preloadable, type Preloadable } from './preloadable';

// Route-level code splitting: the sign-in page, the signed-in frame and each page are their own
// chunks, so the first download carries only React, the router, the theme and the API client.
const shell = preloadable(() => import('./shell/AppShell'));
const signIn = preloadable(() => import('../features/auth/components/SignInPage'));
const marks = preloadable(() => import('./routes/MarksPage'));
const inspect = preloadable(() => import('../features/inspect/components/InspectPage'));
const history = preloadable(() => import('./routes/HistoryPage'));
const bulk = preloadable(() => import('../features/bulk/components/BulkPage'));
const insights = preloadable(() => import('../features/insights/components/InsightsPage'));
// The frame's code counts as loaded once the first page's code is too (preloadRoute starts both):
// rendered apart, the frame would show the page's skeleton, and React would hold the page back
// until 300 ms after that skeleton appeared (see preloadable).
let firstPage: Promise<unknown> = Promise.resolve();
const AppShell = lazy(() => Promise.all([shell.preload(), firstPage.catch(() => undefined)]).then(([module]) => module));
const SettingsPage = lazy(() => import('../features/settings/components/SettingsPage'));
const StepUpDone = lazy(() => import('../features/auth/components/StepUpDone'));
const AccountPage = lazy(() => import('./routes/AccountPage'));

const PAGES: Record<string, Preloadable> = {
  '/': marks,
  '/marks': marks,
  '/inspect': inspect,
  '/history': history,
  '/bulk': bulk,
  '/insights': insights,
};

/**
 * Starts fetching the code of the page at `pathname` (main.tsx calls it before the first render),
 * so it downloads beside the dictionary instead of after it. Unknown paths fetch nothing extra.
 */
export function preloadRoute(pathname: string): void {
  if (isSignInPage(pathname)) {
    void signIn.preload();
    return;
  }
  void shell.preload();
  firstPage = PAGES[pathname]?.preload() ?? Promise.resolve();
}

/**
 * The address bar carries page, chat user and filters, so a link can be shared:
 * `/marks?user=minji.kim&type=group&bit=32&q=text`.
 */
export const appRoutes: RouteObject[] = [
  {
    path: '/sign-in',
    element: (
      <RouteErrorBoundary>
        <Suspense fallback={<SignInSkeleton />}>
          <signIn.Component />
        </Suspense>
      </RouteErrorBoundary>
    ),
  },
  // The end of a single sign-on step-up in its own window.
  {
    path: '/step-up-done',
    element: (
      <RouteErrorBoundary>
        <Suspense fallback={null}>
          <StepUpDone />
        </Suspense>
      </RouteErrorBoundary>
    ),
  },
  // Where a refused single sign-on lands (`/signin?error=…`): the same page.
  {
    path: '/signin',
    element: (
      <RouteErrorBoundary>
        <Suspense fallback={<SignInSkeleton />}>
          <signIn.Component />
        </Suspense>
      </RouteErrorBoundary>
    ),
  },
  {
    path: '/',
    element: (
      <RouteErrorBoundary>
        <Suspense fallback={<ShellSkeleton />}>
          <AppShell />
        </Suspense>
      </RouteErrorBoundary>
    ),
    children: [
      {
        // Page errors stay inside the shell, so navigation keeps working.
        element: <PageErrorBoundary />,
        children: [
          { index: true, element: <Navigate to="/marks" replace /> },
          { path: 'marks', element: <marks.Component /> },
          { path: 'inspect', element: <inspect.Component /> },
          { path: 'history', element: <history.Component /> },
          { path: 'bulk', element: <bulk.Component /> },
          { path: 'account', element: <AccountPage /> },
          { path: 'insights', element: <insights.Component /> },
          // Checked before the chunk loads: others get the "administrators only" page, not its code.
          {
            path: 'settings',
            element: (
              <RequireAdmin>
                <SettingsPage />
              </RequireAdmin>
            ),
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];
