import { useMutation, useQueryClient } from '@tanstack/react-query';
import { requestUndoResponseSchema, type RequestUndoResponse, type RevertRequest } from '../../../../shared/api/audit';
import { apiRequest } from '../../../lib/api-client';
import { marksKeys } from '../../../entities/marks/api/keys';
import { historyKeys } from './keys';

/** POST /api/audit/requests/:requestId/revert → what happened to each entry of the request. */
export function undoRequest(requestId: string, request: RevertRequest): Promise<RequestUndoResponse> {
  return apiRequest(`/api/audit/requests/${encodeURIComponent(requestId)}/revert`, { method: 'POST', body: request, schema: requestUndoResponseSchema });
}

export function useUndoRequest(chatUsers: readonly string[]) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ requestId, reason }: { requestId: string; reason: string }) => undoRequest(requestId, reason === '' ? {} : { reason }),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: historyKeys.all }),
        ...chatUsers.map((chatUser) => queryClient.invalidateQueries({ queryKey: marksKeys.conversations(chatUser) })),
      ]),
  });
}
