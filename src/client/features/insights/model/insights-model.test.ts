import { describe, expect, it } from 'vitest';
import type { SurveyResults } from '../../../../shared/api/insights';
import { histogramRows, toCsv, usersPerBit } from './chart-data';
import { activityRange, readInsightsFilters, writeInsightsFilters } from './url-state';
import { parseCsvIds, parsePastedIds } from './user-ids';

const NOW = new Date('2026-11-30T12:00:00Z');

describe('Insights filters in the address', () => {
  it('round-trip, leaving defaults out', () => {
    const filters = readInsightsFilters(new URLSearchParams('tab=activity&from=2026-11-02&to=2026-11-15&view=table'), NOW);
    expect(filters).toEqual({ tab: 'activity', survey: null, compare: null, job: null, from: '2026-11-02', to: '2026-11-15', view: 'table' });
    expect(writeInsightsFilters(filters, NOW).toString()).toBe('tab=activity&from=2026-11-02&to=2026-11-15&view=table');
    expect(writeInsightsFilters(readInsightsFilters(new URLSearchParams(''), NOW), NOW).toString()).toBe('');
    expect(activityRange(filters)).toEqual({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-15T23:59:59.999Z' });
  });

  it('ignores what it does not know', () => {
    expect(readInsightsFilters(new URLSearchParams('tab=nope&from=yesterday&view=pie'), NOW)).toMatchObject({ tab: 'surveys', from: '2026-11-01', view: 'chart' });
  });
});

describe('user IDs for a survey', () => {
  it('are split on lines, commas and spaces, once each', () => {
    expect(parsePastedIds('a\nb, c;a\t d\n\n')).toEqual(['a', 'b', 'c', 'd']);
  });
  it('come from the first CSV column, a header row skipped', () => {
    expect(parseCsvIds('\uFEFFuser_id,note\r\n"minji.kim",x\r\nwei.zhang\r\n\r\nminji.kim\r\n')).toEqual(['minji.kim', 'wei.zhang']);
  });
});

describe('the numbers behind the charts', () => {
  const results: SurveyResults = {
    usersRead: 4,
    usersWithMarks: 3,
    conversations: 10,
    usersWithBit: { '0': 3, '32': 1 },
    conversationsWithBit: { '0': 8, '32': 2 },
    markedPerUser: [
      { from: 0, to: 0, users: 1 },
      { from: 2, to: 5, users: 3 },
    ],
    nearCap: 0,
    c2c: { users: 3, conversations: 9 },
    group: { users: 1, conversations: 1 },
    usersWithCustomMark: 0,
    topCustomMarks: [],
    sampleUsers: [],
  };
  it('give users per bit with shares of the users read', () => {
    expect(usersPerBit(results, (bit) => `b${bit}`)).toEqual([
      { bit: 0, label: 'b0', users: 3, share: 75 },
      { bit: 32, label: 'b32', users: 1, share: 25 },
    ]);
    expect(histogramRows(results).map((row) => row.label)).toEqual(['0', '2–5']);
  });
  it('download as CSV with a BOM, quoted where needed, formulas made text', () => {
    expect(toCsv({ columns: [{ key: 'a', label: 'A' }, { key: 'b', label: 'B, b' }], rows: [{ a: '=1+1', b: 2 }] })).toBe('\uFEFFA,"B, b"\r\n\'=1+1,2\r\n');
  });
});
