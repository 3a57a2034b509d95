import { queryOptions } from '@tanstack/react-query';
import type { ChatUserResponse } from '../../../../shared/api/chat-users';
import { chatUserRoutes } from '../../../../shared/api/contracts/chat-users';
import { callRoute } from '../../../lib/call-route';
import { marksKeys } from './keys';

/** GET /api/chat-users/:userId → `{userId, imported}` (Chat's account_check). */
export function getChatUser(userId: string, signal?: AbortSignal): Promise<ChatUserResponse> {
  return callRoute(chatUserRoutes.get, { params: { userId }, signal });
}

export function chatUserQueryOptions(userId: string) {
  return queryOptions({
    queryKey: marksKeys.chatUser(userId),
    queryFn: ({ signal }) => getChatUser(userId, signal),
    staleTime: 5 * 60_000,
  });
}
