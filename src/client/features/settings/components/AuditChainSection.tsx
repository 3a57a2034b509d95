import VerifiedUser from '@mui/icons-material/VerifiedUser';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import type { AuditVerifyResponse, ChainProblem } from '../../../../shared/api/audit';
import { auditChainProgressQueryOptions, auditChainQueryOptions } from '../api/verify-audit-chain';

function useDescribeProblem(): (found: { at: string; problem: ChainProblem }) => string {
  const t = useT();
  return ({ at, problem }) => {
    switch (problem) {
      case 'missing-before':
        return t('settings.audit.problem.missing-before', { at });
      case 'unlinked':
        return t('settings.audit.problem.unlinked', { at });
      case 'changed':
        return t('settings.audit.problem.changed', { at });
      case 'missing-after':
        return t('settings.audit.problem.missing-after');
      case 'start-record':
        return t('settings.audit.problem.start-record');
    }
  };
}

/** The check's progress while it runs: an accessible progress bar fed by the progress endpoint. */
function CheckProgress() {
  const t = useT();
  const format = useFormat();
  const progress = useQuery(auditChainProgressQueryOptions(true));
  const checked = progress.data?.checked ?? 0;
  const total = progress.data?.total ?? 0;
  const percent = total > 0 ? Math.min(100, Math.round((checked / total) * 100)) : 0;
  return (
    <Box sx={{ mb: 2 }}>
      <LinearProgress variant={total > 0 ? 'determinate' : 'indeterminate'} value={percent} aria-label={t('settings.audit.progressLabel')} />
      <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
        {t('settings.audit.progress', { checked: format.number(checked), total: format.number(total) })}
      </Typography>
    </Box>
  );
}

function Findings({ verdict }: { verdict: AuditVerifyResponse }) {
  const t = useT();
  const format = useFormat();
  const describeProblem = useDescribeProblem();
  const breaks = verdict.breaks ?? [];
  return (
    <>
      {breaks.length > 0 ? (
        <Box sx={{ mt: 1 }}>
          <Typography variant="subtitle2" component="h3">
            {t('settings.audit.breaksTitle', { count: format.number(verdict.breakCount ?? breaks.length) })}
          </Typography>
          <Box component="ul" sx={{ m: 0, pl: 3 }}>
            {breaks.map((found) => (
              <li key={`${found.at}-${found.problem}`}>{describeProblem(found)}</li>
            ))}
          </Box>
        </Box>
      ) : null}
      {verdict.repaired ? <Typography variant="body2">{t('settings.audit.repaired', { count: format.number(verdict.repaired) })}</Typography> : null}
      {verdict.head ? (
        <Typography variant="body2" sx={{ mt: 1, wordBreak: 'break-all' }}>
          {t('settings.audit.head', { head: `${verdict.head.seq}:${verdict.head.hash}` })}
        </Typography>
      ) : null}
    </>
  );
}

/** Walks the audit log's chain: a broken link means an entry was changed or removed outside Markdesk. */
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
      {verdict.isFetching ? <CheckProgress /> : null}
      <Box aria-live="polite" sx={{ mb: 2 }}>
        {verdict.isPending ? (
          <Skeleton variant="rounded" height={72} />
        ) : verdict.isError ? (
          <ErrorNotice error={verdict.error} />
        ) : verdict.data.ok ? (
          <Alert severity="success">
            <AlertTitle>{t('settings.audit.ok')}</AlertTitle>
            {t('settings.audit.okBody', { checked: format.number(verdict.data.checked), time: format.dateTime(new Date(verdict.dataUpdatedAt).toISOString()) })}
            <Findings verdict={verdict.data} />
          </Alert>
        ) : (
          <Alert severity="error">
            <AlertTitle>{t('settings.audit.broken')}</AlertTitle>
            {t('settings.audit.brokenBody', { id: verdict.data.brokenAt ?? '?', checked: format.number(verdict.data.checked) })}
            <Findings verdict={verdict.data} />
          </Alert>
        )}
      </Box>
      <Button variant="outlined" startIcon={<VerifiedUser />} onClick={() => void verdict.refetch()} loading={verdict.isFetching}>
        {t('settings.audit.verifyNow')}
      </Button>
    </Paper>
  );
}
