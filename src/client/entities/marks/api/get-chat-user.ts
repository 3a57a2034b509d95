import { queryOptions } from '@tanstack/react-query';
import { chatUserResponseSchema, type ChatUserResponse } from '../../../../shared/api/chat-users';
import { apiRequest } from '../../../lib/api-client';
import { marksKeys } from './keys';

/** GET /api/chat-users/:userId → `{userId, imported}` (Chat's account_check). */
export function getChatUser(userId: string, signal?: AbortSignal): Promise<ChatUserResponse> {
  return apiRequest(`/api/chat-users/${encodeURIComponent(userId)}`, { schema: chatUserResponseSchema, signal });
}

export function chatUserQueryOptions(userId: string) {
  return queryOptions({
    queryKey: marksKeys.chatUser(userId),
    queryFn: ({ signal }) => getChatUser(userId, signal),
    staleTime: 5 * 60_000,
  });
}
