// Single sign-on (OIDC), the second step of a password sign-in (TOTP code or enrolment) and
// step-up (docs/http-api.md, Identity).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sessionRoutes as routes } from '../../shared/api/contracts/session';
import type { SsoError } from '../../shared/api/identity';
import { OIDC_FLOW_TTL_MS, createFlow, readFlow, upsertSsoStaff } from '../auth/identity';
import { authenticate } from '../auth/login-throttle';
import { checkCode, completeEnrolment, startEnrolment, type CodeCheck } from '../auth/mfa';
import { OidcRefusal } from '../auth/oidc';
import { markStrongAuth } from '../auth/sessions';
import { StaffError, getStaff, getStaffCredentials } from '../auth/staff';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import { clearFlowCookie, flowCookieName, requireRole, setFlowCookie } from '../http/auth';
import { HttpError } from '../http/errors';
import { recordAdminActivity, seenFrom } from '../store/admin-activity';
import { completeSignIn, identityOf } from './session';

const RETURN_TO_FALLBACK = '/marks';
// Stands for this site while a returnTo is parsed: any value that leaves it names another origin.
const RETURN_TO_BASE = 'http://markdesk.invalid';

/**
 * Only a path on this site: `returnTo` comes from the address bar and must not send anyone
 * elsewhere. Checking the text is not enough, because browsers read a Location header leniently:
 * they drop tabs and newlines (`/\t/evil.example` is `//evil.example`, another site) and read `\`
 * as `/`. So a value with a control character or a backslash is refused outright, the rest is
 * parsed as a URL against a stand-in origin, and only a result still on that origin is used — in
 * the parsed, normalised form (`/.//evil.example` would otherwise come out as `//evil.example`).
 */
export function safeReturnTo(value: string | undefined): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (!value || value.length > 2000 || /[\u0000-\u001f\u007f-\u009f\\]/.test(value) || !value.startsWith('/') || value.startsWith('//')) return RETURN_TO_FALLBACK;
  let url: URL;
  try {
    url = new URL(value, RETURN_TO_BASE);
  } catch {
    return RETURN_TO_FALLBACK;
  }
  if (url.origin !== RETURN_TO_BASE) return RETURN_TO_FALLBACK;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith('/') || path.startsWith('//') || url.pathname.startsWith('/api/')) return RETURN_TO_FALLBACK;
  return path;
}

function refuseCode(result: Extract<CodeCheck, { ok: false }>): never {
  if (result.reason === 'throttled') {
    throw new HttpError('RATE_LIMITED', 'Too many wrong codes. Wait a little and try again.', { retryAfterSeconds: result.retryAfterSeconds ?? 60 });
  }
  throw new HttpError('UNAUTHENTICATED', 'That code is not right, or it was used already.');
}

