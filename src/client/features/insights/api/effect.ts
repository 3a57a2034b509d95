import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { jobEffectListResponseSchema, jobEffectSchema } from '../../../../shared/api/insights';
import { apiRequest } from '../../../lib/api-client';
import { insightsKeys } from './keys';

export function effectsQueryOptions(jobId: string) {
  return queryOptions({
    queryKey: insightsKeys.effects(jobId),
    queryFn: ({ signal }) => apiRequest(`/api/jobs/${encodeURIComponent(jobId)}/effect`, { schema: jobEffectListResponseSchema, signal }),
  });
}

/** POST /api/jobs/:id/effect: reads the job's applied rows again now; the measurement is kept with the job. */
export function useMeasureEffect(jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(`/api/jobs/${encodeURIComponent(jobId)}/effect`, { method: 'POST', body: {}, schema: jobEffectSchema }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: insightsKeys.effects(jobId) }),
  });
}
