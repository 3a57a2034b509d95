import Logout from '@mui/icons-material/Logout';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import { Link as RouterLink, useNavigate } from 'react-router';
import type { Session } from '../../../shared/api/session';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { ThemeSwitch } from '../../components/ThemeSwitch';
import { useToast } from '../../components/ToastProvider';
import { useSignOut } from '../../features/auth/api/sign-out';
import { useServerLanguage } from '../../features/preferences/use-server-language';
import { useT } from '../../lib/i18n/I18nProvider';
import { ModeBadge } from './ModeBadge';

export function TopBar({ session }: { session: Session }) {
  const t = useT();
  const navigate = useNavigate();
  const toast = useToast();
  const signOut = useSignOut();
  const setLanguage = useServerLanguage();

  const onSignOut = () =>
    signOut.mutate(undefined, {
      onError: () => toast({ severity: 'warning', message: t('topBar.signOutFailed') }),
      onSettled: () => navigate('/sign-in', { replace: true }),
    });

  return (
    <AppBar position="sticky" color="default" elevation={0} sx={{ borderBottom: 1, borderColor: 'divider' }}>
      <Toolbar sx={{ gap: 2, flexWrap: 'wrap', py: 1 }}>
        <Typography variant="h6" component="span" sx={{ fontWeight: 700 }}>
          {t('app.name')}
        </Typography>
        <ModeBadge />
        <Box sx={{ flexGrow: 1 }} />
        <Typography variant="body2" data-testid="signed-in-as">
          {t('topBar.signedInAs', { username: session.username, role: t(`role.${session.role}`) })}
        </Typography>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <LanguageSwitch onChange={setLanguage} />
          <ThemeSwitch />
          <Button color="inherit" component={RouterLink} to="/account">
            {t('account.nav')}
          </Button>
          <Button color="inherit" startIcon={<Logout />} onClick={onSignOut} disabled={signOut.isPending}>
            {t('topBar.signOut')}
          </Button>
        </Stack>
      </Toolbar>
    </AppBar>
  );
}
