// Staff accounts and everyone's sessions: admins only, changes after a recent authentication.
import { defineRoute, errorResponses, NO_BODY, SIGNED_IN_ERRORS, SIGNED_IN_WRITE_ERRORS } from '../contract';
import { activeSessionListResponseSchema, sessionHandleParamsSchema } from '../session';
import { createStaffRequestSchema, patchStaffRequestSchema, staffListResponseSchema, staffMemberSchema, staffParamsSchema } from '../staff';

export const staffRoutes = {
  list: defineRoute({ method: 'GET', path: '/api/staff', summary: 'Every staff account', responses: { 200: staffListResponseSchema, ...SIGNED_IN_ERRORS } }),
  create: defineRoute({
    method: 'POST',
    path: '/api/staff',
    summary: 'Create a staff account',
    body: createStaffRequestSchema,
    responses: { 201: staffMemberSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(409) },
  }),
  patch: defineRoute({
    method: 'PATCH',
    path: '/api/staff/:name',
    summary: "Change an account's role, disabled state or password (ends its sessions)",
    params: staffParamsSchema,
    body: patchStaffRequestSchema,
    responses: { 200: staffMemberSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(404, 409) },
  }),
  sessions: defineRoute({
    method: 'GET',
    path: '/api/sessions',
    summary: 'Every active session',
    responses: { 200: activeSessionListResponseSchema, ...SIGNED_IN_ERRORS },
  }),
  revokeSession: defineRoute({
    method: 'DELETE',
    path: '/api/sessions/:handle',
    summary: 'End a session',
    params: sessionHandleParamsSchema,
    responses: { 204: NO_BODY, ...SIGNED_IN_ERRORS, ...errorResponses(404) },
  }),
} as const;
