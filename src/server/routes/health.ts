import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthRoutes as routes } from '../../shared/api/contracts/health';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import type { Readiness } from '../readiness';

export const healthRoutes: FastifyPluginAsyncZod<AppDeps & { readiness: Readiness }> = async (app, deps) => {
  registerRoute(app, routes.health, {}, async () => ({
    status: 'ok' as const,
    mode: deps.mode,
    version: deps.version,
    chat: { sdkAppId: deps.mode === 'live' ? deps.chatApp.sdkAppId : null, region: deps.chatApp.region },
  }));

  // The answer of the last background check (readiness.ts): probes and the SPA's banner poll
  // cost neither a database query nor an upstream call.
  registerRoute(app, routes.ready, {}, async (_request, reply) => {
    const answer = await deps.readiness.current();
    return reply.code(answer.ready ? 200 : 503).send(answer);
  });
};
