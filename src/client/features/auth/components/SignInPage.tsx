import { zodResolver } from '@hookform/resolvers/zod';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useNavigate, useSearchParams } from 'react-router';
import { loginRequestSchema, type LoginRequest } from '../../../../shared/api/session';
import { LanguageSwitch } from '../../../components/LanguageSwitch';
import { ThemeSwitch } from '../../../components/ThemeSwitch';
import { RequestId } from '../../../components/ErrorNotice';
import { isApiError } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n/I18nProvider';
import type { Translate } from '../../../lib/i18n/translate';
import { isSession, useSignIn, useSignedInCache } from '../api/sign-in';
import { useAuthConfig } from '../api/identity';
import { CodeStep } from './CodeStep';
import { EnrolmentPanel } from './EnrolmentPanel';
import { SsoSection, SignInNotice } from './SsoSection';

/** Only same-site paths: `next` comes from the address bar and must not send anyone elsewhere. */
export function safeNextPath(next: string | null): string {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/sign-in') || next.startsWith('/signin')) {
    return '/marks';
  }
  return next;
}

export function signInErrorSentence(error: unknown, t: Translate): { sentence: string; requestId: string | null } {
  if (!isApiError(error)) return { sentence: t('signIn.unavailable'), requestId: null };
  if (error.status === 429) {
    return {
      sentence: error.retryAfterSeconds !== undefined ? t('signIn.throttled', { seconds: error.retryAfterSeconds }) : t('signIn.throttledSoon'),
      requestId: error.requestId,
    };
  }
  // Any refusal reads the same, so the page never tells whether a username exists.
  if (error.status >= 400 && error.status < 500) return { sentence: t('signIn.failed'), requestId: null };
  return { sentence: t('signIn.unavailable'), requestId: error.requestId };
}

export default function SignInPage() {
  const t = useT();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const signIn = useSignIn();
  const remember = useSignedInCache();
  const config = useAuthConfig();
  const [step, setStep] = useState<'password' | 'mfa' | 'enrol'>('password');
  const nextPath = safeNextPath(searchParams.get('next'));
  const goOn = () => navigate(nextPath, { replace: true });
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<LoginRequest>({ resolver: zodResolver(loginRequestSchema), defaultValues: { username: '', password: '' } });

  const onSubmit = handleSubmit((credentials) => {
    signIn.mutate(credentials, {
      onSuccess: (response) => {
        if (isSession(response)) goOn();
        else setStep('mfaRequired' in response ? 'mfa' : 'enrol');
      },
    });
  });

  const failure = signIn.isError ? signInErrorSentence(signIn.error, t) : null;
  // A custom issue is the shared rule against characters that cannot be stored; the others are sizes.
  const fieldError = (error: { type: string } | undefined, required: 'signIn.usernameRequired' | 'signIn.passwordRequired') =>
    error === undefined ? undefined : error.type === 'custom' ? t('text.unstorable') : t(required);
  const usernameError = fieldError(errors.username, 'signIn.usernameRequired');
  const passwordError = fieldError(errors.password, 'signIn.passwordRequired');

  return (
    <Box component="main" id="main" sx={{ minHeight: '100vh', display: 'grid', placeItems: 'center', p: 2 }}>
      <Paper variant="outlined" sx={{ p: 4, width: '100%', maxWidth: 420 }}>
        <Stack direction="row" spacing={1} sx={{ justifyContent: 'flex-end', alignItems: 'center', mb: 2 }}>
          <LanguageSwitch />
          <ThemeSwitch />
        </Stack>
        <Typography variant="h5" component="h1" gutterBottom>
          {t('signIn.title')}
        </Typography>
        <Typography color="text.secondary" sx={{ mb: 3 }}>
          {t('signIn.intro')}
        </Typography>
        <SignInNotice reason={searchParams.get('reason')} error={searchParams.get('error')} />
        {step === 'mfa' ? (
          <CodeStep
            onSignedIn={(session) => {
              remember(session);
              goOn();
            }}
            onRestart={() => setStep('password')}
          />
        ) : null}
        {step === 'enrol' ? (
          <EnrolmentPanel
            during="sign-in"
            onDone={(confirmed) => {
              if (confirmed.session) remember(confirmed.session);
              goOn();
            }}
          />
        ) : null}
        {step === 'password' && config.data?.sso ? <SsoSection name={config.data.sso.name} returnTo={nextPath} localLogin={config.data.localLogin} /> : null}
        <Box component="form" noValidate onSubmit={onSubmit} hidden={step !== 'password'}>
          <Stack spacing={2}>
            {failure ? (
              <Alert severity="error" role="alert">
                {failure.sentence}
                {failure.requestId ? <RequestId requestId={failure.requestId} /> : null}
              </Alert>
            ) : null}
            <TextField
              {...register('username')}
              id="sign-in-username"
              label={t('signIn.username')}
              autoComplete="username"
              autoFocus
              error={usernameError !== undefined}
              helperText={usernameError}
            />
            <TextField
              {...register('password')}
              id="sign-in-password"
              type="password"
              label={t('signIn.password')}
              autoComplete="current-password"
              error={passwordError !== undefined}
              helperText={passwordError}
            />
            <Button type="submit" variant="contained" size="large" loading={signIn.isPending}>
              {t('signIn.submit')}
            </Button>
          </Stack>
        </Box>
      </Paper>
    </Box>
  );
}
