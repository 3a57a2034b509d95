import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { jobRoutes } from '../../../../shared/api/contracts/jobs';
import type { JobImpactKind, JobReport, JobState } from '../../../../shared/api/jobs';
import { callRoute, routeUrl } from '../../../lib/call-route';
import { bulkKeys } from '../../../entities/jobs/api/keys';

/** GET /api/jobs/:id/invalid.csv: the refused lines as uploaded, with their line numbers and reasons. A plain link. */
export const jobInvalidHref = (jobId: string) => routeUrl(jobRoutes.invalid, { params: { id: jobId } });

/** GET /api/jobs/:id/impact/:kind.csv: the rows under one impact kind, with the state the check found. */
export const jobImpactHref = (jobId: string, kind: JobImpactKind) => routeUrl(jobRoutes.impact, { params: { id: jobId, kind } });

/** GET /api/jobs/:id/report: refused and failed lines by reason, and the check's impact. Read again when the state changes. */
export function jobReportQueryOptions(jobId: string, state: JobState) {
  return queryOptions<JobReport>({
    queryKey: bulkKeys.report(jobId, state),
    queryFn: ({ signal }) => callRoute(jobRoutes.report, { params: { id: jobId }, signal }),
  });
}

/** POST /api/jobs/:id/rollback → the new job, already running. */
export function useRollbackJob(jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callRoute(jobRoutes.rollback, { params: { id: jobId }, body: {} }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: bulkKeys.jobs() }),
  });
}

/** POST /api/jobs/:id/retry-failed → a new checked job of the failed rows, to be started by the person. */
export function useRetryFailedRows(jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callRoute(jobRoutes.retryFailed, { params: { id: jobId }, body: {} }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: bulkKeys.jobs() }),
  });
}
