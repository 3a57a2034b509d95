import { queryOptions, skipToken, useMutation, useQueryClient } from '@tanstack/react-query';
import { jobRoutes } from '../../../../shared/api/contracts/jobs';
import type { JobCheckedResponse } from '../../../../shared/api/jobs';
import { callRoute } from '../../../lib/call-route';
import { bulkKeys } from '../../../entities/jobs/api/keys';

/**
 * POST /api/jobs with the file as the body (text/csv, the one upload that is not JSON): the BFF
 * checks every row and keeps the job as `checked`; nothing is written to Chat yet.
 */
export function uploadJobCsv(file: Blob, signal?: AbortSignal): Promise<JobCheckedResponse> {
  return callRoute(jobRoutes.upload, { rawBody: { content: file, contentType: 'text/csv' }, signal });
}

export function useUploadJob() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: Blob) => uploadJobCsv(file),
    onSuccess: (checked) => {
      // Only this answer lists the refused lines and the preview: keep it for as long as the page lives.
      queryClient.setQueryData(bulkKeys.check(checked.jobId), checked);
      return queryClient.invalidateQueries({ queryKey: bulkKeys.jobs() });
    },
  });
}

/** The upload's answer, read from the cache (it cannot be fetched again): undefined for a job checked elsewhere. */
export function jobCheckQueryOptions(jobId: string) {
  return queryOptions<JobCheckedResponse>({ queryKey: bulkKeys.check(jobId), queryFn: skipToken, staleTime: Infinity, gcTime: Infinity });
}
