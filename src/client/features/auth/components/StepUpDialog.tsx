import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useLocation } from 'react-router';
import { Field } from '../../../components/Field';
import { useT } from '../../../lib/i18n/I18nProvider';
import { setStepUpHandler, type StepUpDetails } from '../../../lib/session-expiry';
import { ssoStartHref, stepUp } from '../api/identity';
import { STEP_UP_DONE_CHANNEL, STEP_UP_DONE_MESSAGE, STEP_UP_DONE_PATH } from './StepUpDone';

type Pending = { details: StepUpDetails; resolve: (ok: boolean) => void };

/**
 * Answers 403 STEP_UP_REQUIRED for the whole signed-in app: asks for the password (and a code when
 * TOTP is set up) and lets the API client send the refused request again; an SSO session goes to
 * its identity provider instead and comes back to this page.
 */
export function StepUpDialog() {
  const t = useT();
  const location = useLocation();
  const [pending, setPending] = useState<Pending | null>(null);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const queue = useRef<Pending | null>(null);

  useEffect(
    () =>
      setStepUpHandler(
        (details) =>
          new Promise<boolean>((resolve) => {
            // Several refused requests at once share one dialog.
            if (queue.current) {
              const earlier = queue.current.resolve;
              queue.current.resolve = (ok) => {
                earlier(ok);
                resolve(ok);
              };
              return;
            }
            queue.current = { details, resolve };
            setPending(queue.current);
          }),
      ),
    [],
  );

  const close = (ok: boolean) => {
    queue.current?.resolve(ok);
    queue.current = null;
    setPending(null);
    setPassword('');
    setCode('');
    setFailed(false);
  };

  // An SSO session confirms itself at its provider in a window of its own, which reports back here;
  // the refused request is then sent again, and nothing on this page is lost.
  // The window's opener link is cut by the opener policy on its way through the provider, so the
  // report usually comes on the same-origin channel; a postMessage from an opener is taken too.
  useEffect(() => {
    const isDone = (data: unknown) => (data as { type?: unknown } | null)?.type === STEP_UP_DONE_MESSAGE;
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== window.location.origin || !isDone(event.data)) return;
      if (queue.current) close(true);
    };
    window.addEventListener('message', onMessage);
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(STEP_UP_DONE_CHANNEL) : null;
    channel?.addEventListener('message', (event: MessageEvent) => {
      if (isDone(event.data) && queue.current) close(true);
    });
    return () => {
      window.removeEventListener('message', onMessage);
      channel?.close();
    };
  }, []);
  const startSso = () => {
    const opened = window.open(ssoStartHref(STEP_UP_DONE_PATH, 'step-up'), 'markdesk-step-up', 'popup,width=520,height=720');
    // A blocked window: go through the provider in this one and come back to this page.
    if (opened === null) window.location.assign(ssoStartHref(`${location.pathname}${location.search}`, 'step-up'));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await stepUp({ password, ...(pending?.details.mfa ? { code: code.trim() } : {}) });
      close(true);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };

  if (!pending) return null;
  const sso = pending.details.method === 'sso';
  return (
    <Dialog open onClose={() => close(false)} aria-labelledby="step-up-title" slotProps={{ paper: { component: 'form', onSubmit: submit } }}>
      <DialogTitle id="step-up-title">{t('stepUp.title')}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          <Typography>{t('stepUp.intro')}</Typography>
          {sso ? <Typography>{t('stepUp.ssoIntro')}</Typography> : null}
          {failed ? (
            <Alert severity="error" role="alert">
              {t('stepUp.failed')}
            </Alert>
          ) : null}
          {sso ? null : (
            <>
              <Field type="password" label={t('stepUp.password')} value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="current-password" autoFocus />
              {pending.details.mfa ? (
                <Field label={t('mfa.code')} value={code} onChange={(event) => setCode(event.target.value)} autoComplete="one-time-code" />
              ) : null}
            </>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={() => close(false)}>{t('stepUp.cancel')}</Button>
        {sso ? (
          <Button variant="contained" onClick={startSso}>
            {t('stepUp.sso')}
          </Button>
        ) : (
          <Button type="submit" variant="contained" loading={busy} disabled={password === ''}>
            {t('stepUp.confirm')}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
