// What a person downloads or reads about a job: its results (results.csv), the lines the check
// refused (invalid.csv), the lines under each impact kind (impact/:kind.csv), and refused and failed
// lines counted by reason. The CSVs are written as every download is (store/csv-export.ts), a page
// of lines at a time in file order.
import { JOB_CSV_COLUMNS, JOB_RESULT_COLUMNS, MARKED_CONVERSATIONS_CAP, type JobImpactKind, type JobReasonCount } from '../../shared/api/jobs';
import { neutralizeFormula } from '../../shared/text/csv';
import { csvDownload } from '../store/csv-export';
import type { Reader } from '../store/database';
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
async function* pagesByLine<R extends { line: number }>(page: (after: number, limit: number) => Promise<R[]>): AsyncGenerator<R[]> {
  for (let after = 0; ; ) {
    const rows = await page(after, PAGE_ROWS);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.line;
    yield rows;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * results.csv of a job: the input columns as uploaded plus status, upstream_code and message, in
 * file order.
 */
export function jobResultsCsv(db: Reader, jobId: string): AsyncGenerator<string> {
  return csvDownload(
    JOB_RESULT_COLUMNS,
    pagesByLine((after, limit) =>
      db
        .selectFrom('job_rows')
        .select(['line', 'input_json', 'status', 'upstream_code', 'message'])
        .where('job_id', '=', jobId)
        .where('line', '>', after)
        .orderBy('line')
        .limit(limit)
        .execute(),
    ),
    (row) => [...inputCells(row.input_json, JOB_CSV_COLUMNS), row.status, row.upstream_code === null ? '' : String(row.upstream_code), neutralizeFormula(row.message ?? '')],
  );
}

export const INVALID_CSV_COLUMNS = [...JOB_INPUT_COLUMNS, 'line', 'reason'] as const;

/** invalid.csv: each refused line as uploaded, its line number and why it was refused. */
export function jobInvalidCsv(db: Reader, jobId: string): AsyncGenerator<string> {
  return csvDownload(
    INVALID_CSV_COLUMNS,
    pagesByLine((after, limit) =>
      db
        .selectFrom('job_rows')
        .select(['line', 'input_json', 'message'])
        .where('job_id', '=', jobId)
        .where('status', '=', 'invalid')
        .where('line', '>', after)
        .orderBy('line')
        .limit(limit)
        .execute(),
    ),
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
export function jobImpactCsv(db: Reader, jobId: string, kind: JobImpactKind): AsyncGenerator<string> {
  const page = (after: number, limit: number) =>
    db
      .selectFrom('job_checks as c')
      .innerJoin('job_rows as r', (join) => join.onRef('r.job_id', '=', 'c.job_id').onRef('r.line', '=', 'c.line'))
      .select(['c.line', 'r.input_json', 'c.found_json'])
      .where('c.job_id', '=', jobId)
      .where('c.kind', '=', kind)
      .where('c.line', '>', after)
      .orderBy('c.line')
      .limit(limit)
      .execute();
  return csvDownload(IMPACT_CSV_COLUMNS, pagesByLine(page), (row) => {
    const found = row.found_json === null ? null : (JSON.parse(row.found_json) as ImpactFound);
    return [...inputCells(row.input_json), String(row.line), found ? bitsCell(found) : '', neutralizeFormula(found?.customMark ?? ''), impactNote(kind, found)];
  });
}

/**
 * Lines of a job in `status` counted by their message, most frequent first. "already on line N"
 * names a different line on each duplicate, so the line number is left out of the reason.
 */
export async function reasonCounts(db: Reader, jobId: string, status: 'invalid' | 'failed'): Promise<JobReasonCount[]> {
  const rows = await db
    .selectFrom('job_rows')
    .select((eb) => ['message', eb.fn.countAll<number>().as('n')])
    .where('job_id', '=', jobId)
    .where('status', '=', status)
    .groupBy('message')
    .execute();
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
