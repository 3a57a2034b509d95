import VerifiedUser from '@mui/icons-material/VerifiedUser';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { auditChainQueryOptions } from '../api/verify-audit-chain';

/** Walks the audit log's hash chain: a broken link means an entry was changed or removed outside Markdesk. */
export function AuditChainSection() {
  const t = useT();
  const format = useFormat();
  const verdict = useQuery(auditChainQueryOptions());

  return (
    <Paper component="section" variant="outlined" aria-labelledby="audit-chain-title" sx={{ p: 2 }}>
      <Typography variant="h6" component="h2" id="audit-chain-title">
        {t('settings.audit.title')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {t('settings.audit.intro')}
      </Typography>
      <Box aria-live="polite" sx={{ mb: 2 }}>
        {verdict.isPending ? (
          <Skeleton variant="rounded" height={72} />
        ) : verdict.isError ? (
          <ErrorNotice error={verdict.error} />
        ) : verdict.data.ok ? (
          <Alert severity="success">
            <AlertTitle>{t('settings.audit.ok')}</AlertTitle>
            {t('settings.audit.okBody', { checked: format.number(verdict.data.checked), time: format.dateTime(new Date(verdict.dataUpdatedAt).toISOString()) })}
          </Alert>
        ) : (
          <Alert severity="error">
            <AlertTitle>{t('settings.audit.broken')}</AlertTitle>
            {t('settings.audit.brokenBody', { id: verdict.data.brokenAt ?? '?', checked: format.number(verdict.data.checked) })}
          </Alert>
        )}
      </Box>
      <Button variant="outlined" startIcon={<VerifiedUser />} onClick={() => void verdict.refetch()} loading={verdict.isFetching}>
        {t('settings.audit.verifyNow')}
      </Button>
    </Paper>
  );
}
