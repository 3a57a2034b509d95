// What every signed-in person manages themselves: their password, TOTP and its recovery codes, and
// their own sessions.
import type { onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sessionRoutes as routes } from '../../shared/api/contracts/session';
import { STEP_UP_MAX_AGE_MS } from '../auth/identity';
import { authenticate } from '../auth/login-throttle';
import { checkCode, completeEnrolment, replaceRecoveryCodes, startEnrolment } from '../auth/mfa';
import { createSession, endSessions, listSessionsOf } from '../auth/sessions';
import { StaffError, getStaffCredentials, resetPassword } from '../auth/staff';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import { requireRole, setSessionCookie } from '../http/auth';
import { HttpError } from '../http/errors';
import { recordingActivity, seenFrom } from '../store/admin-activity';
import { identityOf } from './session';

export const selfServiceRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const identity = identityOf(deps);
  const signedIn = requireRole('viewer');

  registerRoute(app, routes.me, { onRequest: signedIn }, async (request) => {
    const staff = request.staff!;
    const account = await getStaffCredentials(deps.store, staff.username);
    return { username: staff.username, role: staff.role, source: staff.source, mfa: (account?.totp_secret ?? null) !== null, method: staff.method, authAt: staff.authAt };
  });

  registerRoute(app, routes.changePassword, { onRequest: signedIn }, async (request, reply) => {
    const staff = request.staff!;
    if (staff.source === 'sso') throw new HttpError('CONFLICT', 'Your account signs in through the identity provider; change your password there.');
    const check = await authenticate(deps.store, deps.loginThrottle, { username: staff.username, password: request.body.currentPassword, ip: request.ip }, deps.clock);
    if (!check.ok) {
      if (check.reason === 'throttled') throw new HttpError('RATE_LIMITED', 'Too many attempts. Wait a little and try again.', { retryAfterSeconds: check.retryAfterSeconds ?? 60 });
      throw new HttpError('VALIDATION_FAILED', 'Your current password is not right.', { details: { 'body.currentPassword': ['Your current password is not right.'] } });
    }
    try {
      // Ends every session of this person (a stolen one too); this browser gets a fresh one.
      await resetPassword(
        deps.store,
        staff.username,
        request.body.newPassword,
        recordingActivity(deps.store, { staff: staff.username, action: 'password_changed', target: staff.username, ...seenFrom(request) }, deps.clock),
      );
    } catch (error) {
      if (error instanceof StaffError) throw new HttpError('VALIDATION_FAILED', error.message, { details: { 'body.newPassword': [error.message] } });
      throw error;
    }
    // The new session keeps the old one's time of strong authentication: the current password
    // proves less than a step-up does (which also takes the code when TOTP is set up), so changing
    // it must not count as a fresh sign-in that lets admin actions through without the code.
    // Carrying the time over is right for every account, with or without TOTP, and asks nothing
    // new of anyone; requiring the code here instead would ask it of someone who is not stepping up.
    const { sessionId } = await createSession(deps.store, staff.username, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' }, deps.clock, {
      method: staff.method,
      authAt: staff.authAt,
    });
    setSessionCookie(reply, deps.cookie, sessionId);
    request.log.info({ event: 'authn_password_change', staff: staff.username }, 'password changed');
    return reply.code(204).send();
  });

  // Replacing a second factor that is set up already needs what an admin action needs: an
  // authentication within the last 10 minutes, which for such an account means password and code
  // (step-up). A session alone — one left open, or stolen — must not swap in someone else's
  // authenticator and recovery codes. A first enrolment only adds a factor, and needs no more.
  // The answer is the one requireStepUp gives, so the SPA's step-up dialog takes it and sends again.
  const stepUpToReplaceTotp: onRequestAsyncHookHandler = async (request) => {
    const staff = request.staff;
    if (!staff || deps.clock.now() - Date.parse(staff.authAt) <= STEP_UP_MAX_AGE_MS) return;
    const account = await getStaffCredentials(deps.store, staff.username);
    if (!account?.totp_secret) return;
    request.log.info({ event: 'authn_step_up_required', staff: staff.username, route: request.routeOptions.url }, 'step-up needed');
    throw new HttpError('STEP_UP_REQUIRED', 'Replacing your two-step sign-in needs you to confirm who you are again, with your password and a code (your last sign-in is more than 10 minutes old).', {
      details: staff.method === 'sso' ? { method: 'sso' } : { method: 'password', mfa: true },
    });
  };
  const enrolling = [signedIn, stepUpToReplaceTotp];

  registerRoute(app, routes.enrolment, { onRequest: enrolling }, async (request) => {
    if (request.staff!.source === 'sso') throw new HttpError('CONFLICT', 'Your account signs in through the identity provider; its second factor is set up there.');
    return startEnrolment(deps.store, identity.box, request.staff!.username);
  });

  registerRoute(app, routes.confirmEnrolment, { onRequest: enrolling }, async (request) => {
    const staff = request.staff!;
    const result = await checkCode(deps.store, identity.box, deps.loginThrottle, { username: staff.username, code: request.body.code, ip: request.ip, pending: true }, deps.clock);
    if (!result.ok) {
      if (result.reason === 'throttled') throw new HttpError('RATE_LIMITED', 'Too many wrong codes. Wait a little and try again.', { retryAfterSeconds: result.retryAfterSeconds ?? 60 });
      throw new HttpError('VALIDATION_FAILED', 'That code is not right; check the time on your phone and try the next one.', { details: { 'body.code': ['That code is not right.'] } });
    }
    try {
      const recoveryCodes = await completeEnrolment(deps.store, identity.box, staff.username, recordingActivity(deps.store, { staff: staff.username, action: 'mfa_enrolled', ...seenFrom(request) }, deps.clock));
      return { recoveryCodes };
    } catch (error) {
      // Since the code was checked: the account disabled, or this setup confirmed by a parallel request.
      if (error instanceof StaffError) throw new HttpError('VALIDATION_FAILED', 'This setup can no longer be confirmed. Start it again.', { details: { 'body.code': ['Start the setup again.'] } });
      throw error;
    }
  });

  // New recovery codes replace the second factor's fallback, so they need what replacing TOTP needs:
  // a sign-in or step-up within the last 10 minutes (the hook above; it asks nothing of an account
  // without TOTP, which is answered 409 here).
  registerRoute(app, routes.newRecoveryCodes, { onRequest: enrolling }, async (request) => {
    const staff = request.staff!;
    if (staff.source === 'sso') throw new HttpError('CONFLICT', 'Your account signs in through the identity provider; its second factor is set up there.');
    try {
      const recoveryCodes = await replaceRecoveryCodes(deps.store, identity.box, staff.username, recordingActivity(deps.store, { staff: staff.username, action: 'mfa_recovery_codes_replaced', ...seenFrom(request) }, deps.clock));
      return { recoveryCodes };
    } catch (error) {
      if (error instanceof StaffError && error.code === 'NOT_ENROLLED') throw new HttpError('CONFLICT', 'Set up two-step verification first: recovery codes come with it.');
      // Since the session was checked: the account disabled or removed.
      if (error instanceof StaffError) throw new HttpError('UNAUTHENTICATED', 'Your account can no longer sign in.');
      throw error;
    }
  });

  registerRoute(app, routes.ownSessions, { onRequest: signedIn }, async (request) => {
    const staff = request.staff!;
    const sessions = await listSessionsOf(deps.store, staff.username, deps.clock);
    return {
      sessions: sessions.map((session) => ({
        handle: session.id,
        createdAt: session.createdAt,
        lastSeenAt: session.lastSeenAt,
        ip: session.ip,
        userAgent: session.userAgent,
        method: session.method,
        current: session.idHash === staff.idHash,
      })),
    };
  });

  registerRoute(app, routes.endOwnSession, { onRequest: signedIn }, async (request, reply) => {
    const staff = request.staff!;
    const target = (await listSessionsOf(deps.store, staff.username, deps.clock)).find((session) => session.id === request.params.handle);
    if (!target) throw new HttpError('NOT_FOUND', 'You have no such session.');
    await endSessions(
      deps.store,
      [target.idHash],
      'revoked',
      deps.clock,
      recordingActivity(deps.store, { staff: staff.username, action: 'session_ended', target: staff.username, ...seenFrom(request), details: { session: target.id, by: 'owner' } }, deps.clock),
    );
    request.log.info({ event: 'session_expired', reason: 'ended_by_owner', staff: staff.username, handle: target.id }, 'own session ended');
    return reply.code(204).send();
  });
};
