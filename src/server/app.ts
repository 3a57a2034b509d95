import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { z } from 'zod';
import en from 'zod/v4/locales/en.js';
import { createIdentity } from './auth/identity';
import type { AppDeps } from './deps';
import { registerSessionAuth } from './http/auth';
import { registerCompression } from './http/compression';
import { registerDocs } from './http/docs';
import { HttpError, errorHandler, sendError } from './http/errors';
import { isApiRequest, registerSecurity } from './http/security';
import { registerSpa } from './http/spa';
import { DEFAULT_HTTP_TIMEOUTS, registerBodyDeadline, serverTimeoutOptions, type HttpTimeouts } from './http/timeouts';
import type { Metrics } from './metrics/metrics';
import { registerMetrics } from './metrics/routes';
import { createReadiness, type Readiness } from './readiness';
import { healthRoutes } from './routes/health';
import { auditRoutes } from './routes/audit';
import { chatUserRoutes } from './routes/chat-users';
import { groupRoutes } from './routes/groups';
import { JOB_UPLOAD_ROUTE, jobRoutes } from './routes/jobs';
import { insightsRoutes } from './routes/insights';
import { labelRoutes } from './routes/labels';
import { identityRoutes } from './routes/identity';
import { selfServiceRoutes } from './routes/self-service';
import { preferenceRoutes } from './routes/preferences';
import { sessionRoutes } from './routes/session';
import { staffRoutes } from './routes/staff';
import { auditHeadPlugin } from './plugins/audit-head';
import { chatPlugin } from './plugins/chat';
import { ledgerPlugin } from './plugins/ledger';
import { jobRunnerPlugin, surveyRunnerPlugin } from './plugins/runners';
import { storePlugin } from './plugins/store';
import { scheduleReconcile } from './services/reconcile';
import { shutdownDeadline, type ShutdownDeadline } from './shutdown';

export type AppOptions = {
  /** A function when the origin is only known after listening (MARKDESK_PORT=0). */
  publicOrigin: string | (() => string);
  trustProxy?: string | false;
  /** Folder of the built SPA (dist/client); served at / when present. */
  spaDir?: string;
  /** Where pino writes JSON lines (tests capture them); stdout by default. */
  logStream?: DestinationStream;
  logLevel?: string;
  /** Settle audit entries left 'unknown' at start and then this often (off when unset; tests run it themselves). */
  reconcileEveryMs?: number;
  /** How long clients may take to send requests (http/timeouts.ts); tests shorten them. */
  timeouts?: Partial<HttpTimeouts>;
  /** GET /metrics with this bearer token (MARKDESK_METRICS_TOKEN); without it /metrics is 404. */
  metrics?: { metrics: Metrics; token: string } | null;
  /** Readiness is checked in the background this often (main.ts: 15 s); unset, on demand (tests). */
  readyCheckEveryMs?: number;
  /** The one deadline of a graceful stop (MARKDESK_SHUTDOWN_TIMEOUT_SECONDS); 25 s when unset. */
  shutdown?: ShutdownDeadline;
  /** Log the audit chain's head at start, as it moves and at shutdown (main.ts; store/audit-head.ts). */
  auditHeadLog?: boolean;
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The background readiness checks behind GET /api/ready (tests run one on demand). */
    readiness: Readiness;
  }
}

/** JSON routes take at most 64 KB (docs/http-api.md, Bodies and limits); the CSV upload sets its own. */
export const JSON_BODY_LIMIT = 64 * 1024;

