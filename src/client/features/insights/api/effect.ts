import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { insightsRoutes } from '../../../../shared/api/contracts/insights';
import { callRoute } from '../../../lib/call-route';
import { insightsKeys } from './keys';

export function effectsQueryOptions(jobId: string) {
  return queryOptions({
    queryKey: insightsKeys.effects(jobId),
    queryFn: ({ signal }) => callRoute(insightsRoutes.effects, { params: { id: jobId }, signal }),
  });
}

/** POST /api/jobs/:id/effect: reads the job's applied rows again now; the measurement is kept with the job. */
export function useMeasureEffect(jobId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => callRoute(insightsRoutes.measureEffect, { params: { id: jobId }, body: {} }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: insightsKeys.effects(jobId) }),
  });
}
