import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type AppOptions = {
  /** Folder of the built SPA (dist/client); served at / when present. */
  spaDir?: string;
  mode: 'sandbox' | 'live';
  version: string;
};

/** Builds the Fastify instance; tests use `inject`, main.ts listens. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });

  app.get('/api/health', async () => ({ status: 'ok', mode: options.mode, version: options.version }));

  if (options.spaDir && existsSync(join(options.spaDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: options.spaDir, wildcard: false });
    // Client-side routes: any non-API GET falls back to the SPA's index.html.
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && !request.url.startsWith('/api/')) return reply.sendFile('index.html');
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'There is nothing at this address.' } });
    });
  }
  return app;
}
