import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { roleAtLeast, type Role } from '../../shared/api/session';
import { SESSION_ABSOLUTE_TIMEOUT_MS, resolveSession, type SessionPrincipal } from '../auth/sessions';
import type { Clock, Store } from '../store/database';
import { HttpError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person (role read fresh from the database), or null. */
    staff: SessionPrincipal | null;
    /** The raw session id from the cookie, for logout. */
    sessionId: string | null;
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
export async function registerSessionAuth(app: FastifyInstance, deps: { store: Store; clock: Clock; cookie: SessionCookie }) {
  await app.register(cookie);
  app.decorateRequest('staff', null);
  app.decorateRequest('sessionId', null);
  app.addHook('onRequest', async (request) => {
    // Keyed on the matched route, not the raw URL: "/%61pi/…" reaches the /api routes too.
    if (request.routeOptions.url === undefined) return;
    const sessionId = request.cookies[deps.cookie.name];
    if (!sessionId) return;
    request.sessionId = sessionId;
    request.staff = await resolveSession(deps.store, sessionId, deps.clock);
  });
}

/**
 * Route guard, for a route's `onRequest`: 401 without a live session, 403 (logged as authz_fail)
 * below the needed role.
 */
export function requireRole(needed: Role): onRequestAsyncHookHandler {
  return async function guard(request: FastifyRequest) {
    if (!request.staff) throw new HttpError('UNAUTHENTICATED', 'You are not signed in, or your session has ended. Please sign in.');
    if (!roleAtLeast(request.staff.role, needed)) {
      request.log.warn({ event: 'authz_fail', staff: request.staff.username, role: request.staff.role, needed, route: request.routeOptions.url }, 'role too low');
      throw new HttpError('FORBIDDEN', `This needs the ${needed} role; you are signed in as ${request.staff.role}.`);
    }
  };
}
