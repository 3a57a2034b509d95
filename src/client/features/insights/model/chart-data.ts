// The numbers behind a chart: the same rows feed the chart, its table view and its CSV download.
import type { ActivityResponse, JobEffect, SurveyCompareResponse, SurveyResults } from '../../../../shared/api/insights';
import { CSV_BOM, neutralizeFormula } from '../../../../shared/text/csv';

export type Column = { key: string; label: string };
export type ChartRow = Record<string, string | number>;
export type ChartData = { columns: Column[]; rows: ChartRow[] };

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}

function bitsIn(counts: Record<string, number>): number[] {
  return Object.keys(counts)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Users per bit: users with at least one conversation carrying it, and their share of the users read. */
export function usersPerBit(results: SurveyResults, bitLabel: (bit: number) => string): ChartRow[] {
  return bitsIn(results.usersWithBit).map((bit) => ({
    bit,
    label: bitLabel(bit),
    users: results.usersWithBit[bit] ?? 0,
    share: share(results.usersWithBit[bit] ?? 0, results.usersRead),
  }));
}

/** Conversations per bit, and their share of all marked conversations. */
export function conversationsPerBit(results: SurveyResults, bitLabel: (bit: number) => string): ChartRow[] {
  return bitsIn(results.conversationsWithBit).map((bit) => ({
    bit,
    label: bitLabel(bit),
    conversations: results.conversationsWithBit[bit] ?? 0,
    share: share(results.conversationsWithBit[bit] ?? 0, results.conversations),
  }));
}

export function histogramRows(results: SurveyResults): ChartRow[] {
  return results.markedPerUser.map((bucket) => ({
    label: bucket.from === bucket.to ? String(bucket.from) : `${bucket.from}–${bucket.to}`,
    users: bucket.users,
    share: share(bucket.users, results.usersRead),
  }));
}

export function compareRows(compare: SurveyCompareResponse, bitLabel: (bit: number) => string): ChartRow[] {
  return compare.bits.map((row) => ({
    bit: row.bit,
    label: bitLabel(row.bit),
    usersA: row.usersA,
    usersB: row.usersB,
    change: row.usersB - row.usersA,
    gained: row.gained,
    lost: row.lost,
    conversationsA: row.conversationsA,
    conversationsB: row.conversationsB,
    conversationChange: row.conversationsB - row.conversationsA,
  }));
}

export function effectRows(measurements: readonly JobEffect[]): ChartRow[] {
  return measurements.map((m) => ({
    measuredAt: m.measuredAt,
    rows: m.rows,
    stillAsWritten: m.stillAsWritten,
    changedSince: m.changedSince,
    stillShare: share(m.stillAsWritten, m.rows),
  }));
}

export function effectBitRows(effect: JobEffect, bitLabel: (bit: number) => string): ChartRow[] {
  const bits = [...new Set([...bitsIn(effect.bitsCleared), ...bitsIn(effect.bitsSet)])].sort((a, b) => a - b);
  return bits.map((bit) => ({ bit, label: bitLabel(bit), cleared: effect.bitsCleared[bit] ?? 0, set: effect.bitsSet[bit] ?? 0 }));
}

export function activityRows(activity: ActivityResponse): ChartRow[] {
  return activity.days.map((day) => {
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      day: day.day,
      changes: day.changes,
      bitsSet: sum(day.bitsSet),
      bitsCleared: sum(day.bitsCleared),
      interactive: day.bySource.interactive ?? 0,
      undo: day.bySource.undo ?? 0,
      bulk: day.bySource.bulk ?? 0,
    };
  });
}

/** Totals over the range by one breakdown (staff, status, bit set, bit cleared). */
export function activityTotals(activity: ActivityResponse, pick: (day: ActivityResponse['days'][number]) => Record<string, number>): ChartRow[] {
  const totals = new Map<string, number>();
  for (const day of activity.days) for (const [key, count] of Object.entries(pick(day))) totals.set(key, (totals.get(key) ?? 0) + count);
  return [...totals].sort(([, a], [, b]) => b - a).map(([key, count]) => ({ key, count }));
}

/** RFC 4180 CSV with a BOM (spreadsheets read CJK text then); formula-like cells made text. */
export function toCsv(data: ChartData): string {
  const cell = (value: string | number) => {
    const text = typeof value === 'string' ? neutralizeFormula(value) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [data.columns.map((column) => cell(column.label)), ...data.rows.map((row) => data.columns.map((column) => cell(row[column.key] ?? '')))];
  return `${CSV_BOM}${lines.map((line) => line.join(',')).join('\r\n')}\r\n`;
}
