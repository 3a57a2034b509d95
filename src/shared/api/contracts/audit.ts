// The audit log: reading and exporting it, checking its chain, and Undo (of one entry or a request).
import { z } from 'zod/mini';
import {
  auditAnyListResponseSchema,
  auditIdParamsSchema,
  auditQuerySchema,
  auditStatusSchema,
  auditVerifyProgressSchema,
  auditVerifyQuerySchema,
  auditVerifyResponseSchema,
  requestIdParamsSchema,
  requestUndoResponseSchema,
  revertConflictDetailsSchema,
  revertRequestSchema,
  revertResponseSchema,
} from '../audit';
import { defineRoute, errorBodyWithDetails, errorResponses, NO_BODY, SIGNED_IN_ERRORS, SIGNED_IN_WRITE_ERRORS, UPSTREAM_ERRORS } from '../contract';
import { groupAuditEntrySchema } from '../groups';

/**
 * `error.details` of a 409 from an Undo: the conversation as it is now (it moved on), the entry that
 * undid it already, or the status of an entry that changed nothing. A group change refused by
 * Chat's limits carries none.
 */
export const revertConflictErrorDetailsSchema = z.union([
  revertConflictDetailsSchema,
  z.object({ revertedBy: z.string() }),
  z.object({ status: auditStatusSchema }),
]);

export const auditRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/api/audit',
    summary: 'One page of the audit log (mark entries, or admin activity with kind=admin), newest first',
    query: auditQuerySchema,
    responses: { 200: auditAnyListResponseSchema, ...SIGNED_IN_ERRORS },
  }),
  export: defineRoute({
    method: 'GET',
    path: '/api/audit/export.csv',
    summary: 'Every entry the filters match, as CSV',
    query: auditQuerySchema,
    produces: ['text/csv'],
    responses: { 200: NO_BODY, ...SIGNED_IN_ERRORS },
  }),
  verify: defineRoute({
    method: 'GET',
    path: '/api/audit/verify',
    summary: "Check the audit log's hash chain (and that it still reaches a head logged earlier)",
    query: auditVerifyQuerySchema,
    responses: { 200: auditVerifyResponseSchema, ...SIGNED_IN_ERRORS },
  }),
  verifyProgress: defineRoute({
    method: 'GET',
    path: '/api/audit/verify/progress',
    summary: 'How far the running chain check is',
    responses: { 200: auditVerifyProgressSchema, ...SIGNED_IN_ERRORS },
  }),
  /** No body at all is the usual request. 201 with the new entry (a mark entry or a group entry). */
  revert: defineRoute({
    method: 'POST',
    path: '/api/audit/:id/revert',
    summary: 'Undo one audit entry',
    params: auditIdParamsSchema,
    body: z.nullish(revertRequestSchema),
    responses: {
      201: z.union([revertResponseSchema, groupAuditEntrySchema]),
      ...SIGNED_IN_WRITE_ERRORS,
      ...errorResponses(404),
      409: errorBodyWithDetails(revertConflictErrorDetailsSchema),
      ...UPSTREAM_ERRORS,
    },
  }),
  revertRequest: defineRoute({
    method: 'POST',
    path: '/api/audit/requests/:requestId/revert',
    summary: 'Undo every applied entry of one request (each reported on its own)',
    params: requestIdParamsSchema,
    body: z.nullish(revertRequestSchema),
    responses: { 200: requestUndoResponseSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(404) },
  }),
} as const;
