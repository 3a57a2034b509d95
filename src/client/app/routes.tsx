import { lazy, Suspense } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { ShellSkeleton } from './shell/ShellSkeleton';
import { SignInSkeleton } from './routes/SignInSkeleton';
import { NotFoundPage } from './routes/NotFoundPage';
import { RequireAdmin } from './routes/RequireAdmin';
import { RouteErrorPage } from './routes/RouteErrorPage';

// Route-level code splitting: the sign-in page, the signed-in frame and each page are their own
// chunks, so the first download carries only React, the router, the theme and the API client.
const loadShell = () => import('./shell/AppShell');
const loadSignIn = () => import('../features/auth/components/SignInPage');
const loadMarks = () => import('./routes/MarksPage');
const loadInspect = () => import('../features/inspect/components/InspectPage');
const loadHistory = () => import('./routes/HistoryPage');
const loadBulk = () => import('../features/bulk/components/BulkPage');
const AppShell = lazy(loadShell);
const SignInPage = lazy(loadSignIn);
const MarksPage = lazy(loadMarks);
const InspectPage = lazy(loadInspect);
const HistoryPage = lazy(loadHistory);
const SettingsPage = lazy(() => import('../features/settings/components/SettingsPage'));
const BulkPage = lazy(loadBulk);
const StepUpDone = lazy(() => import('../features/auth/components/StepUpDone'));
const AccountPage = lazy(() => import('./routes/AccountPage'));
const loadInsights = () => import('../features/insights/components/InsightsPage');
const InsightsPage = lazy(loadInsights);

const PAGE_LOADERS: Record<string, () => Promise<unknown>> = {
  '/': loadMarks,
  '/marks': loadMarks,
  '/inspect': loadInspect,
  '/history': loadHistory,
  '/bulk': loadBulk,
  '/insights': loadInsights,
};

/**
 * Starts fetching the code of the page at `pathname` (main.tsx calls it before the first render),
 * so it downloads beside the dictionary instead of after it. Unknown paths fetch nothing extra.
 */
export function preloadRoute(pathname: string): void {
  if (pathname === '/sign-in' || pathname === '/signin') {
    void loadSignIn();
    return;
  }
  void loadShell();
  void PAGE_LOADERS[pathname]?.();
}

/**
 * The address bar carries page, chat user and filters, so a link can be shared:
 * `/marks?user=minji.kim&type=group&bit=32&q=text`.
 */
export const appRoutes: RouteObject[] = [
  {
    path: '/sign-in',
    element: (
      <Suspense fallback={<SignInSkeleton />}>
        <SignInPage />
      </Suspense>
    ),
    errorElement: <RouteErrorPage />,
  },
  // The end of a single sign-on step-up in its own window.
  {
    path: '/step-up-done',
    element: (
      <Suspense fallback={null}>
        <StepUpDone />
      </Suspense>
    ),
  },
  // Where a refused single sign-on lands (`/signin?error=…`): the same page.
  {
    path: '/signin',
    element: (
      <Suspense fallback={<SignInSkeleton />}>
        <SignInPage />
      </Suspense>
    ),
    errorElement: <RouteErrorPage />,
  },
  {
    path: '/',
    element: (
      <Suspense fallback={<ShellSkeleton />}>
        <AppShell />
      </Suspense>
    ),
    errorElement: <RouteErrorPage />,
    children: [
      {
        // Page errors stay inside the shell, so navigation keeps working.
        errorElement: <RouteErrorPage />,
        children: [
          { index: true, element: <Navigate to="/marks" replace /> },
          { path: 'marks', element: <MarksPage /> },
          { path: 'inspect', element: <InspectPage /> },
          { path: 'history', element: <HistoryPage /> },
          { path: 'bulk', element: <BulkPage /> },
          { path: 'account', element: <AccountPage /> },
          { path: 'insights', element: <InsightsPage /> },
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
