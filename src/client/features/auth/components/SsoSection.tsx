import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { SIGN_IN_REASONS, SSO_ERRORS } from '../../../../shared/api/identity';
import { useT } from '../../../lib/i18n/I18nProvider';
import { ssoStartHref } from '../api/identity';

/** The `Sign in with SSO` button (a link to the provider) and, below it, the password form's heading. */
export function SsoSection({ name, returnTo, localLogin }: { name: string; returnTo: string; localLogin: boolean }) {
  const t = useT();
  return (
    <Stack spacing={1.5} sx={{ mb: 3 }}>
      <Button variant="contained" size="large" href={ssoStartHref(returnTo)}>
        {t('signIn.sso')}
      </Button>
      <Typography variant="body2" color="text.secondary">
        {t('signIn.ssoProvider', { name })}
      </Typography>
      <Divider>
        <Typography variant="caption" color="text.secondary">
          {t('signIn.or')}
        </Typography>
      </Divider>
      {localLogin ? null : (
        <Typography variant="body2" color="text.secondary">
          {t('signIn.localOff')}
        </Typography>
      )}
    </Stack>
  );
}

/** Why the person is on the sign-in page: a session ended (`reason`) or single sign-on was refused (`error`). */
export function SignInNotice({ reason, error }: { reason: string | null; error: string | null }) {
  const t = useT();
  const knownError = SSO_ERRORS.find((candidate) => candidate === error);
  const knownReason = SIGN_IN_REASONS.find((candidate) => candidate === reason);
  if (knownError) {
    return (
      <Alert severity="error" role="alert" sx={{ mb: 2 }}>
        {t(`signIn.error.${knownError}`)}
      </Alert>
    );
  }
  if (knownReason) {
    return (
      <Alert severity="info" role="status" sx={{ mb: 2 }}>
        {t(`signIn.reason.${knownReason}`)}
      </Alert>
    );
  }
  return null;
}
