import { lazy, Suspense } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { ShellSkeleton } from './shell/ShellSkeleton';
import { NotFoundPage } from './routes/NotFoundPage';
import { RequireAdmin } from './routes/RequireAdmin';
import { RouteErrorPage } from './routes/RouteErrorPage';

// Route-level code splitting: the sign-in page, the signed-in frame and each page are their own
// chunks, so the first download carries only React, the router, the theme and the API client.
const AppShell = lazy(() => import('./shell/AppShell'));
const SignInPage = lazy(() => import('../features/auth/components/SignInPage'));
const MarksPage = lazy(() => import('../features/marks/components/MarksPage'));
const InspectPage = lazy(() => import('../features/inspect/components/InspectPage'));
const HistoryPage = lazy(() => import('../features/history/components/HistoryPage'));
const SettingsPage = lazy(() => import('../features/settings/components/SettingsPage'));
const BulkPage = lazy(() => import('../features/bulk/components/BulkPage'));
const InsightsPage = lazy(() => import('../features/insights/components/InsightsPage'));

/**
 * The address bar carries page, chat user and filters, so a link can be shared:
 * `/marks?user=minji.kim&type=group&bit=32&q=text`.
 */
export const appRoutes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage />, errorElement: <RouteErrorPage /> },
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
