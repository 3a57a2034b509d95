/** Query keys of the bulk feature: one job's status, the check of a file just uploaded, the recent jobs. */
export const bulkKeys = {
  all: ['bulk'] as const,
  jobs: () => [...bulkKeys.all, 'jobs'] as const,
  job: (jobId: string) => [...bulkKeys.all, 'job', jobId] as const,
  /** The 201 answer of the upload (invalid lines, preview): only the browser that uploaded has it. */
  check: (jobId: string) => [...bulkKeys.all, 'check', jobId] as const,
  /** Refused and failed lines by reason and the check's impact; `state` so a new state reads it again. */
  report: (jobId: string, state: string) => [...bulkKeys.all, 'report', jobId, state] as const,
};
