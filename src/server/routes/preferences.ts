import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { preferenceRoutes as routes } from '../../shared/api/contracts/preferences';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import { requireRole } from '../http/auth';

// Each person's own preferences (the interface language), in staff_preferences (0011_history_search).
export const preferenceRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  registerRoute(app, routes.get, { onRequest: requireRole('viewer') }, async (request) => {
    const row = await deps.store.read.selectFrom('staff_preferences').select('language').where('username', '=', request.staff!.username).executeTakeFirst();
    return { language: row?.language ?? null };
  });

  registerRoute(
    app,
    routes.put,
    { onRequest: requireRole('viewer') },
    async (request) => {
      const { language } = request.body;
      const username = request.staff!.username;
      await deps.store.write((tx) =>
        tx
          .insertInto('staff_preferences')
          .values({ username, language })
          .onConflict((conflict) => conflict.column('username').doUpdateSet({ language }))
          .execute(),
      );
      return { language };
    },
  );
};
