import { useMutation, useQueryClient } from '@tanstack/react-query';
import { labelsResponseSchema, type LabelsResponse, type PutLabelsRequest } from '../../../../shared/api/labels';
import { apiRequest } from '../../../lib/api-client';
import { marksKeys } from '../../marks/api/keys';

/** PUT /api/mark-labels: replaces the names of bits 32–63 (a bit left out loses its name). */
export function putMarkLabels(request: PutLabelsRequest): Promise<LabelsResponse> {
  return apiRequest('/api/mark-labels', { method: 'PUT', body: request, schema: labelsResponseSchema });
}

export function useSaveMarkLabels() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: putMarkLabels,
    onSuccess: async (saved) => {
      // The editor's checkbox names, chips and History read these labels: show the new ones everywhere.
      queryClient.setQueryData(marksKeys.labels(), saved);
      await queryClient.invalidateQueries({ queryKey: marksKeys.labels() });
    },
  });
}
