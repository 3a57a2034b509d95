// What a person downloads or reads about a job: its results (results.csv), the lines the check
// refused (invalid.csv), the lines under each impact kind (impact/:kind.csv), and refused and failed
// lines counted by reason. The CSVs are written as every download is (store/csv-export.ts), a page
// of lines at a time in file order.
import { JOB_CSV_COLUMNS, JOB_RESULT_COLUMNS, MARKED_CONVERSATIONS_CAP, type JobImpactKind, type JobReasonCount, type JobRowStatus } from '../../shared/api/jobs';
import { neutralizeFormula } from '../../shared/text/csv';
import { csvDownload } from '../store/csv-export';
import { cachedStatement, type Store } from '../store/database';
import { JOB_INPUT_COLUMNS } from './csv';
import { bitsCell, type ImpactFound } from './impact';

const PAGE_ROWS = 1000;
/** Reasons listed on the page, at most; the rest are counted together. */
export const REASONS_LISTED = 20;

const inputCells = (inputJson: string, columns: readonly string[] = JOB_INPUT_COLUMNS) => {
  const input = JSON.parse(inputJson) as string[];
  return columns.map((_, index) => neutralizeFormula(input[index] ?? ''));
};

/**
 * A job's lines a page at a time, in line order: `page` reads up to `limit` lines after a line.
 * Other requests run between pages of a large file.
 */
async function* pagesByLine<R extends { line: number }>(page: (after: number, limit: number) => R[]): AsyncGenerator<R[]> {
  for (let after = 0; ; ) {
    const rows = page(after, PAGE_ROWS);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.line;
    yield rows;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

type ResultRow = { line: number; input_json: string; status: JobRowStatus; upstream_code: number | null; message: string | null };

/**
 * results.csv of a job: the input columns as uploaded plus status, upstream_code and message, in
 * file order.
 */
export function jobResultsCsv(store: Store, jobId: string): AsyncGenerator<string> {
  const page = cachedStatement(store.sqlite, `SELECT line, input_json, status, upstream_code, message FROM job_rows WHERE job_id = ? AND line > ? ORDER BY line LIMIT ?`);
  return csvDownload(
    JOB_RESULT_COLUMNS,
    pagesByLine((after, limit) => page.all(jobId, after, limit) as ResultRow[]),
    (row) => [...inputCells(row.input_json, JOB_CSV_COLUMNS), row.status, row.upstream_code === null ? '' : String(row.upstream_code), neutralizeFormula(row.message ?? '')],
  );
}

export const INVALID_CSV_COLUMNS = [...JOB_INPUT_COLUMNS, 'line', 'reason'] as const;

/** invalid.csv: each refused line as uploaded, its line number and why it was refused. */
export function jobInvalidCsv(store: Store, jobId: string): AsyncGenerator<string> {
  const page = cachedStatement(store.sqlite, `SELECT line, input_json, message FROM job_rows WHERE job_id = ? AND status = 'invalid' AND line > ? ORDER BY line LIMIT ?`);
  return csvDownload(
    INVALID_CSV_COLUMNS,
    pagesByLine((after, limit) => page.all(jobId, after, limit) as { line: number; input_json: string; message: string | null }[]),
    (row) => [...inputCells(row.input_json), String(row.line), neutralizeFormula(row.message ?? '')],
  );
}

export const IMPACT_CSV_COLUMNS = [...JOB_INPUT_COLUMNS, 'line', 'current_bits', 'current_custom_mark', 'note'] as const;

function impactNote(kind: JobImpactKind, found: ImpactFound | null): string {
  switch (kind) {
    case 'overwritesCustomMark':
      return 'The row replaces the custom mark the conversation has now.';
    case 'alreadyInState':
      return 'The conversation is already as the row asks; nothing will be sent.';
    case 'wouldExceedCap':
      return `The Chat user has ${found?.markedConversations ?? 0} marked conversations; with this row they would have more than ${MARKED_CONVERSATIONS_CAP.toLocaleString('en-US')}, which Chat refuses.`;
    case 'notImported':
      return 'The Chat user is not imported into Chat; the row will fail.';
  }
}

/** impact/:kind.csv: the lines under one impact kind as uploaded, with the state the check found. */
export function jobImpactCsv(store: Store, jobId: string, kind: JobImpactKind): AsyncGenerator<string> {
  const page = cachedStatement(
    store.sqlite,
    `SELECT c.line, r.input_json, c.found_json FROM job_checks c JOIN job_rows r ON r.job_id = c.job_id AND r.line = c.line
     WHERE c.job_id = ? AND c.kind = ? AND c.line > ? ORDER BY c.line LIMIT ?`,
  );
  return csvDownload(IMPACT_CSV_COLUMNS, pagesByLine((after, limit) => page.all(jobId, kind, after, limit) as { line: number; input_json: string; found_json: string | null }[]), (row) => {
    const found = row.found_json === null ? null : (JSON.parse(row.found_json) as ImpactFound);
    return [...inputCells(row.input_json), String(row.line), found ? bitsCell(found) : '', neutralizeFormula(found?.customMark ?? ''), impactNote(kind, found)];
  });
}

/**
 * Lines of a job in `status` counted by their message, most frequent first. "already on line N"
 * names a different line on each duplicate, so the line number is left out of the reason.
 */
export function reasonCounts(store: Store, jobId: string, status: 'invalid' | 'failed'): JobReasonCount[] {
  const rows = store.sqlite
    .prepare<[string, string], { message: string | null; n: number }>(
      `SELECT message, COUNT(*) AS n FROM job_rows WHERE job_id = ? AND status = ? GROUP BY message`,
    )
    .all(jobId, status);
  const counts = new Map<string, number>();
  for (const row of rows) {
    const reason = (row.message ?? 'No reason was recorded.').replace(/\bis already on line \d+;/g, 'is already on an earlier line;');
    counts.set(reason, (counts.get(reason) ?? 0) + row.n);
  }
  const sorted = [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  if (sorted.length <= REASONS_LISTED) return sorted;
  const rest = sorted.slice(REASONS_LISTED - 1).reduce((sum, entry) => sum + entry.count, 0);
  return [...sorted.slice(0, REASONS_LISTED - 1), { reason: 'Other reasons (see the CSV).', count: rest }];
}
