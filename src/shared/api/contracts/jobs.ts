// Bulk jobs: upload a CSV (the one body that is not JSON), control a job, watch it, and what
// follows a finished job (refused lines, impact lists, report, rollback, retry).
import { defineRoute, emptyBodySchema, errorResponses, NO_BODY, SIGNED_IN_ERRORS, SIGNED_IN_WRITE_ERRORS } from '../contract';
import {
  jobCheckedResponseSchema,
  jobIdParamsSchema,
  jobImpactParamsSchema,
  jobListQuerySchema,
  jobListResponseSchema,
  jobReportSchema,
  jobRetryResponseSchema,
  jobRollbackResponseSchema,
  jobStatusSchema,
} from '../jobs';

export const JOB_ACTIONS = ['start', 'pause', 'resume', 'cancel'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

function controlRoute<const Action extends JobAction>(action: Action) {
  return defineRoute({
    method: 'POST',
    path: `/api/jobs/:id/${action}`,
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} a job (409 when its state does not allow it)`,
    params: jobIdParamsSchema,
    body: emptyBodySchema,
    responses: { 200: jobStatusSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(404, 409) },
  });
}

export const jobRoutes = {
  upload: defineRoute({
    method: 'POST',
    path: '/api/jobs',
    summary: 'Upload a CSV file: every line is checked and the job kept as checked',
    consumes: ['text/csv'],
    responses: { 201: jobCheckedResponseSchema, ...SIGNED_IN_WRITE_ERRORS },
  }),
  list: defineRoute({
    method: 'GET',
    path: '/api/jobs',
    summary: 'Recent jobs, newest first',
    query: jobListQuerySchema,
    responses: { 200: jobListResponseSchema, ...SIGNED_IN_ERRORS },
  }),
  get: defineRoute({
    method: 'GET',
    path: '/api/jobs/:id',
    summary: "A job's state, counts, call rate and ETA",
    params: jobIdParamsSchema,
    responses: { 200: jobStatusSchema, ...SIGNED_IN_ERRORS, ...errorResponses(404) },
  }),
  results: defineRoute({
    method: 'GET',
    path: '/api/jobs/:id/results.csv',
    summary: 'The lines of a job with their outcome, as CSV',
    params: jobIdParamsSchema,
    produces: ['text/csv'],
    responses: { 200: NO_BODY, ...SIGNED_IN_ERRORS, ...errorResponses(404) },
  }),
  start: controlRoute('start'),
  pause: controlRoute('pause'),
  resume: controlRoute('resume'),
  cancel: controlRoute('cancel'),
  invalid: defineRoute({
    method: 'GET',
    path: '/api/jobs/:id/invalid.csv',
    summary: 'The refused lines as uploaded, with their line numbers and reasons, as CSV',
    params: jobIdParamsSchema,
    produces: ['text/csv'],
    responses: { 200: NO_BODY, ...SIGNED_IN_ERRORS, ...errorResponses(404) },
  }),
  impact: defineRoute({
    method: 'GET',
    path: '/api/jobs/:id/impact/:kind.csv',
    summary: 'The lines under one impact kind, with the state the check found, as CSV',
    params: jobImpactParamsSchema,
    produces: ['text/csv'],
    responses: { 200: NO_BODY, ...SIGNED_IN_ERRORS, ...errorResponses(404) },
  }),
  report: defineRoute({
    method: 'GET',
    path: '/api/jobs/:id/report',
    summary: "Refused and failed lines by reason, and the check's impact",
    params: jobIdParamsSchema,
    responses: { 200: jobReportSchema, ...SIGNED_IN_ERRORS, ...errorResponses(404) },
  }),
  rollback: defineRoute({
    method: 'POST',
    path: '/api/jobs/:id/rollback',
    summary: 'Roll a finished job back (a new job, started at once)',
    params: jobIdParamsSchema,
    body: emptyBodySchema,
    responses: { 201: jobRollbackResponseSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(404, 409) },
  }),
  retryFailed: defineRoute({
    method: 'POST',
    path: '/api/jobs/:id/retry-failed',
    summary: 'A new checked job of the failed lines of a finished job',
    params: jobIdParamsSchema,
    body: emptyBodySchema,
    responses: { 201: jobRetryResponseSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(404, 409) },
  }),
} as const;
