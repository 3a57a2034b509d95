// Health and readiness: open to anyone (probes, the top bar before sign-in).
import { defineRoute, errorResponses } from '../contract';
import { healthResponseSchema, readyResponseSchema } from '../health';

export const healthRoutes = {
  health: defineRoute({
    method: 'GET',
    path: '/api/health',
    summary: 'Sandbox or live, which Chat app, and the version running',
    responses: { 200: healthResponseSchema, ...errorResponses(500) },
  }),
  /** 503 is an answer too: not ready, and why. */
  ready: defineRoute({
    method: 'GET',
    path: '/api/ready',
    summary: 'Whether the database and Chat answer (the last background check)',
    responses: { 200: readyResponseSchema, 503: readyResponseSchema },
  }),
} as const;
