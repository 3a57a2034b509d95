import Download from '@mui/icons-material/Download';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useId, useState, type ReactNode } from 'react';
import { visuallyHidden } from '../../../components/visually-hidden';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import type { ChartData } from '../model/chart-data';
import { downloadCsv } from '../model/download';
import type { ChartView } from '../model/url-state';

type Props = {
  /** The region's accessible name, e.g. `Users per bit`. */
  title: string;
  /** One sentence a screen reader hears with the chart: what it shows, in numbers. */
  summary: string;
  data: ChartData;
  fileName: string;
  initialView: ChartView;
  /** The chart itself (keyboard: Tab into it, arrows move between bars); described by the summary. */
  chart: ReactNode;
};

/** A chart with its table view and CSV download: a region named after the chart. */
export function ChartCard({ title, summary, data, fileName, initialView, chart }: Props) {
  const t = useT();
  const format = useFormat();
  const [view, setView] = useState<ChartView>(initialView);
  const summaryId = useId();
  return (
    <Paper component="section" aria-label={title} variant="outlined" sx={{ p: 2, minWidth: 0 }}>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 1, mb: 1 }}>
        <Typography variant="h6" component="h3" sx={{ flexGrow: 1 }}>
          {title}
        </Typography>
        <ToggleButtonGroup size="small" exclusive value={view} onChange={(_, next: ChartView | null) => next && setView(next)} aria-label={t('insights.viewAs', { title })}>
          <ToggleButton value="chart">{t('insights.view.chart')}</ToggleButton>
          <ToggleButton value="table">{t('insights.view.table')}</ToggleButton>
        </ToggleButtonGroup>
        <Button size="small" variant="outlined" startIcon={<Download />} onClick={() => downloadCsv(data, fileName)} aria-label={t('insights.downloadCsvOf', { title })}>
          {t('insights.downloadCsv')}
        </Button>
      </Box>
      <Typography id={summaryId} sx={view === 'chart' ? visuallyHidden : { mb: 1, color: 'text.secondary' }}>
        {summary}
      </Typography>
      {view === 'chart' ? (
        <Box role="figure" aria-label={title} aria-describedby={summaryId} sx={{ width: '100%', minHeight: 240 }}>
          {data.rows.length === 0 ? <Typography color="text.secondary">{t('insights.noData')}</Typography> : chart}
        </Box>
      ) : (
        <Box sx={{ overflowX: 'auto' }}>
          <Table size="small" aria-describedby={summaryId}>
            <caption style={visuallyHidden}>{title}</caption>
            <TableHead>
              <TableRow>
                {data.columns.map((column) => (
                  <TableCell key={column.key} scope="col" component="th">
                    {column.label}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {data.rows.map((row, index) => (
                <TableRow key={index}>
                  {data.columns.map((column) => {
                    const value = row[column.key] ?? '';
                    return <TableCell key={column.key}>{typeof value === 'number' ? format.number(value) : value}</TableCell>;
                  })}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </Paper>
  );
}
