// The Insights view lives in the address bar, so a link reproduces it:
// /insights?tab=surveys&survey=ID&compare=ID&view=table, /insights?tab=effect&job=ID,
// /insights?tab=activity&from=2026-11-01&to=2026-11-30.

export const INSIGHTS_TABS = ['surveys', 'effect', 'activity'] as const;
export type InsightsTab = (typeof INSIGHTS_TABS)[number];
export type ChartView = 'chart' | 'table';

export type InsightsFilters = {
  tab: InsightsTab;
  survey: string | null;
  compare: string | null;
  job: string | null;
  /** Activity range, UTC days YYYY-MM-DD. */
  from: string;
  to: string;
  view: ChartView;
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The last 30 days, today included. */
export function defaultRange(now: Date = new Date()): { from: string; to: string } {
  return { from: isoDay(new Date(now.getTime() - 29 * 86_400_000)), to: isoDay(now) };
}

export function readInsightsFilters(params: URLSearchParams, now: Date = new Date()): InsightsFilters {
  const tab = params.get('tab');
  const range = defaultRange(now);
  const from = params.get('from');
  const to = params.get('to');
  return {
    tab: (INSIGHTS_TABS as readonly string[]).includes(tab ?? '') ? (tab as InsightsTab) : 'surveys',
    survey: params.get('survey') || null,
    compare: params.get('compare') || null,
    job: params.get('job') || null,
    from: from && DAY.test(from) ? from : range.from,
    to: to && DAY.test(to) ? to : range.to,
    view: params.get('view') === 'table' ? 'table' : 'chart',
  };
}

/** Only what differs from the defaults goes into the address. */
export function writeInsightsFilters(filters: InsightsFilters, now: Date = new Date()): URLSearchParams {
  const params = new URLSearchParams();
  const range = defaultRange(now);
  if (filters.tab !== 'surveys') params.set('tab', filters.tab);
  if (filters.survey) params.set('survey', filters.survey);
  if (filters.compare) params.set('compare', filters.compare);
  if (filters.job) params.set('job', filters.job);
  if (filters.from !== range.from) params.set('from', filters.from);
  if (filters.to !== range.to) params.set('to', filters.to);
  if (filters.view === 'table') params.set('view', 'table');
  return params;
}

/** The activity range as the API wants it: from the start of the first day to the end of the last (UTC). */
export function activityRange(filters: Pick<InsightsFilters, 'from' | 'to'>): { from: string; to: string } {
  return { from: `${filters.from}T00:00:00.000Z`, to: `${filters.to}T23:59:59.999Z` };
}
