import { useMutation, useQueryClient } from '@tanstack/react-query';
import { chatUserRoutes } from '../../../../shared/api/contracts/chat-users';
import { MARK_REQUEST_MAX_ITEMS, type MarkRequest, type MarkResult } from '../../../../shared/api/marks';
import { callRoute } from '../../../lib/call-route';
import { marksKeys } from '../../../entities/marks/api/keys';

/** A save sent in turns that stopped at one: the results of the turns that got through, and why it stopped. */
export class PartialSaveError extends Error {
  constructor(
    /** One per item of the turns before, in request order: the first `results.length` items. */
    readonly results: MarkResult[],
    override readonly cause: unknown,
  ) {
    super(`The save stopped after ${results.length} items.`);
  }
}

/**
 * POST /api/chat-users/:userId/marks: one result per item, in request order (also when some failed).
 * A selection may exceed what one request takes ("select all" on a long list): it is sent in turns,
 * and a turn that does not get through after others did throws PartialSaveError with their results.
 */
export async function saveMarks(userId: string, request: MarkRequest): Promise<MarkResult[]> {
  const results: MarkResult[] = [];
  for (let start = 0; start < request.items.length; start += MARK_REQUEST_MAX_ITEMS) {
    const chunk: MarkRequest = { ...request, items: request.items.slice(start, start + MARK_REQUEST_MAX_ITEMS) };
    try {
      const response = await callRoute(chatUserRoutes.saveMarks, { params: { userId }, body: chunk });
      results.push(...response.results);
    } catch (error) {
      throw results.length === 0 ? error : new PartialSaveError(results, error);
    }
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
