// GET and PUT /api/mark-labels: each answer carries the version's ETag; a save names it in If-Match.
import { defineRoute, errorResponses, SIGNED_IN_ERRORS, SIGNED_IN_WRITE_ERRORS } from '../contract';
import { labelsResponseSchema, putLabelsRequestSchema } from '../labels';

export const labelRoutes = {
  get: defineRoute({
    method: 'GET',
    path: '/api/mark-labels',
    summary: 'The names of the custom bits 32–63, with the ETag of their version',
    responses: { 200: labelsResponseSchema, ...SIGNED_IN_ERRORS },
  }),
  put: defineRoute({
    method: 'PUT',
    path: '/api/mark-labels',
    summary: 'Replace the names of the custom bits (If-Match: the ETag the edits are based on)',
    body: putLabelsRequestSchema,
    // 412 carries LabelsConflictDetails as stored, so it is not checked against today's label rules.
    responses: { 200: labelsResponseSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(412, 428) },
  }),
} as const;
