// A Chat user, their conversations, and saving marks (the one interactive write path).
import { defineRoute, errorResponses, SIGNED_IN_ERRORS, SIGNED_IN_WRITE_ERRORS, UPSTREAM_ERRORS } from '../contract';
import { chatUserParamsSchema, chatUserResponseSchema, conversationsResponseSchema } from '../chat-users';
import { markRequestSchema, markResponseSchema } from '../marks';

export const chatUserRoutes = {
  get: defineRoute({
    method: 'GET',
    path: '/api/chat-users/:userId',
    summary: 'Whether a Chat user is imported',
    params: chatUserParamsSchema,
    responses: { 200: chatUserResponseSchema, ...SIGNED_IN_ERRORS, ...UPSTREAM_ERRORS },
  }),
  conversations: defineRoute({
    method: 'GET',
    path: '/api/chat-users/:userId/conversations',
    summary: "A Chat user's recent, marked and grouped conversations with their marks",
    params: chatUserParamsSchema,
    responses: { 200: conversationsResponseSchema, ...SIGNED_IN_ERRORS, ...errorResponses(404), ...UPSTREAM_ERRORS },
  }),
  saveMarks: defineRoute({
    method: 'POST',
    path: '/api/chat-users/:userId/marks',
    summary: 'Change the marks of up to 1,000 conversations (one result per item)',
    params: chatUserParamsSchema,
    body: markRequestSchema,
    responses: { 200: markResponseSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(404), ...UPSTREAM_ERRORS },
  }),
} as const;
