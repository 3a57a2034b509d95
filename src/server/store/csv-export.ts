// Every CSV a person downloads (the audit log, admin activity, a bulk job's files, a survey's users)
// is written the same way: UTF-8 with a byte-order mark (what spreadsheets need to read CJK text),
// a header row, RFC 4180 records with CRLF between them, a page of rows per chunk, and every cell
// that a spreadsheet would run as a formula neutralised (shared/text/csv.ts).
import { stringify } from 'csv-stringify/sync';
import { CSV_BOM } from '../../shared/text/csv';

/** Records as CSV text, each ended by CRLF. */
export function csvLines(records: readonly (readonly unknown[])[]): string {
  // RFC 4180: CRLF between records, and a field holding a line break is quoted — csv-stringify
  // quotes a lone \n or \r only when asked to (quoted_match).
  return stringify(records as unknown[][], { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}

/** The first chunk of a download: the byte-order mark and the header row. */
export function csvHeader(columns: readonly string[]): string {
  return CSV_BOM + csvLines([columns]);
}

/**
 * A whole download in chunks: the header, then one chunk per non-empty page of rows. `record` makes
 * a row's cells (neutralising those that need it).
 */
export async function* csvDownload<T>(
  columns: readonly string[],
  pages: Iterable<readonly T[]> | AsyncIterable<readonly T[]>,
  record: (row: T) => readonly unknown[],
): AsyncGenerator<string> {
  yield csvHeader(columns);
  for await (const page of pages) if (page.length > 0) yield csvLines(page.map(record));
}

