import Box from '@mui/material/Box';
import { Suspense, useMemo } from 'react';
import { Outlet } from 'react-router';
import { roleAtLeast, ROLES, type Role, type Session } from '../../../shared/api/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageSkeleton } from '../../components/PageSkeleton';
import { ToastProvider } from '../../components/ToastProvider';
import { useSession } from '../../features/auth/api/get-session';
import { StepUpDialog } from '../../features/auth/components/StepUpDialog';
import { SessionContext } from '../../lib/session-context';
import { ReadinessBanner } from '../../features/health/ReadinessBanner';
import { isApiError } from '../../lib/api-error';
import { useT } from '../../lib/i18n/I18nProvider';
import { ShellNav } from './ShellNav';
import { ShellSkeleton } from './ShellSkeleton';
import { TopBar } from './TopBar';

/** The signed-in frame: top bar, navigation, and the page. Nothing renders before the session is known. */
export default function AppShell() {
  const session = useSession();
  // Once known, the session stays on screen when a refetch of it fails (the server stopped for a
  // moment): the page, and whatever is being typed on it, is not replaced by an error.
  if (session.data !== undefined) return <SignedInShell session={session.data} />;
  // A 401 is already on its way to the sign-in page (api-client); keep the skeleton until then.
  if (session.isError && !(isApiError(session.error) && session.error.status === 401)) {
    return (
      <Box component="main" id="main" sx={{ p: 4, maxWidth: 720, mx: 'auto' }}>
        <ErrorNotice error={session.error} onRetry={() => void session.refetch()} />
      </Box>
    );
  }
  return <ShellSkeleton />;
}

function SignedInShell({ session }: { session: Session }) {
  const t = useT();
  const signedIn = useMemo(
    () => ({ session, roleAtLeast: Object.fromEntries(ROLES.map((role) => [role, roleAtLeast(session.role, role)])) as Record<Role, boolean> }),
    [session],
  );
  return (
    // Toasts belong to the signed-in app only; the sign-in page has none.
    <SessionContext.Provider value={signedIn}>
      <ToastProvider>
      <Box component="a" href="#main" sx={skipLinkStyle}>
        {t('app.skipToContent')}
      </Box>
      <TopBar session={session} />
      <StepUpDialog />
      <ReadinessBanner isAdmin={signedIn.roleAtLeast.admin} />
      <Box sx={{ display: 'flex', flexDirection: { xs: 'column', md: 'row' }, minHeight: 'calc(100vh - 64px)' }}>
        <ShellNav isAdmin={signedIn.roleAtLeast.admin} />
        <Box component="main" id="main" tabIndex={-1} sx={{ flexGrow: 1, minWidth: 0, p: { xs: 2, md: 3 }, outline: 'none' }}>
          <Suspense fallback={<PageSkeleton />}>
            <Outlet />
          </Suspense>
        </Box>
      </Box>
      </ToastProvider>
    </SessionContext.Provider>
  );
}

const skipLinkStyle = {
  position: 'absolute',
  left: 8,
  top: -48,
  zIndex: 2000,
  p: 1,
  bgcolor: 'background.paper',
  '&:focus': { top: 8 },
} as const;
