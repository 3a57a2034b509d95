// GET /api/docs: the OpenAPI document of every route, generated from the zod contract. The
// generator (@fastify/swagger and what it pulls in) is loaded only when someone asks for the
// document, not at every start: the app only remembers each route's method, URL and schema, and
// the first request replays them into a throwaway Fastify instance that has the generator.
import type { FastifyInstance, FastifySchema, HTTPMethods } from 'fastify';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { requireRole } from './auth';

type RouteShape = { method: HTTPMethods | HTTPMethods[]; url: string; schema?: FastifySchema };

export function registerDocs(app: FastifyInstance, info: { version: string }): void {
  const routes: RouteShape[] = [];
  app.addHook('onRoute', (route) => {
    // HEAD twins of GET routes are added again by the replay instance itself.
    if (route.method === 'HEAD') return;
    routes.push({ method: route.method, url: route.url, ...(route.schema ? { schema: route.schema } : {}) });
  });

  let document: Promise<unknown> | null = null;
  async function generate(): Promise<unknown> {
    const { default: swagger } = await import('@fastify/swagger');
    const replay = Fastify({ logger: false });
    try {
      replay.setValidatorCompiler(validatorCompiler);
      replay.setSerializerCompiler(serializerCompiler);
      await replay.register(swagger, {
        openapi: { info: { title: 'Markdesk API', version: info.version, description: 'The backend-for-frontend of Markdesk.' } },
        transform: jsonSchemaTransform,
      });
      const noop = async () => null;
      await replay.register(async (scope) => {
        for (const route of routes) scope.route({ method: route.method, url: route.url, ...(route.schema ? { schema: route.schema } : {}), handler: noop });
      });
      await replay.ready();
      return replay.swagger();
    } finally {
      await replay.close();
    }
  }

  // Staff only: the document maps every route, parameter and error of the API and names the
  // version running — a head start for someone probing from outside, and of no use to anyone
  // who cannot sign in. A signed-in browser opens it as it is (the session cookie goes along).
  app.get('/api/docs', { onRequest: requireRole('viewer'), schema: { hide: true } }, async () => {
    // Routes never change after start: one generation serves every later request.
    document ??= generate().catch((error: unknown) => {
      document = null;
      throw error;
    });
    return document;
  });
}
