import Skeleton from '@mui/material/Skeleton';
import { useQuery } from '@tanstack/react-query';
import type { SurveyCompareResponse } from '../../../../shared/api/insights';
import { useT } from '../../../lib/i18n/I18nProvider';
import { QueryState } from '../../../components/QueryState';
import { useBitLabeler } from '../../../entities/marks/hooks/use-bit-labeler';
import { compareQueryOptions } from '../api/surveys';
import { compareRows } from '../model/chart-data';
import type { ChartView } from '../model/url-state';
import { ChartCard } from './ChartCard';
import { Bars } from './SurveyCharts';

/** Two surveys of the same users side by side: users per bit before and after, and the change. */
export function CompareView({ a, b, labelA, labelB, view }: { a: string; b: string; labelA: string; labelB: string; view: ChartView }) {
  const labeler = useBitLabeler();
  const compare = useQuery(compareQueryOptions(a, b));
  return (
    <QueryState query={compare} pending={<Skeleton variant="rounded" height={240} />}>
      {(data) => <CompareChart data={data} rows={compareRows(data, (bit) => labeler.shortName(bit))} a={a} b={b} labelA={labelA} labelB={labelB} view={view} />}
    </QueryState>
  );
}

type CompareChartProps = { data: SurveyCompareResponse; rows: ReturnType<typeof compareRows>; a: string; b: string; labelA: string; labelB: string; view: ChartView };

function CompareChart({ data, rows, a, b, labelA, labelB, view }: CompareChartProps) {
  const t = useT();
  return (
    <ChartCard
      title={t('insights.chart.compare')}
      summary={t('insights.summary.compare', { users: data.usersInBoth, a: labelA, b: labelB })}
      data={{
        columns: [
          { key: 'bit', label: t('insights.col.bit') },
          { key: 'label', label: t('insights.col.name') },
          { key: 'usersA', label: t('insights.col.usersIn', { survey: labelA }) },
          { key: 'usersB', label: t('insights.col.usersIn', { survey: labelB }) },
          { key: 'change', label: t('insights.col.change') },
          { key: 'gained', label: t('insights.col.gained') },
          { key: 'lost', label: t('insights.col.lost') },
          { key: 'conversationsA', label: t('insights.col.conversationsIn', { survey: labelA }) },
          { key: 'conversationsB', label: t('insights.col.conversationsIn', { survey: labelB }) },
          { key: 'conversationChange', label: t('insights.col.conversationChange') },
        ],
        rows,
      }}
      fileName={`markdesk-compare-${a}-${b}.csv`}
      initialView={view}
      chart={
        <Bars
          rows={rows}
          series={[
            { key: 'usersA', label: labelA },
            { key: 'usersB', label: labelB },
          ]}
        />
      }
    />
  );
}
