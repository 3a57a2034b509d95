import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { lazy, Suspense, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { loginRequestSchema } from '../../../../shared/api/session';
import { LanguageSwitch } from '../../../components/LanguageSwitch';
import { ThemeSwitch } from '../../../components/ThemeSwitch';
import { RequestId } from '../../../components/ErrorNotice';
import { isApiError } from '../../../lib/api-error';
import { useT } from '../../../lib/i18n/I18nProvider';
import type { Translate } from '../../../lib/i18n/translate';
import { isSession, useSignIn, useSignedInCache } from '../api/sign-in';
import { useAuthConfig } from '../api/identity';
import { SsoSection, SignInNotice } from './SsoSection';
import { plainFieldStyles } from '../../../components/plain-field-styles';

// The two-step verification steps come after a right password, for the accounts that use it: their
// code (with MUI's text field) is not part of the page's first load. It is fetched when the password
// is sent, beside the sign-in request, so it is there when the answer asks for a code.
const loadCodeStep = () => import('./CodeStep');
const loadEnrolment = () => import('./EnrolmentPanel');
const CodeStep = lazy(() => loadCodeStep().then((module) => ({ default: module.CodeStep })));
const EnrolmentPanel = lazy(() => loadEnrolment().then((module) => ({ default: module.EnrolmentPanel })));

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
  // The server says this only after the password was right (MARKDESK_LOCAL_LOGIN=off, not a
  // break-glass account): "incorrect" would send the person to retype a good password.
  if (error.status === 403 && error.details?.reason === 'local_login_off') return { sentence: t('signIn.error.local_login_off'), requestId: null };
  // Any other refusal reads the same, so the page never tells whether a username exists.
  if (error.status >= 400 && error.status < 500) return { sentence: t('signIn.failed'), requestId: null };
  return { sentence: t('signIn.unavailable'), requestId: error.requestId };
}

type Field = 'username' | 'password';
type FieldErrors = Partial<Record<Field, 'required' | 'unstorable'>>;

/** What is wrong with each field, by the login request's own schema: empty, or a character that cannot be stored. */
export function signInFieldErrors(credentials: Record<Field, string>): FieldErrors {
  const parsed = loginRequestSchema.safeParse(credentials);
  if (parsed.success) return {};
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    // A custom issue is the shared rule against characters that cannot be stored; the others are sizes.
    if ((field === 'username' || field === 'password') && errors[field] === undefined) errors[field] = issue.code === 'custom' ? 'unstorable' : 'required';
  }
  return errors;
}

/**
 * The first page of a visit, kept light: two plain inputs styled once (no form library, no MUI text
 * field with its select and menu code), checked with the login request's schema when sent.
 */
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
  const [errors, setErrors] = useState<FieldErrors>({});

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const credentials = { username: String(form.get('username') ?? ''), password: String(form.get('password') ?? '') };
    const found = signInFieldErrors(credentials);
    setErrors(found);
    if (found.username !== undefined || found.password !== undefined) {
      document.getElementById(found.username !== undefined ? 'sign-in-username' : 'sign-in-password')?.focus();
      return;
    }
    void loadCodeStep();
    void loadEnrolment();
    signIn.mutate(credentials, {
      onSuccess: (response) => {
        if (isSession(response)) goOn();
        else setStep('mfaRequired' in response ? 'mfa' : 'enrol');
      },
    });
  };

  const failure = signIn.isError ? signInErrorSentence(signIn.error, t) : null;
  const message = (field: Field) =>
    errors[field] === undefined ? undefined : errors[field] === 'unstorable' ? t('text.unstorable') : t(field === 'username' ? 'signIn.usernameRequired' : 'signIn.passwordRequired');

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
        <Suspense fallback={null}>
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
        </Suspense>
        {step === 'password' && config.data?.sso ? <SsoSection name={config.data.sso.name} returnTo={nextPath} localLogin={config.data.localLogin} /> : null}
        <Box component="form" noValidate onSubmit={onSubmit} hidden={step !== 'password'} sx={plainFieldStyles}>
          <Stack spacing={2}>
            {failure ? (
              <Alert severity="error" role="alert">
                {failure.sentence}
                {failure.requestId ? <RequestId requestId={failure.requestId} /> : null}
              </Alert>
            ) : null}
            <PlainField id="sign-in-username" name="username" label={t('signIn.username')} autoComplete="username" autoFocus error={message('username')} />
            <PlainField id="sign-in-password" name="password" type="password" label={t('signIn.password')} autoComplete="current-password" error={message('password')} />
            <Button type="submit" variant="contained" size="large" loading={signIn.isPending}>
              {t('signIn.submit')}
            </Button>
          </Stack>
        </Box>
      </Paper>
    </Box>
  );
}

type PlainFieldProps = { id: string; name: Field; label: string; type?: string; autoComplete: string; autoFocus?: boolean; error: string | undefined };

function PlainField({ id, name, label, type = 'text', autoComplete, autoFocus = false, error }: PlainFieldProps) {
  const errorId = `${id}-error`;
  return (
    <div className="field" data-error={error === undefined ? undefined : ''}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        // The first field of the page a person came to type into.
        autoFocus={autoFocus}
        aria-invalid={error !== undefined}
        aria-describedby={error === undefined ? undefined : errorId}
      />
      {error === undefined ? null : (
        <span id={errorId} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
