// A survey's per-user rows as CSV: one line per surveyed user, in the order given, written as every
// download is (store/csv-export.ts).
import { STANDARD_BIT_INDEXES } from '../../shared/marks/bits';
import { neutralizeFormula } from '../../shared/text/csv';
import { csvHeader, csvLines } from '../store/csv-export';
import type { Reader } from '../store/database';
import { surveyUsers } from './survey-store';

export const SURVEY_CSV_COLUMNS = [
  'user_id',
  'status',
  'marked_conversations',
  'c2c',
  'group',
  'favourite',
  'unread',
  'collapsed',
  'hidden',
  'other_bits',
  'custom_marks',
  'recent_conversations',
  'error',
] as const;

/** Lines of the CSV; `withValues` false leaves the custom mark values out (their count stays). */
export async function* surveyCsv(db: Reader, surveyId: string, withValues: boolean): AsyncGenerator<string> {
  const columns = withValues ? [...SURVEY_CSV_COLUMNS.slice(0, 11), 'custom_mark_values', ...SURVEY_CSV_COLUMNS.slice(11)] : [...SURVEY_CSV_COLUMNS];
  yield csvHeader(columns);
  let batch: unknown[][] = [];
  for await (const user of surveyUsers(db, surveyId)) {
    const s = user.summary;
    const other = s
      ? Object.entries(s.bits)
          .filter(([bit]) => !STANDARD_BIT_INDEXES.includes(Number(bit)))
          .map(([bit, count]) => `${bit}:${count}`)
          .join(' ')
      : '';
    const values = s ? Object.entries(s.customMarks) : [];
    const line: unknown[] = [
      neutralizeFormula(user.userId),
      user.state,
      s?.conversations ?? '',
      s?.c2c ?? '',
      s?.group ?? '',
      ...STANDARD_BIT_INDEXES.map((bit) => (s ? (s.bits[bit] ?? 0) : '')),
      other,
      s ? values.reduce((sum, [, count]) => sum + count, 0) : '',
    ];
    if (withValues) line.push(neutralizeFormula(values.map(([value, count]) => `${value} (${count})`).join(' | ')));
    line.push(s?.recent ?? '', neutralizeFormula(user.error ?? ''));
    batch.push(line);
    if (batch.length >= 500) {
      yield csvLines(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield csvLines(batch);
}
