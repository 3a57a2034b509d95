import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { roleAtLeast, type Role } from '../../shared/api/session';
import { STEP_UP_MAX_AGE_MS, createSessionRechecker, type Identity } from '../auth/identity';
import { SESSION_ABSOLUTE_TIMEOUT_MS, endReasonOf, resolveSession, type EndReason, type SessionPrincipal } from '../auth/sessions';
import type { Store } from '../store/database';
import { HttpError } from './errors';
import { type Clock } from '../clock';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person (role read fresh from the database), or null. */
    staff: SessionPrincipal | null;
    /** The raw session id from the cookie, for logout. */
    sessionId: string | null;
    /** Why the cookie's session is no longer valid, when it ended recently (revoked, expired, role removed). */
    endReason: EndReason | null;
  }
}

export type SessionCookie = { name: string; secure: boolean };

/**
 * The session cookie (docs/http-api.md, Sessions): HttpOnly, SameSite=Strict, Path=/, no Domain, Secure whenever the browser will
 * accept it (https, or http on localhost/127.0.0.1), and then the `__Host-` prefix, which makes
 * the browser refuse any cookie of that name set by a subdomain or without Secure.
 */
export function sessionCookieFor(publicOrigin: string): SessionCookie {
  const url = new URL(publicOrigin);
  const secure = url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return { name: secure ? '__Host-markdesk_session' : 'markdesk_session', secure };
}

export function setSessionCookie(reply: FastifyReply, cookieSpec: SessionCookie, sessionId: string) {
  reply.setCookie(cookieSpec.name, sessionId, {
    httpOnly: true,
    sameSite: 'strict',
    secure: cookieSpec.secure,
    path: '/',
    maxAge: SESSION_ABSOLUTE_TIMEOUT_MS / 1000,
  });
}

export function clearSessionCookie(reply: FastifyReply, cookieSpec: SessionCookie) {
  reply.clearCookie(cookieSpec.name, { httpOnly: true, sameSite: 'strict', secure: cookieSpec.secure, path: '/' });
}

/**
 * Resolves the session cookie of every request that reached a route, as soon as it arrives: the
 * route guards (also onRequest) then answer 401/403 before the body is read or validated, so a
 * caller without the role learns nothing about what the route accepts.
 */
export async function registerSessionAuth(app: FastifyInstance, deps: { store: Store; clock: Clock; cookie: SessionCookie; identity: Identity }) {
  await app.register(cookie);
  app.decorateRequest('staff', null);
  app.decorateRequest('sessionId', null);
  app.decorateRequest('endReason', null);
  const recheck = createSessionRechecker({ ...deps, log: (fields, message) => app.log.info(fields, message) });
  app.addHook('onRequest', async (request) => {
    // Keyed on the matched route, not the raw URL: "/%61pi/…" reaches the /api routes too.
    if (request.routeOptions.url === undefined) return;
    const sessionId = request.cookies[deps.cookie.name];
    if (!sessionId) return;
    request.sessionId = sessionId;
    let staff = await resolveSession(deps.store, sessionId, deps.clock);
    // An SSO session is confirmed with the identity provider again every few minutes (auth/identity.ts).
    if (staff?.method === 'sso') {
      const outcome = await recheck(staff);
      staff = outcome === 'ok' ? await resolveSession(deps.store, sessionId, deps.clock) : null;
    }
    request.staff = staff;
    if (!staff) request.endReason = await endReasonOf(deps.store, sessionId);
  });
}

/**
 * Route guard, for a route's `onRequest`: 401 without a live session, 403 (logged as authz_fail)
 * below the needed role.
 */
export function requireRole(needed: Role): onRequestAsyncHookHandler {
  return async function guard(request: FastifyRequest) {
    if (!request.staff) {
      throw new HttpError('UNAUTHENTICATED', 'You are not signed in, or your session has ended. Please sign in.', request.endReason ? { details: { reason: request.endReason } } : {});
    }
    if (!roleAtLeast(request.staff.role, needed)) {
      request.log.warn({ event: 'authz_fail', staff: request.staff.username, role: request.staff.role, needed, route: request.routeOptions.url }, 'role too low');
      throw new HttpError('FORBIDDEN', `This needs the ${needed} role; you are signed in as ${request.staff.role}.`);
    }
  };
}

/**
 * Route guard for admin actions, after requireRole('admin'): the session's last authentication must
 * be at most 10 minutes old, else 403 STEP_UP_REQUIRED saying how to re-authenticate (password,
 * plus a code when TOTP is set up; or the identity provider for an SSO session).
 */
export function requireStepUp(deps: { clock: Clock; store: Store }): onRequestAsyncHookHandler {
  return async function stepUpGuard(request: FastifyRequest) {
    const staff = request.staff;
    if (!staff) return;
    if (deps.clock.now() - Date.parse(staff.authAt) <= STEP_UP_MAX_AGE_MS) return;
    const row = await deps.store.read.selectFrom('staff').select('totp_secret').where('username', '=', staff.username).executeTakeFirst();
    request.log.info({ event: 'authn_step_up_required', staff: staff.username, route: request.routeOptions.url }, 'step-up needed');
    throw new HttpError('STEP_UP_REQUIRED', 'This admin action needs you to confirm who you are again (your last sign-in is more than 10 minutes old).', {
      details: staff.method === 'sso' ? { method: 'sso' } : { method: 'password', mfa: (row?.totp_secret ?? null) !== null },
    });
  };
}

/** The cookie of a sign-in in progress: `mfa`/`enrol` flows (Strict) and the OIDC round trip (Lax: it comes back from the provider). */
export function flowCookieName(cookieSpec: SessionCookie, kind: 'local' | 'oidc'): string {
  const base = kind === 'local' ? 'markdesk_flow' : 'markdesk_oidc';
  return cookieSpec.secure ? `__Host-${base}` : base;
}

export function setFlowCookie(reply: FastifyReply, cookieSpec: SessionCookie, kind: 'local' | 'oidc', flowId: string, maxAgeMs: number) {
  reply.setCookie(flowCookieName(cookieSpec, kind), flowId, {
    httpOnly: true,
    // The provider sends the browser back with a top-level GET from its own site: Lax lets this cookie come along.
    sameSite: kind === 'oidc' ? 'lax' : 'strict',
    secure: cookieSpec.secure,
    path: '/',
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export function clearFlowCookie(reply: FastifyReply, cookieSpec: SessionCookie, kind: 'local' | 'oidc') {
  reply.clearCookie(flowCookieName(cookieSpec, kind), { httpOnly: true, sameSite: kind === 'oidc' ? 'lax' : 'strict', secure: cookieSpec.secure, path: '/' });
}
