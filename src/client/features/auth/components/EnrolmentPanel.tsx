import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { EnrolmentConfirmed } from '../../../../shared/api/identity';
import { useT } from '../../../lib/i18n/I18nProvider';
import { confirmEnrolment, startEnrolment } from '../api/identity';

/** TOTP enrolment: the QR code (and the key to type), a first code, then the 10 recovery codes shown once. */
export function EnrolmentPanel({ during, onDone }: { during: 'sign-in' | 'account'; onDone: (confirmed: EnrolmentConfirmed) => void }) {
  const t = useT();
  const enrolment = useQuery({ queryKey: ['auth', 'enrolment', during], queryFn: () => startEnrolment(during), staleTime: Infinity, gcTime: 0, retry: false });
  const [code, setCode] = useState('');
  const confirm = useMutation({ mutationFn: (value: string) => confirmEnrolment(during, value) });
  const [confirmed, setConfirmed] = useState<EnrolmentConfirmed | null>(null);

  if (confirmed) {
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
        <Button variant="contained" onClick={() => onDone(confirmed)}>
          {t('enrol.continue')}
        </Button>
      </Stack>
    );
  }

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
