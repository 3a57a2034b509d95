// registerRoute: a contract route is registered with its schemas, and an error status whose
// details the contract declares is checked against them on the way out.
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute, errorBodyWithDetails, errorResponses } from '../../shared/api/contract';
import { registerRoute, type ZodApp } from './contract';
import { errorHandler, HttpError } from './errors';

const route = defineRoute({
  method: 'POST',
  path: '/api/things/:id',
  summary: 'A thing',
  params: z.strictObject({ id: z.string().min(2) }),
  body: z.strictObject({ name: z.string() }),
  responses: { 200: z.object({ id: z.string(), name: z.string() }), ...errorResponses(400, 500), 409: errorBodyWithDetails(z.object({ revertedBy: z.string() })) },
});

let app: ZodApp | undefined;
afterEach(() => app?.close());

async function start(details: Record<string, unknown>) {
  const fastify = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  fastify.setErrorHandler(errorHandler);
  registerRoute(fastify, route, {}, async (request) => {
    if (request.body.name === 'taken') throw new HttpError('CONFLICT', 'Already done.', { details });
    return { id: request.params.id, name: request.body.name };
  });
  app = fastify;
  await fastify.ready();
  return fastify;
}

describe('registerRoute', () => {
  it('validates the params and body the contract declares and answers with its 200 schema', async () => {
    const fastify = await start({ revertedBy: 'e1' });
    const ok = await fastify.inject({ method: 'POST', url: '/api/things/ab', payload: { name: 'x' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ id: 'ab', name: 'x' });
    const badParams = await fastify.inject({ method: 'POST', url: '/api/things/a', payload: { name: 'x' } });
    expect(badParams.statusCode).toBe(400);
    expect(Object.keys(badParams.json().error.details as object)).toEqual(['params.id']);
    const badBody = await fastify.inject({ method: 'POST', url: '/api/things/ab', payload: { name: 'x', extra: 1 } });
    expect(badBody.statusCode).toBe(400);
    expect(Object.keys(badBody.json().error.details as object)).toEqual(['body.extra']);
  });

  it('sends a 409 whose details match the declared schema', async () => {
    const fastify = await start({ revertedBy: 'e1' });
    const response = await fastify.inject({ method: 'POST', url: '/api/things/ab', payload: { name: 'taken' } });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ code: 'CONFLICT', details: { revertedBy: 'e1' } });
  });

  it('does not send a 409 whose details break the declared schema', async () => {
    const fastify = await start({ revertedBy: 42 });
    const response = await fastify.inject({ method: 'POST', url: '/api/things/ab', payload: { name: 'taken' } });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('42');
  });
});
