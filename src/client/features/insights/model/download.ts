import { downloadText } from '../../../lib/download';
import { toCsv, type ChartData } from './chart-data';

/** Saves the numbers behind a chart as a CSV file (built in the browser: they are already here). */
export function downloadCsv(data: ChartData, fileName: string): void {
  downloadText(toCsv(data), fileName, 'text/csv;charset=utf-8');
}
