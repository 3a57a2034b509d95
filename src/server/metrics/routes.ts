// GET /metrics for Prometheus. Without MARKDESK_METRICS_TOKEN there is nothing here (404); with
// it, the scraper must send `Authorization: Bearer {token}`, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http/errors';
import type { Metrics } from './metrics';

/** Compares digests, so neither the length nor any prefix of the token can be timed. */
function sameToken(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function registerMetrics(app: FastifyInstance, setup: { metrics: Metrics; token: string } | null): void {
  if (setup === null) {
    app.get('/metrics', { schema: { hide: true } }, async () => {
      throw new HttpError('NOT_FOUND', 'There is nothing at this address.');
    });
    return;
  }
  const { metrics, token } = setup;
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest({ method: request.method, route: request.routeOptions.url, statusCode: reply.statusCode, seconds: reply.elapsedTime / 1000 });
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!sameToken(given, token)) {
      reply.header('www-authenticate', 'Bearer');
      throw new HttpError('UNAUTHENTICATED', 'The metrics token is missing or wrong.');
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
