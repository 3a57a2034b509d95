// GET /api/docs: the OpenAPI document of every route, generated from the contract table
// (src/shared/api/routes.ts), the same table the routes are registered from. The generator
// (@fastify/swagger and what it pulls in) is loaded only when someone asks for the document, not
// at every start: the first request replays the table into a throwaway Fastify instance that has it.
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { allApiRoutes, docsRoute } from '../../shared/api/routes';
import { requireRole } from './auth';
import { fastifySchemaOf, registerRoute } from './contract';

type OpenApiDocument = { openapi: string };

async function generate(info: { version: string }): Promise<OpenApiDocument> {
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
      for (const route of allApiRoutes()) scope.route({ method: route.method, url: route.path, schema: fastifySchemaOf(route, 'document'), handler: noop });
    });
    await replay.ready();
    return replay.swagger() as OpenApiDocument;
  } finally {
    await replay.close();
  }
}

export function registerDocs(app: FastifyInstance, info: { version: string }): void {
  let document: Promise<OpenApiDocument> | null = null;

  // Staff only: the document maps every route, parameter and error of the API and names the
  // version running — a head start for someone probing from outside, and of no use to anyone
  // who cannot sign in. A signed-in browser opens it as it is (the session cookie goes along).
  registerRoute(app.withTypeProvider<ZodTypeProvider>(), docsRoute, { onRequest: requireRole('viewer') }, async () => {
    // The table never changes after start: one generation serves every later request.
    document ??= generate(info).catch((error: unknown) => {
      document = null;
      throw error;
    });
    return document;
  });
}
