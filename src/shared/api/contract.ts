// One route of the API as data: method, path, the schemas of what goes in and of every answer it
// may give. The BFF registers its routes from these (src/server/http/contract.ts), the SPA calls
// them (src/client/lib/call-route.ts) and the OpenAPI document is made from them, so the three
// cannot drift apart. Each feature's routes sit beside its schemas; routes.ts gathers them.
import { z } from 'zod/mini';
import { apiErrorSchema, errorBodySchema } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** An answer with no JSON body: 204, a redirect, a CSV download. */
export const NO_BODY = null;

export type ApiRoute = {
  readonly method: HttpMethod;
  /** Fastify's style: `/api/staff/:name`. */
  readonly path: `/api/${string}`;
  /** One line for the OpenAPI document. */
  readonly summary: string;
  readonly params?: z.ZodMiniType;
  readonly query?: z.ZodMiniType;
  /** The JSON body; absent for a route that takes none or whose body is not JSON (see consumes). */
  readonly body?: z.ZodMiniType;
  /** Content types of a body that is not JSON (the bulk-job CSV upload). */
  readonly consumes?: readonly string[];
  /** Content types of an answer that is not JSON (CSV downloads). */
  readonly produces?: readonly string[];
  /** Every status the route answers with, and its body; error statuses carry the error envelope. */
  readonly responses: { readonly [status: number]: z.ZodMiniType | null };
  /** Left out of the OpenAPI document (the document itself). */
  readonly hide?: boolean;
};

/** Checks the shape and keeps the literal types (the path, the status codes) for the callers. */
export function defineRoute<const Route extends ApiRoute>(route: Route): Route {
  return route;
}

/** `{ 401: errorBodySchema, 403: errorBodySchema, … }` for the error statuses a route may answer with. */
export function errorResponses<const Statuses extends readonly number[]>(...statuses: Statuses): { readonly [S in Statuses[number]]: typeof errorBodySchema } {
  return Object.fromEntries(statuses.map((status) => [status, errorBodySchema])) as { readonly [S in Statuses[number]]: typeof errorBodySchema };
}

/** The error envelope of a status whose `details` have a declared shape (the revert 409). */
export function errorBodyWithDetails<Details extends z.ZodMiniType>(details: Details) {
  return z.object({ error: z.extend(apiErrorSchema, { details: z.optional(details) }) });
}

/** What every route signed-in staff call may answer besides its own statuses. */
export const SIGNED_IN_ERRORS = errorResponses(400, 401, 403, 500);
/** The same for a write: a body too large or not JSON, too. */
export const SIGNED_IN_WRITE_ERRORS = errorResponses(400, 401, 403, 413, 415, 500);
/** What a route that calls Chat may also answer: Chat busy or rate-limited, unreachable, or not ready. */
export const UPSTREAM_ERRORS = errorResponses(429, 502, 503);

type SuccessStatus = 200 | 201 | 202 | 204 | 302;
type SuccessKeys<Route extends ApiRoute> = Extract<keyof Route['responses'], SuccessStatus>;
type OutputOf<Schema> = Schema extends z.ZodMiniType ? z.output<Schema> : void;

/** The data of a route's success answer (void when it has no JSON body). */
export type RouteData<Route extends ApiRoute> = OutputOf<Route['responses'][SuccessKeys<Route>]>;
export type RouteParamsSchema<Route extends ApiRoute> = Route extends { params: infer Schema extends z.ZodMiniType } ? Schema : undefined;
export type RouteQuerySchema<Route extends ApiRoute> = Route extends { query: infer Schema extends z.ZodMiniType } ? Schema : undefined;
export type RouteBodySchema<Route extends ApiRoute> = Route extends { body: infer Schema extends z.ZodMiniType } ? Schema : undefined;

/** `/api/staff/:name` with `{ name: 'ada' }` → `/api/staff/ada` (each value URI-encoded). */
export function routePath(path: string, params: Readonly<Record<string, string | number>> | undefined): string {
  return path.replace(/:([A-Za-z]+)/g, (_whole, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`${path} needs the parameter "${name}".`);
    return encodeURIComponent(String(value));
  });
}

/** The success statuses a route declares, lowest first. */
export function successStatuses(route: ApiRoute): number[] {
  return Object.keys(route.responses)
    .map(Number)
    .filter((status) => status >= 200 && status < 400)
    .sort((a, b) => a - b);
}

/** The body of a control request (start, pause, …): none, or an empty JSON object. */
export const emptyBodySchema = z.nullish(z.strictObject({}));
