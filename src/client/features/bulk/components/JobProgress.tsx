import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { JobStatus } from '../../../../shared/api/jobs';
import { useFormat, useLanguage, useT } from '../../../lib/i18n/I18nProvider';
import type { PlainMessageKey } from '../../../lib/i18n/translate';
import { formatDuration, formatPercent, formatRate } from '../model/format';
import { progressPercent } from '../../../entities/jobs/model/job-state';

const COUNTS: ReadonlyArray<{ key: 'applied' | 'unchanged' | 'conflicts' | 'failed'; label: PlainMessageKey }> = [
  { key: 'applied', label: 'bulk.count.applied' },
  { key: 'unchanged', label: 'bulk.count.unchanged' },
  { key: 'conflicts', label: 'bulk.count.conflicts' },
  { key: 'failed', label: 'bulk.count.failed' },
];

/** The bar named `Job progress` (done ÷ total), the outcome counts, and while running the call rate and time left. */
export function JobProgress({ status }: { status: JobStatus }) {
  const t = useT();
  const format = useFormat();
  const [language] = useLanguage();
  const percent = progressPercent(status);
  const rowsText = t('bulk.progressText', { done: format.number(status.done), total: format.number(status.total), percent: formatPercent(percent, language) });

  return (
    <Box>
      <LinearProgress variant="determinate" value={percent} aria-label={t('bulk.progress')} aria-valuetext={rowsText} sx={{ height: 10, borderRadius: 5 }} />
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, justifyContent: 'space-between', mt: 1 }}>
        <Typography variant="body2" sx={{ fontWeight: 500 }} data-testid="job-rows">
          {rowsText}
        </Typography>
        {status.state === 'running' ? (
          <Typography variant="body2" color="text.secondary" data-testid="job-rate">
            {/* No call has come back yet in the server's window (just started or resumed). */}
            {status.callsPerSecond === 0 && status.etaSeconds === null ? (
              t('bulk.rateStarting')
            ) : (
              <>
                {t('bulk.rate', { rate: formatRate(status.callsPerSecond, language) })} ·{' '}
                {status.etaSeconds === null ? t('bulk.etaUnknown') : t('bulk.eta', { duration: formatDuration(status.etaSeconds, language) })}
              </>
            )}
          </Typography>
        ) : null}
      </Box>
      {status.invalid ? (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
          {t('bulk.invalidSkipped', { invalid: format.number(status.invalid) })}
        </Typography>
      ) : null}
      <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(110px, 1fr))', gap: 1, m: 0, mt: 1.5 }}>
        {COUNTS.map(({ key, label }) => (
          <Box key={key} sx={{ p: 1, borderRadius: 1, bgcolor: 'action.hover' }}>
            <Typography component="dt" variant="caption" color="text.secondary">
              {t(label)}
            </Typography>
            <Typography component="dd" variant="h6" sx={{ m: 0 }} data-testid={`job-count-${key}`}>
              {format.number(status[key])}
            </Typography>
          </Box>
        ))}
      </Box>
    </Box>
  );
}