/** Builds the Fastify instance; tests use `inject`, main.ts listens. */
export async function buildApp(deps: AppDeps, options: AppOptions): Promise<FastifyInstance> {
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.timeouts };
  const app = Fastify({
    ...serverTimeoutOptions(timeouts),
    logger: {
      level: options.logLevel ?? 'info',
      ...(options.logStream ? { stream: options.logStream } : {}),
      // Belt and braces: nothing below is logged by our code, and if it ever were, it is masked.
      redact: {
        paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', '*.password', '*.secretKey', '*.usersig', '*.userSig'],
        censor: '[redacted]',
      },
    },
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: options.trustProxy || false,
    genReqId: () => randomUUID(),
    // Answered by our onRequest hook instead, in the error shape of every /api route.
    return503OnClosing: false,
  }).withTypeProvider();

  // A refused request names its problems in zod's English sentences where a schema has no wording
  // of its own ("Too big: expected string to have <=64 characters"). Classic zod installs them when it
  // builds its first schema; the contract's schemas are zod/mini ones (shared with the browser), which
  // install none, so they are set here rather than left to whichever module builds a classic schema first.
  z.config(en());
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  // First of all hooks, so that a body is timed even when the request is refused before it is read.
  registerBodyDeadline(app, { bodyMs: timeouts.bodyMs, longUploadRoutes: new Set([JOB_UPLOAD_ROUTE]) });
  // Graceful shutdown: close() waits for every connection to end. Idle keep-alive ones are closed
  // at once; one busy with a request would stay open after its answer (for the 72 s keep-alive),
  // so answers sent while closing tell the client to hang up, and a request that still arrives on
  // such a connection gets a proper 503 (Fastify's own would lack our headers and error shape).
  let closing = false;
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const shutdown = options.shutdown ?? shutdownDeadline();
  // First of the preClose hooks: the deadline runs from here unless main.ts started it already.
  app.addHook('preClose', async () => {
    shutdown.begin();
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  // The resources, each closed by its own plugin in the reverse order: routes and background work
  // first (the job runner drains within the deadline), then the ledger, the Chat client and its
  // upstream, the audit head's last line, and the database last of all.
  await app.register(storePlugin, { store: deps.store });
  if (options.auditHeadLog) await app.register(auditHeadPlugin, { clock: deps.clock });
  await app.register(chatPlugin, { chat: deps.chat, upstream: deps.upstream });
  const metrics = options.metrics?.metrics;
  await app.register(ledgerPlugin, { onCommit: metrics ? (commit) => metrics.observeLedgerCommit(commit) : undefined });
  await app.register(jobRunnerPlugin, { clock: deps.clock, shutdown });
  await app.register(surveyRunnerPlugin, { clock: deps.clock, shutdown });

  // Before any route: these watch every route registered after them.
  await registerCompression(app);
  registerDocs(app, { version: deps.version });
  registerMetrics(app, options.metrics ?? null);

  const publicOrigin = typeof options.publicOrigin === 'string' ? () => options.publicOrigin as string : options.publicOrigin;
  await registerSecurity(app, { publicOrigin, hsts: publicOrigin().startsWith('https:'), nonJsonBodyRoutes: new Set([JOB_UPLOAD_ROUTE]) });
  // After the security headers are set, before anything else is done for the request.
  app.addHook('onRequest', async () => {
    if (closing) throw new HttpError('UNAVAILABLE', 'Markdesk is shutting down; try again in a moment.');
  });
  const identity = deps.identity ?? createIdentity({ oidc: null, localLogin: true, requireMfa: false }, { publicOrigin, rootKey: deps.store.auditKey });
  deps = { ...deps, identity };
  await registerSessionAuth(app, { store: deps.store, clock: deps.clock, cookie: deps.cookie, identity });

  // Checked in the background when main.ts asks for it; tests without it check on demand.
  const readiness = deps.readiness ?? createReadiness({ store: deps.store, chat: deps.chat, now: () => deps.clock.now() });
  app.decorate('readiness', readiness);
  const readyCheckEveryMs = options.readyCheckEveryMs;
  if (readyCheckEveryMs !== undefined) app.addHook('onReady', async () => readiness.start(app.log.child({ module: 'readiness' }), readyCheckEveryMs));
  app.addHook('onClose', async () => readiness.stop());
  await app.register(healthRoutes, { ...deps, readiness });
  await app.register(sessionRoutes, deps);
  await app.register(identityRoutes, deps);
  await app.register(selfServiceRoutes, deps);
  await app.register(preferenceRoutes, deps);
  await app.register(chatUserRoutes, deps);
  await app.register(groupRoutes, deps);
  await app.register(auditRoutes, deps);
  await app.register(labelRoutes, deps);
  await app.register(staffRoutes, deps);
  await app.register(jobRoutes, deps);
  await app.register(insightsRoutes, deps);

  const reconcileEveryMs = options.reconcileEveryMs;
  if (reconcileEveryMs !== undefined) {
    let reconciler: { stop(): Promise<void> } | null = null;
    app.addHook('onReady', async () => {
      reconciler = scheduleReconcile(deps, app.log.child({ module: 'reconcile' }), reconcileEveryMs);
    });
    app.addHook('onClose', async () => reconciler?.stop());
  }

  const sendIndex = options.spaDir ? await registerSpa(app, options.spaDir) : null;
  app.setNotFoundHandler((request, reply) => {
    // Client-side routes (/marks?user=…) are deep links into the SPA.
    if (sendIndex && request.method === 'GET' && !isApiRequest(request) && !request.url.startsWith('/assets/')) {
      return sendIndex(reply);
    }
    return sendError(reply, new HttpError('NOT_FOUND', 'There is nothing at this address.'));
  });
  return app;
}
