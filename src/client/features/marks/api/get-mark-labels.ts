import { queryOptions } from '@tanstack/react-query';
import { labelsResponseSchema, type LabelsResponse } from '../../../../shared/api/labels';
import { apiRequest } from '../../../lib/api-client';
import { marksKeys } from './keys';

/** GET /api/mark-labels → names admins gave bits 32–63. */
export function getMarkLabels(signal?: AbortSignal): Promise<LabelsResponse> {
  return apiRequest('/api/mark-labels', { schema: labelsResponseSchema, signal });
}

export function markLabelsQueryOptions() {
  return queryOptions({
    queryKey: marksKeys.labels(),
    queryFn: ({ signal }) => getMarkLabels(signal),
    staleTime: 5 * 60_000,
  });
}
