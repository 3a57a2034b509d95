import { useMutation, useQueryClient } from '@tanstack/react-query';
import { chatUserRoutes } from '../../../../shared/api/contracts/chat-users';
import { MARK_REQUEST_MAX_ITEMS, type MarkRequest, type MarkResult } from '../../../../shared/api/marks';
import { callRoute } from '../../../lib/call-route';
import { marksKeys } from '../../../entities/marks/api/keys';

/** POST /api/chat-users/:userId/marks: one result per item, in request order (also when some failed). */
export async function saveMarks(userId: string, request: MarkRequest): Promise<MarkResult[]> {
  // A selection may exceed what one request takes ("select all" on a long list): send it in turns.
  const results: MarkResult[] = [];
  for (let start = 0; start < request.items.length; start += MARK_REQUEST_MAX_ITEMS) {
    const chunk: MarkRequest = { ...request, items: request.items.slice(start, start + MARK_REQUEST_MAX_ITEMS) };
    const response = await callRoute(chatUserRoutes.saveMarks, { params: { userId }, body: chunk });
    results.push(...response.results);
  }
  return results;
}

export function useSaveMarks(userId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: MarkRequest) => saveMarks(userId, request),
    // Even a partly failed save may have written some items: always reload the list.
    onSettled: () => queryClient.invalidateQueries({ queryKey: marksKeys.conversations(userId) }),
  });
}
