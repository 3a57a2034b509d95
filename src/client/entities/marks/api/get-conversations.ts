import { queryOptions } from '@tanstack/react-query';
import { conversationsResponseSampledSchema, type ConversationsResponse } from '../../../../shared/api/chat-users';
import { chatUserRoutes } from '../../../../shared/api/contracts/chat-users';
import { callRoute } from '../../../lib/call-route';
import { FRESH_POLL_MS, REFETCH_ON_RETURN } from '../../../lib/fresh-data';
import { marksKeys } from './keys';

/**
 * GET /api/chat-users/:userId/conversations: recent list ∪ every marked or grouped conversation.
 * Checked cheaply (envelope, every row's shape, a sample in full): a list may hold thousands.
 */
export function getConversations(userId: string, signal?: AbortSignal): Promise<ConversationsResponse> {
  return callRoute(chatUserRoutes.conversations, { params: { userId }, schema: conversationsResponseSampledSchema, signal });
}

export function conversationsQueryOptions(userId: string) {
  return queryOptions({
    queryKey: marksKeys.conversations(userId),
    queryFn: ({ signal }) => getConversations(userId, signal),
    // Another person's change shows within seconds (lib/fresh-data.ts).
    refetchInterval: FRESH_POLL_MS,
    refetchOnWindowFocus: REFETCH_ON_RETURN,
  });
}
