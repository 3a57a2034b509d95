import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Powerful browser features the console never uses, switched off for it and anything it might
 * embed, so an injected script could not ask the person at the desk for their camera or location.
 */
export const PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'hid',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

/**
 * True for a path under /api. Percent-escapes are decoded first, as the router decodes them:
 * "/%61pi/session" reaches the /api/session route and must be treated as the API it is.
 */
export function isApiPath(url: string): boolean {
  const rawPath = url.split('?')[0] ?? '';
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // A malformed escape: judge the raw path.
  }
  return path === '/api' || path.startsWith('/api/');
}

/** True when the request reached an /api route or asks for an /api path that has none. */
export function isApiRequest(request: FastifyRequest): boolean {
  return isApiPath(request.routeOptions.url ?? request.url);
}

export type CsrfOptions = {
  publicOrigin: () => string;
  /** Routes (method + routerPath) whose body is not JSON, e.g. the CSV upload. */
  nonJsonBodyRoutes?: ReadonlySet<string>;
};

/**
 * The CSRF rule (docs/http-api.md, State-changing requests): state-changing requests carry `X-Requested-By: markdesk`, are JSON, and come from
 * our own origin. A cross-site form or fetch can set none of these, so sessions cannot be ridden.
 */
export function csrfCheck(request: FastifyRequest, options: CsrfOptions): HttpError | null {
  if (!STATE_CHANGING.has(request.method)) return null;
  if (request.headers['x-requested-by'] !== 'markdesk') {
    return new HttpError('CSRF_REJECTED', 'The request is missing the X-Requested-By: markdesk header.');
  }
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') {
    return new HttpError('CSRF_REJECTED', 'Requests from other sites are refused.');
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== options.publicOrigin()) {
    return new HttpError('CSRF_REJECTED', 'Requests from other origins are refused.');
  }
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  const routeKey = `${request.method} ${request.routeOptions.url ?? ''}`;
  if (hasBody && !options.nonJsonBodyRoutes?.has(routeKey)) {
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      return new HttpError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as JSON (Content-Type: application/json).');
    }
  }
  return null;
}

/**
 * The page's policy with this response's nonces added to script-src and style-src. Only the HTML
 * page needs nonces (spa.ts); every other response keeps the same policy without them, built once:
 * adding nonces to every response meant building the whole policy again for each.
 */
export function withCspNonces(policy: string, nonces: { script: string; style: string }): string {
  return policy
    .replace(/(^|;)(script-src [^;]*)/, `$1$2 'nonce-${nonces.script}'`)
    .replace(/(^|;)(style-src [^;]*)/, `$1$2 'nonce-${nonces.style}'`);
}

/**
 * The headers helmet sets for these options. They are the same for every response, so they are
 * worked out once; @fastify/helmet built helmet's middleware anew for each request.
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

/** Security headers on every response, a strict CSP (nonces on the page: withCspNonces), and the CSRF rule. */
export async function registerSecurity(app: FastifyInstance, options: CsrfOptions & { hsts: boolean }) {
  const securityHeaders = helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // The page's nonces are appended per response (withCspNonces).
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    hsts: options.hsts ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
    // The console is never framed: DENY says the same as frame-ancestors 'none' to browsers that
    // only read the older header (helmet's default, SAMEORIGIN, would contradict the CSP).
    xFrameOptions: { action: 'deny' },
  });
  securityHeaders['permissions-policy'] = PERMISSIONS_POLICY;
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(securityHeaders);
  });

  // onRequest, before any body is parsed: Fastify would otherwise happily parse text/plain. Every
  // state-changing request, whatever its path: only the API takes any, and an encoded path
  // ("/%61pi/session") must not slip past.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const rejection = csrfCheck(request, options);
    if (rejection) {
      request.log.warn({ event: 'authz_fail', reason: rejection.code, route: request.routeOptions.url }, 'state-changing request refused');
      throw rejection;
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (isApiRequest(request)) reply.header('cache-control', 'no-store');
    return payload;
  });
}
