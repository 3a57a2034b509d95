import ContentCopy from '@mui/icons-material/ContentCopy';
import Download from '@mui/icons-material/Download';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useContext, useState, type FormEvent } from 'react';
import type { EnrolmentConfirmed } from '../../../../shared/api/identity';
import { downloadText } from '../../../lib/download';
import { useT } from '../../../lib/i18n/I18nProvider';
import { SessionContext } from '../../../lib/session-context';
import { useCopyText } from '../../../lib/use-copy-text';
import { confirmEnrolment, startEnrolment } from '../api/identity';

/** TOTP enrolment: the QR code (and the key to type), a first code, then the 10 recovery codes shown once. */
export function EnrolmentPanel({ during, onDone }: { during: 'sign-in' | 'account'; onDone: (confirmed: EnrolmentConfirmed) => void }) {
  const t = useT();
  const enrolment = useQuery({ queryKey: ['auth', 'enrolment', during], queryFn: () => startEnrolment(during), staleTime: Infinity, gcTime: 0, retry: false });
  const [code, setCode] = useState('');
  const confirm = useMutation({ mutationFn: (value: string) => confirmEnrolment(during, value) });
  const [confirmed, setConfirmed] = useState<EnrolmentConfirmed | null>(null);

  if (confirmed) return <RecoveryCodes confirmed={confirmed} onDone={() => onDone(confirmed)} />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate(code.trim(), { onSuccess: setConfirmed });
  };
  return (
    <Stack spacing={2} component="form" noValidate onSubmit={submit}>
      <Typography variant="h6" component="h2">
        {t('enrol.title')}
      </Typography>
      <Typography>{t('enrol.intro')}</Typography>
      {enrolment.isError ? <Alert severity="error">{t('mfa.timedOut')}</Alert> : null}
      {enrolment.data ? (
        <>
          <Box
            component="img"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.data.qrSvg)}`}
            alt={t('enrol.qrAlt')}
            sx={{ width: 200, height: 200, alignSelf: 'center', bgcolor: '#fff', p: 1 }}
          />
          <Typography variant="body2" sx={{ wordBreak: 'break-all' }}>
            {t('enrol.secret', { secret: enrolment.data.secret })}
          </Typography>
        </>
      ) : null}
      {confirm.isError ? (
        <Alert severity="error" role="alert">
          {t('mfa.failed')}
        </Alert>
      ) : null}
      <TextField
        label={t('mfa.code')}
        value={code}
        onChange={(event) => setCode(event.target.value)}
        autoComplete="one-time-code"
        slotProps={{ htmlInput: { inputMode: 'numeric' } }}
      />
      <Button type="submit" variant="contained" loading={confirm.isPending} disabled={!enrolment.data}>
        {t('enrol.confirm')}
      </Button>
    </Stack>
  );
}

/**
 * The 10 recovery codes, shown this once (only their hashes are kept): copied or saved as a text
 * file from here, as a password manager or a printer expects them.
 */
export function RecoveryCodes({ confirmed, onDone }: { confirmed: Pick<EnrolmentConfirmed, 'recoveryCodes' | 'session'>; onDone: () => void }) {
  const t = useT();
  // During sign-in the confirmation names the account; on the Account page the shell's session does.
  const signedIn = useContext(SessionContext);
  const username = confirmed.session?.username ?? signedIn?.session.username ?? '';
  const [copy, copyText] = useCopyText();
  const codes = confirmed.recoveryCodes.join('\n');
  const download = () => downloadText(`${t('enrol.codesFileTitle', { username })}\n\n${codes}\n`, `markdesk-recovery-codes${username ? `-${username}` : ''}.txt`, 'text/plain;charset=utf-8');
  return (
    <Stack spacing={2}>
      <Typography variant="h6" component="h2">
        {t('enrol.codesTitle')}
      </Typography>
      <Typography>{t('enrol.codesIntro')}</Typography>
      <Box component="ul" aria-label={t('enrol.codesList')} sx={{ fontFamily: 'monospace', columns: 2, pl: 3, m: 0 }}>
        {confirmed.recoveryCodes.map((recovery) => (
          <li key={recovery}>{recovery}</li>
        ))}
      </Box>
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
        <Button variant="outlined" startIcon={<ContentCopy />} onClick={() => void copyText(codes)}>
          {t('enrol.copyCodes')}
        </Button>
        <Button variant="outlined" startIcon={<Download />} onClick={download}>
          {t('enrol.downloadCodes')}
        </Button>
      </Stack>
      {copy === 'copied' ? (
        <Alert severity="success" role="status">
          {t('enrol.codesCopied')}
        </Alert>
      ) : copy === 'failed' ? (
        <Alert severity="warning" role="status">
          {t('enrol.copyFailed')}
        </Alert>
      ) : null}
      <Button variant="contained" onClick={onDone}>
        {t('enrol.continue')}
      </Button>
    </Stack>
  );
}