export const identityRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const identity = identityOf(deps);
  const localCookie = flowCookieName(deps.cookie, 'local');
  const oidcCookie = flowCookieName(deps.cookie, 'oidc');

  registerRoute(app, routes.authConfig, {}, async () => ({
    sso: identity.oidc ? { name: identity.oidc.settings.name } : null,
    localLogin: identity.localLogin,
  }));

  // ---- OIDC -------------------------------------------------------------------------------
  const toSignIn = (reply: FastifyReply, error: SsoError) => reply.redirect(`/signin?error=${error}`, 302);

  registerRoute(app, routes.ssoStart, {}, async (request, reply) => {
    const oidc = identity.oidc;
    if (!oidc) throw new HttpError('NOT_FOUND', 'Single sign-on is not configured here.');
    const stepUp = request.query.purpose === 'step-up';
    if (stepUp && !request.staff) throw new HttpError('UNAUTHENTICATED', 'You are not signed in, or your session has ended. Please sign in.');
    let started;
    try {
      started = await oidc.start({ reauthenticate: stepUp });
    } catch (error) {
      request.log.warn({ event: 'authn_login_fail', method: 'sso', reason: error instanceof OidcRefusal ? error.reason : 'unexpected' }, 'SSO could not start');
      return toSignIn(reply, 'sso_unavailable');
    }
    const flowId = await createFlow(
      deps.store,
      {
        kind: 'oidc',
        username: stepUp ? request.staff!.username : null,
        sessionHash: stepUp ? request.staff!.idHash : null,
        data: { state: started.state, nonce: started.nonce, codeVerifier: started.codeVerifier, returnTo: safeReturnTo(request.query.returnTo), purpose: stepUp ? 'step-up' : 'sign-in' },
      },
      deps.clock,
    );
    setFlowCookie(reply, deps.cookie, 'oidc', flowId, OIDC_FLOW_TTL_MS);
    return reply.redirect(started.url, 302);
  });

  registerRoute(app, routes.ssoCallback, {}, async (request, reply) => {
    const oidc = identity.oidc;
    if (!oidc) throw new HttpError('NOT_FOUND', 'Single sign-on is not configured here.');
    // Single use: the flow is gone after this request whatever happens, so a replayed callback finds nothing.
    const flow = await readFlow(deps.store, request.cookies[oidcCookie], 'oidc', { consume: true }, deps.clock);
    clearFlowCookie(reply, deps.cookie, 'oidc');
    const refuse = async (reason: string, error: SsoError, username?: string) => {
      request.log.warn({ event: 'authn_login_fail', method: 'sso', reason, ip: request.ip }, 'SSO sign-in refused');
      await recordAdminActivity(
        deps.store,
        { staff: username ?? '(unknown account)', action: 'sign_in_failed', ...seenFrom(request), details: { method: 'sso', reason } },
        deps.clock,
      );
      return toSignIn(reply, error);
    };
    if (!flow) return refuse('no_flow', 'sso_failed');
    const callbackUrl = new URL(oidc.settings.redirectUri());
    for (const [key, value] of Object.entries(request.query)) callbackUrl.searchParams.set(key, value);
    const stepUp = flow.data.purpose === 'step-up';
    let proven;
    try {
      proven = await oidc.finish(callbackUrl, {
        state: flow.data.state ?? '',
        nonce: flow.data.nonce ?? '',
        codeVerifier: flow.data.codeVerifier ?? '',
        ...(stepUp ? { maxAgeSeconds: 600 } : {}),
      });
    } catch (error) {
      return refuse(error instanceof OidcRefusal ? error.reason : 'unexpected', 'sso_failed');
    }
    if (!proven.roleClaimPresent) return refuse('role_claim_missing', 'no_role');
    if (proven.role === null) return refuse('no_mapped_group', 'no_role');
    const staff = await upsertSsoStaff(deps.store, { ...proven, role: proven.role }, deps.clock);
    if (staff.disabled) return refuse('account_disabled', 'sso_failed', staff.username);
    // Checked again on the way out: a flow written before this check was as strict still redirects safely.
    const returnTo = safeReturnTo(flow.data.returnTo);
    if (stepUp) {
      // The session this step-up was started from, still live and still this person's.
      const session = await deps.store.read.selectFrom('sessions').select('username').where('id_hash', '=', flow.sessionHash ?? '').executeTakeFirst();
      if (!session || session.username !== staff.username) return refuse('step_up_other_person', 'sso_failed', staff.username);
      await markStrongAuth(deps.store, flow.sessionHash!, deps.clock);
      await recordAdminActivity(deps.store, { staff: staff.username, action: 'step_up', ...seenFrom(request), details: { method: 'sso' } }, deps.clock);
      return reply.redirect(returnTo, 302);
    }
    await completeSignIn(deps, request, reply, {
      username: staff.username,
      method: 'sso',
      refreshToken: proven.refreshToken ? identity.box.seal(proven.refreshToken) : null,
      ...(staff.created ? { details: { created: 'true' } } : {}),
    });
    return reply.redirect(returnTo, 302);
  });

  // ---- Second step of a password sign-in ------------------------------------------------------
  const localFlow = (request: FastifyRequest, kind: 'mfa' | 'enrol', consume: boolean) => readFlow(deps.store, request.cookies[localCookie], kind, { consume }, deps.clock);
  const noFlow = () => new HttpError('UNAUTHENTICATED', 'This sign-in has timed out. Enter your username and password again.');
  /**
   * The account of a flow, when it can still finish signing in: it exists and is enabled. A change
   * of the account ends its flows (staff.ts, deleteSignInFlowsIn); this is checked as well, before
   * a code is spent or a secret written, and answers what an ended flow answers — never a 500.
   */
  const accountOfFlow = async (username: string) => {
    const account = await getStaffCredentials(deps.store, username);
    if (!account || account.disabled !== 0) throw noFlow();
    return account;
  };

  registerRoute(app, routes.mfa, {}, async (request, reply) => {
    const flow = await localFlow(request, 'mfa', false);
    if (!flow?.username) throw noFlow();
    await accountOfFlow(flow.username);
    const result = await checkCode(deps.store, identity.box, deps.loginThrottle, { username: flow.username, code: request.body.code, ip: request.ip }, deps.clock);
    if (!result.ok) {
      request.log.warn({ event: 'authn_login_fail', method: 'totp', reason: result.reason, staff: flow.username, ip: request.ip }, 'code refused');
      if (result.reason !== 'throttled') {
        await recordAdminActivity(deps.store, { staff: flow.username, action: 'sign_in_failed', ...seenFrom(request), details: { method: 'totp' } }, deps.clock);
      }
      refuseCode(result);
    }
    if (!(await localFlow(request, 'mfa', true))) throw noFlow(); // used up by a parallel request
    clearFlowCookie(reply, deps.cookie, 'local');
    const staff = await getStaff(deps.store, flow.username);
    if (!staff || staff.disabled) throw noFlow();
    await completeSignIn(deps, request, reply, { username: staff.username, method: 'totp', details: { factor: result.via } });
    return { username: staff.username, role: staff.role };
  });

  // An enrolment flow is for an account without TOTP: one that has it by now (set up from another
  // session) signs in with its code, and its factor is not replaced from here.
  const accountToEnrol = async (username: string) => {
    const account = await accountOfFlow(username);
    if (account.totp_secret) throw noFlow();
    return account;
  };

  registerRoute(app, routes.enrolmentDuringSignIn, {}, async (request) => {
    const flow = await localFlow(request, 'enrol', false);
    if (!flow?.username) throw noFlow();
    await accountToEnrol(flow.username);
    return startEnrolment(deps.store, identity.box, flow.username);
  });

  registerRoute(app, routes.confirmEnrolmentDuringSignIn, {}, async (request, reply) => {
    const flow = await localFlow(request, 'enrol', false);
    if (!flow?.username) throw noFlow();
    await accountToEnrol(flow.username);
    const result = await checkCode(deps.store, identity.box, deps.loginThrottle, { username: flow.username, code: request.body.code, ip: request.ip, pending: true }, deps.clock);
    if (!result.ok) refuseCode(result);
    if (!(await localFlow(request, 'enrol', true))) throw noFlow();
    clearFlowCookie(reply, deps.cookie, 'local');
    let recoveryCodes;
    try {
      // Checks again, in the transaction that writes the secret, that the account is enabled.
      recoveryCodes = await completeEnrolment(deps.store, identity.box, flow.username);
    } catch (error) {
      if (error instanceof StaffError) throw noFlow();
      throw error;
    }
    await recordAdminActivity(deps.store, { staff: flow.username, action: 'mfa_enrolled', ...seenFrom(request) }, deps.clock);
    const staff = await getStaff(deps.store, flow.username);
    if (!staff || staff.disabled) throw noFlow();
    await completeSignIn(deps, request, reply, { username: staff.username, method: 'totp', details: { factor: 'enrolment' } });
    return { recoveryCodes, session: { username: staff.username, role: staff.role } };
  });

  // ---- Step-up ------------------------------------------------------------------------------
  registerRoute(app, routes.stepUp, { onRequest: requireRole('viewer') }, async (request) => {
    const staff = request.staff!;
    if (staff.method === 'sso') {
      throw new HttpError('CONFLICT', 'This session signed in through the identity provider; confirm who you are there (GET /api/auth/oidc/start?purpose=step-up).');
    }
    const password = await authenticate(deps.store, deps.loginThrottle, { username: staff.username, password: request.body.password, ip: request.ip }, deps.clock);
    if (!password.ok) {
      if (password.reason === 'throttled') throw new HttpError('RATE_LIMITED', 'Too many attempts. Wait a little and try again.', { retryAfterSeconds: password.retryAfterSeconds ?? 60 });
      await recordAdminActivity(deps.store, { staff: staff.username, action: 'sign_in_failed', ...seenFrom(request), details: { method: 'password', purpose: 'step-up' } }, deps.clock);
      throw new HttpError('VALIDATION_FAILED', 'The password is not right.', { details: { 'body.password': ['The password is not right.'] } });
    }
    const account = await getStaffCredentials(deps.store, staff.username);
    let method: 'password' | 'totp' = 'password';
    if (account?.totp_secret) {
      if (!request.body.code) throw new HttpError('VALIDATION_FAILED', 'Enter the code from your authenticator app too.', { details: { 'body.code': ['Enter the code from your authenticator app.'] } });
      const code = await checkCode(deps.store, identity.box, deps.loginThrottle, { username: staff.username, code: request.body.code, ip: request.ip }, deps.clock);
      if (!code.ok) {
        if (code.reason === 'throttled') refuseCode(code);
        throw new HttpError('VALIDATION_FAILED', 'That code is not right, or it was used already.', { details: { 'body.code': ['That code is not right, or it was used already.'] } });
      }
      method = 'totp';
    }
    await markStrongAuth(deps.store, staff.idHash, deps.clock);
    request.log.info({ event: 'authn_step_up', staff: staff.username, method }, 'stepped up');
    await recordAdminActivity(deps.store, { staff: staff.username, action: 'step_up', ...seenFrom(request), details: { method } }, deps.clock);
    return { username: staff.username, role: staff.role };
  });
};
