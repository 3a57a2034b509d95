// Registers a route of the API contract (src/shared/api/contract.ts): method, path and schemas
// come from the table, so what Fastify validates, what the handler may read and answer, and what
// the OpenAPI document says are one thing. Validation and serialisation stay Fastify's (the zod
// compilers set in app.ts): one pass each, as before.
import type {
  ContextConfigDefault,
  FastifyBaseLogger,
  FastifyInstance,
  FastifySchema,
  onRequestAsyncHookHandler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { ApiRoute, RouteBodySchema, RouteParamsSchema, RouteQuerySchema } from '../../shared/api/contract';

export type ZodApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** The Fastify schema of a contract route. */
export type SchemaOf<Route extends ApiRoute> = {
  params: RouteParamsSchema<Route>;
  querystring: RouteQuerySchema<Route>;
  body: RouteBodySchema<Route>;
  /**
   * A status without a JSON body sends nothing (204, a redirect) or a stream (a CSV download). The
   * contract's schemas are zod/mini ones, hence the core type (both kinds of zod schema are one).
   */
  response: { [Status in keyof Route['responses']]: Route['responses'][Status] extends z.core.$ZodType ? Route['responses'][Status] : z.ZodType<Readable | undefined> };
};

export type ContractHandler<Route extends ApiRoute> = RouteHandlerMethod<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RouteGenericInterface,
  ContextConfigDefault,
  SchemaOf<Route>,
  ZodTypeProvider,
  FastifyBaseLogger
>;

/** What a route adds to its contract: who may call it, and a larger body limit where one is needed. */
export type RouteOptions = {
  onRequest?: onRequestAsyncHookHandler | onRequestAsyncHookHandler[];
  bodyLimit?: number;
};

/**
 * The Fastify schema of a contract route. For the app, a status without a JSON body has no schema
 * (nothing to serialise); for the OpenAPI document it is described as a CSV text or no content.
 */
export function fastifySchemaOf(route: ApiRoute, purpose: 'app' | 'document' = 'app'): FastifySchema & Record<string, unknown> {
  const response: Record<number, unknown> = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    if (schema !== null) response[Number(status)] = schema;
    else if (purpose === 'document') response[Number(status)] = route.produces ? z.string() : z.null();
  }
  return {
    ...(route.summary ? { summary: route.summary } : {}),
    ...(route.params ? { params: route.params } : {}),
    ...(route.query ? { querystring: route.query } : {}),
    ...(route.body ? { body: route.body } : {}),
    ...(route.consumes ? { consumes: [...route.consumes] } : {}),
    ...(route.produces ? { produces: [...route.produces] } : {}),
    ...(route.hide ? { hide: true } : {}),
    ...(Object.keys(response).length > 0 ? { response } : {}),
  };
}

export function registerRoute<const Route extends ApiRoute>(app: ZodApp, route: Route, options: RouteOptions, handler: ContractHandler<Route>): void {
  app.route({
    method: route.method,
    url: route.path,
    ...options,
    schema: fastifySchemaOf(route),
    handler: handler as RouteHandlerMethod,
  });
}
