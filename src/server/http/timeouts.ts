// How long a client may take to send a request. Without limits, anyone who can reach the port —
// signed in or not — could hold connections open for ever by sending a byte now and then.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';

export type HttpTimeouts = {
  /** Node's headersTimeout: the request line and headers must all arrive within this. */
  headersMs: number;
  /**
   * Every request body must have arrived this long after the request began, except the CSV
   * upload of a signed-in editor (below). Enforced here, as Node has no per-route deadline.
   */
  bodyMs: number;
  /** Node's requestTimeout: the hard limit for any whole request, the CSV upload included. */
  uploadMs: number;
  /** Node's keepAliveTimeout: how long an idle connection is kept for the browser's next request. */
  keepAliveMs: number;
  /** How often Node looks for connections past headersMs / uploadMs (its default is 30 s). */
  checkIntervalMs: number;
};

/**
 * The numbers, and why:
 * - headers 15 s, checked every 5 s: headers are a few hundred bytes; a client still sending them
 *   after 15 s is not a browser, and is gone within 20 s. A connection that sends nothing at all
 *   is timed the same way.
 * - bodies 20 s: the largest JSON body (a 1,000-item mark request) is a few hundred KB, which takes
 *   20 s only below about 0.2 Mbit/s. A body that trickles in is closed then, within 30 s of its
 *   first byte as promised, whether or not the request was already refused (a refused request's
 *   body is still read and thrown away by Node).
 * - the bulk CSV upload 120 s: 100,000 rows are about 7 MB, which arrive in 120 s at 0.5 Mbit/s.
 *   Only a signed-in editor gets this long (the route's sign-in check runs before the body is
 *   read), so strangers never do.
 * - keep-alive 72 s: longer than the 60 s idle timeout of common reverse proxies, so the proxy,
 *   not Markdesk, closes an idle connection and never reuses one that was just closed under it.
 * - no idle-socket timeout (Fastify's connectionTimeout stays 0): while an answer is being
 *   prepared (a heavy user's conversation list, a 100,000-row check) no byte flows, and a
 *   legitimate slow answer must not be cut; the limits above already bound what the client sends.
 */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersMs: 15_000,
  bodyMs: 20_000,
  uploadMs: 120_000,
  keepAliveMs: 72_000,
  checkIntervalMs: 5_000,
};

/** The Fastify constructor options that carry the timeouts Node enforces itself. */
export function serverTimeoutOptions(timeouts: HttpTimeouts) {
  return {
    requestTimeout: timeouts.uploadMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionTimeout: 0,
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: timeouts.checkIntervalMs },
  };
}

const deadlines = new WeakMap<IncomingMessage, NodeJS.Timeout>();

function disarm(raw: IncomingMessage): void {
  clearTimeout(deadlines.get(raw));
  deadlines.delete(raw);
}

/**
 * Arms the body deadline on every request (before anything can refuse it), and lifts it for the
 * routes in `longUploadRoutes` once their own sign-in check has let the request through.
 */
export function registerBodyDeadline(app: FastifyInstance, options: { bodyMs: number; longUploadRoutes: ReadonlySet<string> }): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const raw = request.raw;
    // An injected request (tests) has no connection to close.
    if (raw.complete || !(raw.socket instanceof Socket)) return;
    const timer = setTimeout(() => {
      deadlines.delete(raw);
      if (raw.complete || raw.socket.destroyed) return;
      request.log.warn({ event: 'request_timeout', route: request.routeOptions.url }, 'request body too slow; connection closed');
      raw.socket.destroy();
    }, options.bodyMs);
    timer.unref();
    deadlines.set(raw, timer);
    raw.once('end', () => disarm(raw));
  });
  // preParsing runs after every onRequest hook, the route's sign-in check included.
  app.addHook('preParsing', async (request: FastifyRequest, _reply, payload) => {
    if (request.staff && options.longUploadRoutes.has(`${request.method} ${request.routeOptions.url ?? ''}`)) disarm(request.raw);
    return payload;
  });
}
