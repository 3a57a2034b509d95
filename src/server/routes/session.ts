import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBodySchema } from '../../shared/api/errors';
import { loginRequestSchema, sessionSchema } from '../../shared/api/session';
import { authenticate } from '../auth/login-throttle';
import { createSession, deleteSession } from '../auth/sessions';
import { getStaff } from '../auth/staff';
import { recordAdminActivity, seenFrom } from '../store/admin-activity';
import type { AppDeps } from '../deps';
import { clearSessionCookie, requireRole, setSessionCookie } from '../http/auth';
import { HttpError } from '../http/errors';

export const sessionRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.post(
    '/api/session',
    { schema: { body: loginRequestSchema, response: { 200: sessionSchema, 401: errorBodySchema, 429: errorBodySchema } } },
    async (request, reply) => {
      const result = await authenticate(deps.store, deps.loginThrottle, { ...request.body, ip: request.ip }, deps.clock);
      if (!result.ok) {
        request.log.warn({ event: 'authn_login_fail', reason: result.reason, ip: request.ip }, 'sign-in refused');
        // Refusals the throttle answers are not recorded one by one: a flood would only fill the log.
        if (result.reason !== 'throttled') {
          // The name typed is recorded only when it is an account's: a password typed into the wrong field must not be kept.
          const account = await getStaff(deps.store, request.body.username);
          await recordAdminActivity(deps.store, { staff: account?.username ?? '(unknown account)', action: 'sign_in_failed', ...seenFrom(request) }, deps.clock);
        }
        if (result.reason === 'throttled') {
          throw new HttpError('RATE_LIMITED', 'Too many sign-in attempts. Wait a little and try again.', {
            retryAfterSeconds: result.retryAfterSeconds ?? 60,
          });
        }
        // One sentence for unknown user, wrong password and disabled account alike.
        throw new HttpError('UNAUTHENTICATED', 'Username or password is incorrect.');
      }
      // A fresh id at every sign-in (no fixation); an old session of this browser is ended.
      if (request.sessionId) await deleteSession(deps.store, request.sessionId);
      const { sessionId } = await createSession(deps.store, result.username, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' }, deps.clock);
      setSessionCookie(reply, deps.cookie, sessionId);
      request.log.info({ event: 'authn_login_success', staff: result.username, ip: request.ip }, 'signed in');
      await recordAdminActivity(deps.store, { staff: result.username, action: 'sign_in', ...seenFrom(request) }, deps.clock);
      return { username: result.username, role: result.role };
    },
  );

  app.get('/api/session', { onRequest: requireRole('viewer'), schema: { response: { 200: sessionSchema } } }, async (request) => {
    const staff = request.staff!;
    return { username: staff.username, role: staff.role };
  });

  app.delete('/api/session', async (request, reply) => {
    if (request.sessionId) await deleteSession(deps.store, request.sessionId);
    clearSessionCookie(reply, deps.cookie);
    // OWASP logging vocabulary: a session ending is session_expired with its reason.
    if (request.staff) {
      request.log.info({ event: 'session_expired', reason: 'logout', staff: request.staff.username }, 'signed out');
      await recordAdminActivity(deps.store, { staff: request.staff.username, action: 'sign_out', ...seenFrom(request) }, deps.clock);
    }
    return reply.code(204).send();
  });
};
