import { useMutation, useQueryClient } from '@tanstack/react-query';
import { jobRoutes } from '../../../../shared/api/contracts/jobs';
import type { JobStatus } from '../../../../shared/api/jobs';
import { callRoute } from '../../../lib/call-route';
import type { JobAction } from '../../../entities/jobs/model/job-state';
import { bulkKeys } from '../../../entities/jobs/api/keys';

/**
 * POST /api/jobs/:id/start · /pause · /resume · /cancel (an empty JSON object) → the job's status.
 * One endpoint per action on the server, one shape: 409 CONFLICT when the job's state does not allow it.
 */
export function controlJob(jobId: string, action: JobAction): Promise<JobStatus> {
  return callRoute(jobRoutes[action], { params: { id: jobId }, body: {} });
}

export function useControlJob(jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: JobAction) => controlJob(jobId, action),
    onSuccess: (status) => queryClient.setQueryData(bulkKeys.job(jobId), status),
    // A refused action means the job moved on (someone else paused it, it finished): show what it is now.
    onSettled: () =>
      Promise.all([queryClient.invalidateQueries({ queryKey: bulkKeys.job(jobId) }), queryClient.invalidateQueries({ queryKey: bulkKeys.jobs() })]),
  });
}
