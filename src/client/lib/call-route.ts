// Calls a route of the API contract (src/shared/api/contract.ts): the path is built from the
// route's parameters, the query from its query schema's fields, and the body must be what the
// route takes, so a wrong body or a missing parameter does not compile. The answer is checked
// against the route's success schema (or a cheaper one of the same type) by `exchange`, which
// keeps the CSRF header, the error envelope, the session-ended redirect and step-up.
import type { z } from 'zod/mini';
import {
  routePath,
  successStatuses,
  type ApiRoute,
  type RouteBodySchema,
  type RouteData,
  type RouteParamsSchema,
  type RouteQuerySchema,
} from '../../shared/api/contract';
import { exchange, type RawBody } from './api-client';

type ParamsOption<Route extends ApiRoute> =
  RouteParamsSchema<Route> extends z.ZodMiniType ? { params: z.input<RouteParamsSchema<Route>> } : { params?: undefined };

type QueryOption<Route extends ApiRoute> =
  RouteQuerySchema<Route> extends z.ZodMiniType
    ? object extends z.input<RouteQuerySchema<Route>>
      ? { query?: z.input<RouteQuerySchema<Route>> }
      : { query: z.input<RouteQuerySchema<Route>> }
    : { query?: undefined };

type BodyOption<Route extends ApiRoute> = Route extends { consumes: readonly string[] }
  ? { body?: undefined; /** The body as it is (the CSV upload), under its own Content-Type. */ rawBody: RawBody }
  : RouteBodySchema<Route> extends z.ZodMiniType
    ? undefined extends z.input<RouteBodySchema<Route>>
      ? { body?: z.input<RouteBodySchema<Route>>; rawBody?: undefined }
      : { body: z.input<RouteBodySchema<Route>>; rawBody?: undefined }
    : { body?: undefined; rawBody?: undefined };

type AnswerSchema<Route extends ApiRoute> = z.ZodMiniType<RouteData<Route>>;

export type CallOptions<Route extends ApiRoute, Schema extends AnswerSchema<Route> = AnswerSchema<Route>> = {
  signal?: AbortSignal | undefined;
  /** Extra request headers, e.g. `If-Match` with the ETag a save is based on. */
  headers?: Readonly<Record<string, string>>;
  /** false for the sign-in calls: a 401 there means "wrong credentials", not "session ended". */
  redirectOnUnauthenticated?: boolean;
  /** false: a 403 STEP_UP_REQUIRED is not answered by re-authenticating and sending again. */
  stepUp?: boolean;
  /** A cheaper check of the same answer (a long list checked by a sample), or one member of a union. */
  schema?: Schema;
} & ParamsOption<Route> &
  QueryOption<Route> &
  BodyOption<Route>;

/** Options may be left out only when the route needs neither parameters, query nor body. */
type OptionsArgument<Route extends ApiRoute, Schema extends AnswerSchema<Route>> =
  object extends CallOptions<Route, Schema> ? [options?: CallOptions<Route, Schema>] : [options: CallOptions<Route, Schema>];

/** The address of a route with its parameters and query, for a request or a plain link (a CSV download). */
export function routeUrl<Route extends ApiRoute>(route: Route, options: { params?: unknown; query?: unknown } = {}): string {
  const path = routePath(route.path, options.params as Record<string, string | number> | undefined);
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries((options.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null) search.set(name, String(value));
  }
  const query = search.toString();
  return query === '' ? path : `${path}?${query}`;
}

/** The route's answer, with the response headers (an `ETag`, for one). */
export async function callRouteWithHeaders<Route extends ApiRoute, Schema extends AnswerSchema<Route> = AnswerSchema<Route>>(
  route: Route,
  ...[options = {} as CallOptions<Route, Schema>]: OptionsArgument<Route, Schema>
): Promise<{ data: z.output<Schema>; headers: Headers }> {
  const { params, query, schema, ...rest } = options;
  // A route whose success has no JSON body (204) is not read.
  const success = successStatuses(route).map((status) => route.responses[status]).find((answer) => answer !== null);
  const answerSchema = schema ?? success ?? undefined;
  const { data, headers } = await exchange(routeUrl(route, { params, query }), {
    ...(rest as Omit<CallOptions<ApiRoute>, 'params' | 'query' | 'schema'>),
    method: route.method,
    ...(answerSchema ? { schema: answerSchema } : {}),
  });
  return { data: data as z.output<Schema>, headers };
}

/** The route's answer, checked against its contract. */
export async function callRoute<Route extends ApiRoute, Schema extends AnswerSchema<Route> = AnswerSchema<Route>>(
  route: Route,
  ...options: OptionsArgument<Route, Schema>
): Promise<z.output<Schema>> {
  return (await callRouteWithHeaders<Route, Schema>(route, ...options)).data;
}
