import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RequestUndoResponse, RevertRequest } from '../../../../shared/api/audit';
import { auditRoutes } from '../../../../shared/api/contracts/audit';
import { callRoute } from '../../../lib/call-route';
import { marksKeys } from '../../../entities/marks/api/keys';
import { historyKeys } from './keys';

/** POST /api/audit/requests/:requestId/revert → what happened to each entry of the request. */
export function undoRequest(requestId: string, request: RevertRequest): Promise<RequestUndoResponse> {
  return callRoute(auditRoutes.revertRequest, { params: { requestId }, body: request });
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
