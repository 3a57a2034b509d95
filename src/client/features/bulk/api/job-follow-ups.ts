import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  jobReportSchema,
  jobRetryResponseSchema,
  jobRollbackResponseSchema,
  type JobImpactKind,
  type JobReport,
  type JobState,
} from '../../../../shared/api/jobs';
import { apiRequest } from '../../../lib/api-client';
import { bulkKeys } from '../../../entities/jobs/api/keys';

const jobPath = (jobId: string) => `/api/jobs/${encodeURIComponent(jobId)}`;

/** GET /api/jobs/:id/invalid.csv: the refused lines as uploaded, with their line numbers and reasons. A plain link. */
export const jobInvalidHref = (jobId: string) => `${jobPath(jobId)}/invalid.csv`;

/** GET /api/jobs/:id/impact/:kind.csv: the rows under one impact kind, with the state the check found. */
export const jobImpactHref = (jobId: string, kind: JobImpactKind) => `${jobPath(jobId)}/impact/${kind}.csv`;

/** GET /api/jobs/:id/report: refused and failed lines by reason, and the check's impact. Read again when the state changes. */
export function jobReportQueryOptions(jobId: string, state: JobState) {
  return queryOptions<JobReport>({
    queryKey: bulkKeys.report(jobId, state),
    queryFn: ({ signal }) => apiRequest(`${jobPath(jobId)}/report`, { schema: jobReportSchema, signal }),
  });
}

/** POST /api/jobs/:id/rollback → the new job, already running. */
export function useRollbackJob(jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(`${jobPath(jobId)}/rollback`, { method: 'POST', body: {}, schema: jobRollbackResponseSchema }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: bulkKeys.jobs() }),
  });
}

/** POST /api/jobs/:id/retry-failed → a new checked job of the failed rows, to be started by the person. */
export function useRetryFailedRows(jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(`${jobPath(jobId)}/retry-failed`, { method: 'POST', body: {}, schema: jobRetryResponseSchema }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: bulkKeys.jobs() }),
  });
}
