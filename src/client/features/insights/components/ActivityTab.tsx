import Box from '@mui/material/Box';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { LineChart } from '@mui/x-charts/LineChart';
import { useQuery } from '@tanstack/react-query';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useT } from '../../../lib/i18n/I18nProvider';
import { useBitLabeler } from '../../../entities/marks/hooks/use-bit-labeler';
import { activityQueryOptions } from '../api/activity';
import { activityRows, activityTotals, type ChartRow } from '../model/chart-data';
import { activityRange, type ChartView } from '../model/url-state';
import { ChartCard } from './ChartCard';
import { Bars } from './SurveyCharts';

type Props = { from: string; to: string; onRange: (range: { from: string; to: string }) => void; view: ChartView };

/** Mark changes per day from the audit log, and the totals behind them by staff, status and bit. */
export function ActivityTab({ from, to, onRange, view }: Props) {
  const t = useT();
  const labeler = useBitLabeler();
  const range = activityRange({ from, to });
  const activity = useQuery({ ...activityQueryOptions(range.from, range.to), enabled: from <= to });
  const totals = (rows: ChartRow[], keyLabel: string, name: string, title: string, label?: (key: string) => string) => (
    <ChartCard
      title={title}
      summary={t('insights.summary.totals', { count: rows.length })}
      data={{ columns: [{ key: 'label', label: keyLabel }, { key: 'count', label: t('insights.col.changes') }], rows: rows.map((row) => ({ label: label ? label(String(row.key)) : String(row.key), count: row.count ?? 0 })) }}
      fileName={`markdesk-activity-${from}-${to}-${name}.csv`}
      initialView={view}
      chart={<Bars rows={rows.map((row) => ({ label: label ? label(String(row.key)) : String(row.key), count: row.count ?? 0 }))} series={[{ key: 'count', label: t('insights.col.changes') }]} />}
    />
  );
  return (
    <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: 'minmax(0, 1fr)' }}>
      <Stack direction="row" spacing={2}>
        <TextField type="date" label={t('insights.from')} value={from} onChange={(event) => event.target.value && onRange({ from: event.target.value, to })} slotProps={{ inputLabel: { shrink: true } }} />
        <TextField type="date" label={t('insights.to')} value={to} onChange={(event) => event.target.value && onRange({ from, to: event.target.value })} slotProps={{ inputLabel: { shrink: true } }} />
      </Stack>
      {activity.isPending ? <Skeleton variant="rounded" height={260} /> : null}
      {activity.isError ? <ErrorNotice error={activity.error} onRetry={() => void activity.refetch()} /> : null}
      {activity.data ? (
        <>
          <ChartCard
            title={t('insights.chart.activity')}
            summary={t('insights.summary.activity', { days: activity.data.days.length, changes: activity.data.days.reduce((sum, day) => sum + day.changes, 0) })}
            data={{
              columns: [
                { key: 'day', label: t('insights.col.day') },
                { key: 'changes', label: t('insights.col.changes') },
                { key: 'bitsSet', label: t('insights.col.bitsSet') },
                { key: 'bitsCleared', label: t('insights.col.bitsCleared') },
                { key: 'interactive', label: t('insights.source.interactive') },
                { key: 'undo', label: t('insights.source.undo') },
                { key: 'bulk', label: t('insights.source.bulk') },
              ],
              rows: activityRows(activity.data),
            }}
            fileName={`markdesk-activity-${from}-${to}.csv`}
            initialView={view}
            chart={
              <LineChart
                height={280}
                dataset={activityRows(activity.data)}
                xAxis={[{ scaleType: 'point', dataKey: 'day' }]}
                series={[
                  { dataKey: 'interactive', label: t('insights.source.interactive') },
                  { dataKey: 'undo', label: t('insights.source.undo') },
                  { dataKey: 'bulk', label: t('insights.source.bulk') },
                ]}
                skipAnimation
              />
            }
          />
          <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', lg: 'repeat(2, minmax(0, 1fr))' } }}>
            {totals(activityTotals(activity.data, (day) => day.bitsSet), t('insights.col.bit'), 'bits-set', t('insights.chart.bitsSet'), (bit) => labeler.shortName(Number(bit)))}
            {totals(activityTotals(activity.data, (day) => day.bitsCleared), t('insights.col.bit'), 'bits-cleared', t('insights.chart.bitsCleared'), (bit) => labeler.shortName(Number(bit)))}
            {totals(activityTotals(activity.data, (day) => day.byStaff), t('insights.col.staff'), 'staff', t('insights.chart.byStaff'))}
            {totals(activityTotals(activity.data, (day) => day.byStatus), t('insights.col.status'), 'status', t('insights.chart.byStatus'))}
          </Box>
        </>
      ) : null}
    </Box>
  );
}
