import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Session } from '../../../../shared/api/session';
import { isApiError } from '../../../lib/api-error';
import { Field } from '../../../components/Field';
import { useT } from '../../../lib/i18n/I18nProvider';
import { submitCode } from '../api/identity';

/** The second step of a password sign-in: a TOTP code or a recovery code. */
export function CodeStep({ onSignedIn, onRestart }: { onSignedIn: (session: Session) => void; onRestart: () => void }) {
  const t = useT();
  const [code, setCode] = useState('');
  const mutation = useMutation({ mutationFn: submitCode, onSuccess: onSignedIn });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate(code.trim());
  };
  const failure = mutation.error
    ? isApiError(mutation.error) && mutation.error.status === 429
      ? mutation.error.retryAfterSeconds !== undefined
        ? t('signIn.throttled', { seconds: mutation.error.retryAfterSeconds })
        : t('signIn.throttledSoon')
      : t('mfa.failed')
    : null;
  return (
    <Stack spacing={2} component="form" noValidate onSubmit={submit}>
      <Typography variant="h6" component="h2">
        {t('mfa.title')}
      </Typography>
      {failure ? (
        <Alert severity="error" role="alert">
          {failure}
        </Alert>
      ) : null}
      <Field
        label={t('mfa.code')}
        helperText={t('mfa.codeHelp')}
        value={code}
        onChange={(event) => setCode(event.target.value)}
        autoComplete="one-time-code"
        autoFocus
      />
      <Button type="submit" variant="contained" size="large" loading={mutation.isPending}>
        {t('mfa.verify')}
      </Button>
      <Button onClick={onRestart}>{t('mfa.restart')}</Button>
    </Stack>
  );
}
