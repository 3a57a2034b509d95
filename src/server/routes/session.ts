import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sessionRoutes as routes } from '../../shared/api/contracts/session';
import { MFA_FLOW_TTL_MS, createFlow, type Identity } from '../auth/identity';
import { authenticate } from '../auth/login-throttle';
import { createSession, deleteSession } from '../auth/sessions';
import { getStaff, getStaffCredentials } from '../auth/staff';
import { recordAdminActivity, seenFrom } from '../store/admin-activity';
import type { AuthMethod } from '../store/database';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import { clearSessionCookie, requireRole, setFlowCookie, setSessionCookie } from '../http/auth';
import { HttpError } from '../http/errors';

/** Starts a session for someone who passed every check (password, code, or the provider) and records the sign-in. */
export async function completeSignIn(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  account: { username: string; method: AuthMethod; refreshToken?: string | null; details?: Record<string, string> },
): Promise<void> {
  // A fresh id at every sign-in (no fixation); an old session of this browser is ended.
  if (request.sessionId) await deleteSession(deps.store, request.sessionId);
  const { sessionId } = await createSession(deps.store, account.username, seenFromMeta(request), deps.clock, {
    method: account.method,
    refreshToken: account.refreshToken ?? null,
  });
  setSessionCookie(reply, deps.cookie, sessionId);
  request.log.info({ event: 'authn_login_success', staff: account.username, method: account.method, ip: request.ip }, 'signed in');
  await recordAdminActivity(deps.store, { staff: account.username, action: 'sign_in', ...seenFrom(request), details: { method: account.method, ...account.details } }, deps.clock);
}

function seenFromMeta(request: FastifyRequest) {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' };
}

export function identityOf(deps: AppDeps): Identity {
  if (!deps.identity) throw new Error('buildApp always sets deps.identity');
  return deps.identity;
}

export const sessionRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const identity = identityOf(deps);
  registerRoute(
    app,
    routes.signIn,
    {},
    async (request, reply) => {
      const result = await authenticate(deps.store, deps.loginThrottle, { ...request.body, ip: request.ip }, deps.clock);
      if (!result.ok) {
        request.log.warn({ event: 'authn_login_fail', reason: result.reason, ip: request.ip }, 'sign-in refused');
        // Refusals the throttle answers are not recorded one by one: a flood would only fill the log.
        if (result.reason !== 'throttled') {
          // The name typed is recorded only when it is an account's: a password typed into the wrong field must not be kept.
          const account = await getStaff(deps.store, request.body.username);
          await recordAdminActivity(
            deps.store,
            { staff: account?.username ?? '(unknown account)', action: 'sign_in_failed', ...seenFrom(request), details: { method: 'password' } },
            deps.clock,
          );
        }
        if (result.reason === 'throttled') {
          throw new HttpError('RATE_LIMITED', 'Too many sign-in attempts. Wait a little and try again.', {
            retryAfterSeconds: result.retryAfterSeconds ?? 60,
          });
        }
        // One sentence for unknown user, wrong password and disabled account alike.
        throw new HttpError('UNAUTHENTICATED', 'Username or password is incorrect.');
      }
      const account = await getStaffCredentials(deps.store, result.username);
      // Checked after the password, so this answer tells nothing to someone who does not know it.
      if (!identity.localLogin && account?.break_glass !== 1) {
        request.log.warn({ event: 'authn_login_fail', reason: 'local_login_off', staff: result.username, ip: request.ip }, 'password sign-in is off');
        await recordAdminActivity(deps.store, { staff: result.username, action: 'sign_in_failed', ...seenFrom(request), details: { method: 'password', reason: 'local_login_off' } }, deps.clock);
        throw new HttpError('FORBIDDEN', 'Signing in with a password is turned off here; sign in with SSO.', { details: { reason: 'local_login_off' } });
      }
      // A second factor is due: a code, or (MARKDESK_REQUIRE_MFA=1) enrolment first. No session yet.
      const kind = account?.totp_secret ? 'mfa' : identity.requireMfa ? 'enrol' : null;
      if (kind) {
        const flowId = await createFlow(deps.store, { kind, username: result.username, sessionHash: null, data: {} }, deps.clock);
        setFlowCookie(reply, deps.cookie, 'local', flowId, MFA_FLOW_TTL_MS);
        return kind === 'mfa' ? { mfaRequired: true as const } : { enrolmentRequired: true as const };
      }
      await completeSignIn(deps, request, reply, { username: result.username, method: 'password' });
      return { username: result.username, role: result.role };
    },
  );

  registerRoute(app, routes.get, { onRequest: requireRole('viewer') }, async (request) => {
    const staff = request.staff!;
    return { username: staff.username, role: staff.role };
  });

  registerRoute(app, routes.signOut, {}, async (request, reply) => {
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
