import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { QueryState } from '../../components/QueryState';
import { PageHeader } from '../../components/PageHeader';
import { useT } from '../../lib/i18n/I18nProvider';
import { useDescribeError } from '../../lib/use-describe-error';
import { EnrolmentPanel } from '../../features/auth/components/EnrolmentPanel';
import { NewRecoveryCodes } from '../../features/auth/components/NewRecoveryCodes';
import { accountKeys, meQueryOptions, useChangePassword } from '../../features/account/api/account';
import type { Me } from '../../../shared/api/identity';
import { OwnSessions } from '../../features/account/components/OwnSessions';

/** What every signed-in person manages themselves: password, two-step verification, sessions. */
export default function AccountPage() {
  const me = useQuery(meQueryOptions());
  return <QueryState query={me}>{(account) => <AccountSections account={account} />}</QueryState>;
}

function AccountSections({ account }: { account: Me }) {
  const t = useT();
  return (
    <Stack spacing={3}>
      <PageHeader title={t('account.title')} intro={t('account.intro')} />
      <Paper component="section" variant="outlined" aria-labelledby="password-title" sx={{ p: 2 }}>
        <Typography variant="h6" component="h2" id="password-title" gutterBottom>
          {t('account.passwordTitle')}
        </Typography>
        {account.source === 'sso' ? <Typography>{t('account.passwordSso')}</Typography> : <PasswordForm />}
      </Paper>
      {account.source === 'local' ? (
        <Paper component="section" variant="outlined" aria-labelledby="mfa-title" sx={{ p: 2 }}>
          <Typography variant="h6" component="h2" id="mfa-title" gutterBottom>
            {t('account.mfaTitle')}
          </Typography>
          <MfaSetup on={account.mfa} />
        </Paper>
      ) : null}
      <OwnSessions />
    </Stack>
  );
}

function PasswordForm() {
  const t = useT();
  const describeError = useDescribeError();
  const change = useChangePassword();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate({ currentPassword, newPassword }, { onSuccess: () => (setCurrent(''), setNew('')) });
  };
  const failure = change.error ? describeError(change.error) : null;
  return (
    <Stack component="form" noValidate onSubmit={submit} spacing={2} sx={{ maxWidth: 420 }}>
      {change.isSuccess ? <Alert severity="success">{t('account.passwordChanged')}</Alert> : null}
      {failure ? (
        <Alert severity="error" role="alert">
          {change.error && 'message' in change.error && change.error.message ? change.error.message : failure.sentence}
        </Alert>
      ) : null}
      <TextField type="password" label={t('account.currentPassword')} value={currentPassword} onChange={(event) => setCurrent(event.target.value)} autoComplete="current-password" />
      <TextField type="password" label={t('account.newPassword')} value={newPassword} onChange={(event) => setNew(event.target.value)} autoComplete="new-password" />
      <Button type="submit" variant="contained" loading={change.isPending} disabled={currentPassword === '' || newPassword === ''}>
        {t('account.changePassword')}
      </Button>
    </Stack>
  );
}

function MfaSetup({ on }: { on: boolean }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [enrolling, setEnrolling] = useState(false);
  const [done, setDone] = useState(false);
  if (enrolling) {
    return (
      <EnrolmentPanel
        during="account"
        onDone={() => {
          setEnrolling(false);
          setDone(true);
          void queryClient.invalidateQueries({ queryKey: accountKeys.me() });
        }}
      />
    );
  }
  return (
    <Stack spacing={2} sx={{ alignItems: 'flex-start' }}>
      {done ? <Alert severity="success">{t('account.mfaDone')}</Alert> : null}
      <Typography>{on ? t('account.mfaOn') : t('account.mfaOff')}</Typography>
      {on ? <NewRecoveryCodes /> : (
        <Button variant="outlined" onClick={() => setEnrolling(true)}>
          {t('account.mfaSetUp')}
        </Button>
      )}
    </Stack>
  );
}
