import { BarChart } from '@mui/x-charts/BarChart';
import type { SurveyResults } from '../../../../shared/api/insights';
import { useT } from '../../../lib/i18n/I18nProvider';
import { useBitLabeler } from '../../../entities/marks/hooks/use-bit-labeler';
import { conversationsPerBit, histogramRows, usersPerBit, type ChartRow } from '../model/chart-data';
import type { ChartView } from '../model/url-state';
import { ChartCard } from './ChartCard';

const CHART_HEIGHT = 260;

/** A bar chart of one numeric column of `rows`, labelled by their `label`. */
export function Bars({ rows, series }: { rows: ChartRow[]; series: { key: string; label: string }[] }) {
  return (
    <BarChart
      height={CHART_HEIGHT}
      dataset={rows}
      xAxis={[{ scaleType: 'band', dataKey: 'label' }]}
      series={series.map((s) => ({ dataKey: s.key, label: s.label }))}
      hideLegend={series.length === 1}
      skipAnimation
    />
  );
}

/** The survey's charts: users and conversations per bit, marked conversations per user, type, custom marks. */
export function SurveyCharts({ surveyId, results, view }: { surveyId: string; results: SurveyResults; view: ChartView }) {
  const t = useT();
  const labeler = useBitLabeler();
  const label = (bit: number) => labeler.shortName(bit);
  const users = usersPerBit(results, label);
  const conversations = conversationsPerBit(results, label);
  const histogram = histogramRows(results);
  const types: ChartRow[] = [
    { label: t('insights.type.c2c'), users: results.c2c.users, conversations: results.c2c.conversations },
    { label: t('insights.type.group'), users: results.group.users, conversations: results.group.conversations },
  ];
  const customMarks: ChartRow[] = results.topCustomMarks.map((top) => ({ label: top.value, count: top.count }));
  const file = (name: string) => `markdesk-survey-${surveyId}-${name}.csv`;
  const top = users[0];
  return (
    <>
      <ChartCard
        title={t('insights.chart.usersPerBit')}
        summary={t('insights.summary.usersPerBit', { bits: users.length, usersRead: results.usersRead, top: top ? `${top.label}: ${top.users} (${top.share} %)` : '—' })}
        data={{
          columns: [
            { key: 'bit', label: t('insights.col.bit') },
            { key: 'label', label: t('insights.col.name') },
            { key: 'users', label: t('insights.col.users') },
            { key: 'share', label: t('insights.col.sharePercent') },
          ],
          rows: users,
        }}
        fileName={file('users-per-bit')}
        initialView={view}
        chart={<Bars rows={users} series={[{ key: 'users', label: t('insights.col.users') }]} />}
      />
      <ChartCard
        title={t('insights.chart.conversationsPerBit')}
        summary={t('insights.summary.conversationsPerBit', { bits: conversations.length, conversations: results.conversations })}
        data={{
          columns: [
            { key: 'bit', label: t('insights.col.bit') },
            { key: 'label', label: t('insights.col.name') },
            { key: 'conversations', label: t('insights.col.conversations') },
            { key: 'share', label: t('insights.col.sharePercent') },
          ],
          rows: conversations,
        }}
        fileName={file('conversations-per-bit')}
        initialView={view}
        chart={<Bars rows={conversations} series={[{ key: 'conversations', label: t('insights.col.conversations') }]} />}
      />
      <ChartCard
        title={t('insights.chart.markedPerUser')}
        summary={t('insights.summary.markedPerUser', { nearCap: results.nearCap })}
        data={{
          columns: [
            { key: 'label', label: t('insights.col.markedConversations') },
            { key: 'users', label: t('insights.col.users') },
            { key: 'share', label: t('insights.col.sharePercent') },
          ],
          rows: histogram,
        }}
        fileName={file('marked-per-user')}
        initialView={view}
        chart={<Bars rows={histogram} series={[{ key: 'users', label: t('insights.col.users') }]} />}
      />
      <ChartCard
        title={t('insights.chart.types')}
        summary={t('insights.summary.types', { c2c: results.c2c.conversations, group: results.group.conversations })}
        data={{
          columns: [
            { key: 'label', label: t('insights.col.type') },
            { key: 'users', label: t('insights.col.users') },
            { key: 'conversations', label: t('insights.col.conversations') },
          ],
          rows: types,
        }}
        fileName={file('types')}
        initialView={view}
        chart={
          <Bars
            rows={types}
            series={[
              { key: 'users', label: t('insights.col.users') },
              { key: 'conversations', label: t('insights.col.conversations') },
            ]}
          />
        }
      />
      <ChartCard
        title={t('insights.chart.customMarks')}
        summary={t('insights.summary.customMarks', { users: results.usersWithCustomMark, values: customMarks.length })}
        data={{
          columns: [
            { key: 'label', label: t('insights.col.customMark') },
            { key: 'count', label: t('insights.col.conversations') },
          ],
          rows: customMarks,
        }}
        fileName={file('custom-marks')}
        initialView={view}
        chart={<Bars rows={customMarks} series={[{ key: 'count', label: t('insights.col.conversations') }]} />}
      />
    </>
  );
}
