import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthResponseSchema, readyResponseSchema } from '../../shared/api/health';
import type { AppDeps } from '../deps';

/** How long a readiness answer is reused, so probes cannot spend the upstream rate budget. */
const READY_CACHE_MS = 5_000;

export const healthRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get('/api/health', { schema: { response: { 200: healthResponseSchema } } }, async () => ({
    status: 'ok' as const,
    mode: deps.mode,
    version: deps.version,
    chat: { sdkAppId: deps.mode === 'live' ? deps.chatApp.sdkAppId : null, region: deps.chatApp.region },
  }));

  let cached: { at: number; database: boolean; upstream: boolean } | null = null;
  const check = async () => {
    const now = deps.clock.now().getTime();
    if (cached && now - cached.at < READY_CACHE_MS) return cached;
    let database = false;
    try {
      database = deps.store.sqlite.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      database = false;
    }
    let upstream = false;
    try {
      // A cheap authenticated call: proves the address, the SDKAppID, the admin and the key.
      await deps.chat.call('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'markdesk-readiness-probe' }] });
      upstream = true;
    } catch {
      upstream = false;
    }
    cached = { at: now, database, upstream };
    return cached;
  };

  app.get('/api/ready', { schema: { response: { 200: readyResponseSchema, 503: readyResponseSchema } } }, async (_request, reply) => {
    const { database, upstream } = await check();
    const ready = database && upstream;
    return reply.code(ready ? 200 : 503).send({ ready, checks: { database, upstream } });
  });
};
