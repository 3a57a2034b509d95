/** Query keys of the Insights feature. */
export const insightsKeys = {
  all: ['insights'] as const,
  surveys: () => [...insightsKeys.all, 'surveys'] as const,
  survey: (id: string) => [...insightsKeys.all, 'survey', id] as const,
  compare: (a: string, b: string) => [...insightsKeys.all, 'compare', a, b] as const,
  effects: (jobId: string) => [...insightsKeys.all, 'effects', jobId] as const,
  activity: (from: string, to: string) => [...insightsKeys.all, 'activity', from, to] as const,
};
