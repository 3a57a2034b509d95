import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { preferenceRoutes as routes } from '../../shared/api/contracts/preferences';
import type { UiLanguage } from '../../shared/api/preferences';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import { requireRole } from '../http/auth';
import { exclusive } from '../store/database';

// Each person's own preferences (the interface language), in staff_preferences (0011_history_search).
export const preferenceRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  registerRoute(app, routes.get, { onRequest: requireRole('viewer') }, async (request) => {
    const row = await exclusive(deps.store, (sqlite) =>
      sqlite.prepare<[string], { language: UiLanguage | null }>('SELECT language FROM staff_preferences WHERE username = ?').get(request.staff!.username),
    );
    return { language: row?.language ?? null };
  });

  registerRoute(
    app,
    routes.put,
    { onRequest: requireRole('viewer') },
    async (request) => {
      const { language } = request.body;
      await exclusive(deps.store, (sqlite) =>
        sqlite
          .prepare('INSERT INTO staff_preferences (username, language) VALUES (?, ?) ON CONFLICT (username) DO UPDATE SET language = excluded.language')
          .run(request.staff!.username, language),
      );
      return { language };
    },
  );
};
