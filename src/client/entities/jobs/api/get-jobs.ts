import { queryOptions } from '@tanstack/react-query';
import { jobRoutes } from '../../../../shared/api/contracts/jobs';
import type { JobListResponse } from '../../../../shared/api/jobs';
import { callRoute } from '../../../lib/call-route';
import { isJobActive } from '../model/job-state';
import { bulkKeys } from './keys';

/** Recent jobs listed on the page. */
export const RECENT_JOBS_LIMIT = 20;
/** The list's counts move too while a job runs, but nobody reads them to the second. */
export const JOBS_POLL_MS = 5000;

/** GET /api/jobs?limit= → jobs, newest first. */
export function getJobs(limit: number = RECENT_JOBS_LIMIT, signal?: AbortSignal): Promise<JobListResponse> {
  return callRoute(jobRoutes.list, { query: { limit }, signal });
}

export function jobsQueryOptions(limit: number = RECENT_JOBS_LIMIT) {
  return queryOptions({
    queryKey: [...bulkKeys.jobs(), limit] as const,
    queryFn: ({ signal }) => getJobs(limit, signal),
    refetchInterval: (query) => (query.state.data?.jobs.some(isJobActive) ? JOBS_POLL_MS : false),
  });
}
