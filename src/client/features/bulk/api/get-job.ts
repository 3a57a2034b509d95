import { queryOptions } from '@tanstack/react-query';
import { jobRoutes } from '../../../../shared/api/contracts/jobs';
import type { JobStatus } from '../../../../shared/api/jobs';
import { callRoute } from '../../../lib/call-route';
import { isJobActive } from '../../../entities/jobs/model/job-state';
import { bulkKeys } from '../../../entities/jobs/api/keys';

/** How often a job that is writing is asked for its progress. */
export const JOB_POLL_MS = 1000;

/** GET /api/jobs/:id → state, counts, call rate and ETA. */
export function getJob(jobId: string, signal?: AbortSignal): Promise<JobStatus> {
  return callRoute(jobRoutes.get, { params: { id: jobId }, signal });
}

/** Polls about once a second while rows are being written, and not at all otherwise. */
export function jobQueryOptions(jobId: string) {
  return queryOptions({
    queryKey: bulkKeys.job(jobId),
    queryFn: ({ signal }) => getJob(jobId, signal),
    refetchInterval: (query) => (query.state.data && isJobActive(query.state.data) ? JOB_POLL_MS : false),
  });
}
