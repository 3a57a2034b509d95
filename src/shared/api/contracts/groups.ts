// A Chat user's conversation groups: reads for every role, changes for editors (each audited).
import { z } from 'zod/mini';
import { defineRoute, errorResponses, SIGNED_IN_ERRORS, SIGNED_IN_WRITE_ERRORS } from '../contract';
import { chatUserParamsSchema } from '../chat-users';
import {
  createGroupRequestSchema,
  deleteGroupRequestSchema,
  groupChangeResponseSchema,
  groupChangesQuerySchema,
  groupChangesResponseSchema,
  groupMembersRequestSchema,
  groupMembersResponseSchema,
  groupParamsSchema,
  groupsResponseSchema,
  renameGroupRequestSchema,
} from '../groups';

const WRITE_ERRORS = { ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(404, 409, 429, 502, 503) };

export const groupRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/api/chat-users/:userId/groups',
    summary: "A Chat user's conversation groups",
    params: chatUserParamsSchema,
    responses: { 200: groupsResponseSchema, ...SIGNED_IN_ERRORS, ...errorResponses(404, 429, 502, 503) },
  }),
  changes: defineRoute({
    method: 'GET',
    path: '/api/chat-users/:userId/groups/changes',
    summary: "The audited changes of a Chat user's groups, newest first",
    params: chatUserParamsSchema,
    query: groupChangesQuerySchema,
    responses: { 200: groupChangesResponseSchema, ...SIGNED_IN_ERRORS },
  }),
  create: defineRoute({
    method: 'POST',
    path: '/api/chat-users/:userId/groups',
    summary: 'Create a conversation group',
    params: chatUserParamsSchema,
    body: createGroupRequestSchema,
    responses: { 200: groupChangeResponseSchema, ...WRITE_ERRORS },
  }),
  rename: defineRoute({
    method: 'PATCH',
    path: '/api/chat-users/:userId/groups/:groupId',
    summary: 'Rename a conversation group',
    params: groupParamsSchema,
    body: renameGroupRequestSchema,
    responses: { 200: groupChangeResponseSchema, ...WRITE_ERRORS },
  }),
  /** No body is the usual request. */
  delete: defineRoute({
    method: 'DELETE',
    path: '/api/chat-users/:userId/groups/:groupId',
    summary: 'Delete a conversation group',
    params: groupParamsSchema,
    body: z.nullish(deleteGroupRequestSchema),
    responses: { 200: groupChangeResponseSchema, ...WRITE_ERRORS },
  }),
  members: defineRoute({
    method: 'POST',
    path: '/api/chat-users/:userId/groups/:groupId/conversations',
    summary: 'Add conversations to a group and remove others',
    params: groupParamsSchema,
    body: groupMembersRequestSchema,
    responses: { 200: groupMembersResponseSchema, ...WRITE_ERRORS },
  }),
} as const;
