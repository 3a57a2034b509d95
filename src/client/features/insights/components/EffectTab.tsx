import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { LineChart } from '@mui/x-charts/LineChart';
import { useQuery } from '@tanstack/react-query';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { jobsQueryOptions } from '../../../entities/jobs/api/get-jobs';
import { useBitLabeler } from '../../../entities/marks/hooks/use-bit-labeler';
import { effectsQueryOptions, useMeasureEffect } from '../api/effect';
import { effectBitRows, effectRows } from '../model/chart-data';
import type { ChartView } from '../model/url-state';
import { ChartCard } from './ChartCard';
import { Bars } from './SurveyCharts';
import { shortId } from '../../../../shared/short-id';

const FINISHED = new Set(['done', 'cancelled', 'failed']);

/** A finished bulk job's effect: measure now, and the measurements kept with the job as a curve. */
export function EffectTab({ jobId, onJob, view }: { jobId: string | null; onJob: (id: string | null) => void; view: ChartView }) {
  const t = useT();
  const format = useFormat();
  const jobs = useQuery(jobsQueryOptions());
  const finished = (jobs.data?.jobs ?? []).filter((job) => FINISHED.has(job.state) && job.applied > 0);
  return (
    <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: 'minmax(0, 1fr)' }}>
      <Typography color="text.secondary">{t('insights.effect.intro')}</Typography>
      <TextField select label={t('insights.effect.job')} value={finished.some((job) => job.jobId === jobId) ? jobId : ''} onChange={(event) => onJob(event.target.value || null)} sx={{ maxWidth: 520 }} helperText={finished.length === 0 ? t('insights.effect.noJobs') : undefined}>
        {finished.map((job) => (
          <MenuItem key={job.jobId} value={job.jobId}>
            {t('insights.jobOption', { id: shortId(job.jobId), rows: format.number(job.applied), at: format.dateTime(job.createdAt) })}
          </MenuItem>
        ))}
      </TextField>
      {jobId ? <JobEffect jobId={jobId} view={view} /> : null}
    </Box>
  );
}

function JobEffect({ jobId, view }: { jobId: string; view: ChartView }) {
  const t = useT();
  const format = useFormat();
  const labeler = useBitLabeler();
  const effects = useQuery(effectsQueryOptions(jobId));
  const measure = useMeasureEffect(jobId);
  const measurements = effects.data?.measurements ?? [];
  const latest = measurements[measurements.length - 1];
  const curve = effectRows(measurements).map((row) => ({ ...row, label: format.dateTime(String(row.measuredAt)) }));
  const moved = latest ? effectBitRows(latest, (bit) => labeler.shortName(bit)) : [];
  return (
    <>
      <Box>
        <Button variant="contained" onClick={() => measure.mutate()} disabled={measure.isPending}>
          {t('insights.measureNow')}
        </Button>
      </Box>
      {measure.isError ? <ErrorNotice error={measure.error} /> : null}
      {effects.isError ? <ErrorNotice error={effects.error} onRetry={() => void effects.refetch()} /> : null}
      {latest ? (
        <Paper variant="outlined" sx={{ p: 2 }} role="status">
          <Typography>
            {t('insights.effect.latest', {
              at: format.dateTime(latest.measuredAt),
              rows: format.number(latest.rows),
              still: format.number(latest.stillAsWritten),
              changed: format.number(latest.changedSince),
            })}
          </Typography>
          <Typography color="text.secondary">
            {t('insights.effect.opened', { count: format.number(latest.bitsCleared['1'] ?? 0) })} {t('insights.effect.unhidden', { count: format.number(latest.bitsCleared['3'] ?? 0) })}
          </Typography>
        </Paper>
      ) : null}
      {measurements.length > 0 ? (
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: 'repeat(2, minmax(0, 1fr))' } }}>
          <ChartCard
            title={t('insights.chart.effectCurve')}
            summary={t('insights.summary.effectCurve', { count: measurements.length })}
            data={{
              columns: [
                { key: 'label', label: t('insights.col.measuredAt') },
                { key: 'rows', label: t('insights.col.rows') },
                { key: 'stillAsWritten', label: t('insights.col.still') },
                { key: 'changedSince', label: t('insights.col.changed') },
                { key: 'stillShare', label: t('insights.col.sharePercent') },
              ],
              rows: curve,
            }}
            fileName={`markdesk-job-${jobId}-effect.csv`}
            initialView={view}
            chart={
              <LineChart
                height={260}
                dataset={curve}
                xAxis={[{ scaleType: 'point', dataKey: 'label' }]}
                series={[
                  { dataKey: 'stillAsWritten', label: t('insights.col.still') },
                  { dataKey: 'changedSince', label: t('insights.col.changed') },
                ]}
                skipAnimation
              />
            }
          />
          <ChartCard
            title={t('insights.chart.bitsMoved')}
            summary={t('insights.summary.bitsMoved', { bits: moved.length })}
            data={{
              columns: [
                { key: 'bit', label: t('insights.col.bit') },
                { key: 'label', label: t('insights.col.name') },
                { key: 'cleared', label: t('insights.col.cleared') },
                { key: 'set', label: t('insights.col.set') },
              ],
              rows: moved,
            }}
            fileName={`markdesk-job-${jobId}-bits-moved.csv`}
            initialView={view}
            chart={
              <Bars
                rows={moved}
                series={[
                  { key: 'cleared', label: t('insights.col.cleared') },
                  { key: 'set', label: t('insights.col.set') },
                ]}
              />
            }
          />
        </Box>
      ) : null}
    </>
  );
}
