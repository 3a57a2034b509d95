import { toCsv, type ChartData } from './chart-data';

/** Saves the numbers behind a chart as a CSV file (built in the browser: they are already here). */
export function downloadCsv(data: ChartData, fileName: string): void {
  const url = URL.createObjectURL(new Blob([toCsv(data)], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; the URL is only needed for the click.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
