// Every route of the API in one table (src/shared/api/contract.ts). The BFF registers exactly
// these, the OpenAPI document is made of them, and docs.test.ts checks that no /api route is
// registered outside it. The SPA imports each feature's routes from contracts/ directly, so a
// page's chunk carries only the schemas it uses.
import { z } from 'zod/mini';
import { defineRoute, errorResponses, type ApiRoute } from './contract';
import { auditRoutes } from './contracts/audit';
import { chatUserRoutes } from './contracts/chat-users';
import { groupRoutes } from './contracts/groups';
import { healthRoutes } from './contracts/health';
import { insightsRoutes } from './contracts/insights';
import { jobRoutes } from './contracts/jobs';
import { labelRoutes } from './contracts/labels';
import { preferenceRoutes } from './contracts/preferences';
import { sessionRoutes } from './contracts/session';
import { staffRoutes } from './contracts/staff';

/** GET /api/docs: the OpenAPI document (left out of itself). */
export const docsRoute = defineRoute({
  method: 'GET',
  path: '/api/docs',
  summary: 'This API as an OpenAPI 3 document',
  hide: true,
  responses: { 200: z.looseObject({ openapi: z.string() }), ...errorResponses(401, 403, 500) },
});

export const apiRoutes = {
  health: healthRoutes,
  session: sessionRoutes,
  preferences: preferenceRoutes,
  chatUsers: chatUserRoutes,
  groups: groupRoutes,
  audit: auditRoutes,
  labels: labelRoutes,
  staff: staffRoutes,
  jobs: jobRoutes,
  insights: insightsRoutes,
  docs: { docs: docsRoute },
} as const;

/** The table as a list, in the order above. */
export function allApiRoutes(): ApiRoute[] {
  return Object.values(apiRoutes).flatMap((group) => Object.values(group) as ApiRoute[]);
}
