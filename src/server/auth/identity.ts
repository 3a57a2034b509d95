// Identity as the routes see it: the settings (SSO, local sign-in, required MFA), the sealing key,
// sign-ins in progress (auth_flows), staff created just in time from SSO, and the re-check of open
// SSO sessions.
import { createHash, randomBytes } from 'node:crypto';
import type { IdentityConfig } from '../config';
import { type Reader, type Role, type Store } from '../store/database';
import { createOidcRp, type OidcIdentity, type OidcRp } from './oidc';
import { secretBox, type SecretBox } from './secret-box';
import { SESSION_IDLE_TIMEOUT_MS, endSessions, type SessionPrincipal } from './sessions';
import { type Clock, systemClock } from '../clock';

/** Admin actions need an authentication at most this old. */
export const STEP_UP_MAX_AGE_MS = 10 * 60 * 1000;
/** An SSO session asks the provider again (refresh token) at least this often: well within the 30-minute idle timeout. */
export const IDP_RECHECK_EVERY_MS = 5 * 60 * 1000;
/** A password accepted with the code still to come, or an enrolment, stays open this long. */
export const MFA_FLOW_TTL_MS = 5 * 60 * 1000;
/** A trip to the identity provider and back may take this long. */
export const OIDC_FLOW_TTL_MS = 10 * 60 * 1000;

export type Identity = {
  oidc: OidcRp | null;
  localLogin: boolean;
  requireMfa: boolean;
  box: SecretBox;
};

export function createIdentity(config: IdentityConfig, options: { publicOrigin: () => string; rootKey: Buffer }): Identity {
  return {
    oidc: config.oidc ? createOidcRp({ ...config.oidc, redirectUri: () => `${options.publicOrigin()}/api/auth/oidc/callback` }) : null,
    localLogin: config.localLogin,
    requireMfa: config.requireMfa,
    box: secretBox(options.rootKey),
  };
}

const hashFlowId = (flowId: string) => createHash('sha256').update(flowId, 'utf8').digest('hex');

export type FlowKind = 'mfa' | 'enrol' | 'oidc';
export type Flow = { kind: FlowKind; username: string | null; sessionHash: string | null; data: Record<string, string> };

/** Starts a flow; returns the id for its cookie (only its hash is stored). */
export async function createFlow(store: Store, flow: Flow, clock: Clock = systemClock): Promise<string> {
  const flowId = randomBytes(32).toString('base64url');
  const now = new Date(clock.now());
  await store.write(async (tx) => {
    await tx
      .insertInto('auth_flows')
      .values({
        id_hash: hashFlowId(flowId),
        kind: flow.kind,
        username: flow.username,
        session_hash: flow.sessionHash,
        data_json: JSON.stringify(flow.data),
        created_at: now.toISOString(),
      })
      .execute();
    // Flows nobody finished are dropped here, now and then.
    await tx.deleteFrom('auth_flows').where('created_at', '<=', new Date(now.getTime() - OIDC_FLOW_TTL_MS).toISOString()).execute();
  });
  return flowId;
}

function selectFlow(db: Reader, idHash: string, kind: FlowKind) {
  return db.selectFrom('auth_flows').selectAll().where('id_hash', '=', idHash).where('kind', '=', kind).executeTakeFirst();
}

/** The live flow of this kind behind a cookie value, or null. `consume`: it is deleted (single use). */
export async function readFlow(store: Store, flowId: string | undefined, kind: FlowKind, options: { consume: boolean }, clock: Clock = systemClock): Promise<Flow | null> {
  if (!flowId || !/^[A-Za-z0-9_-]{43}$/.test(flowId)) return null;
  const idHash = hashFlowId(flowId);
  // Consumed: read and deleted in one transaction, so of two requests racing with one flow, only one gets it.
  const row = options.consume
    ? await store.write(async (tx) => {
        const found = await selectFlow(tx, idHash, kind);
        if (found) await tx.deleteFrom('auth_flows').where('id_hash', '=', idHash).execute();
        return found;
      })
    : await selectFlow(store.read, idHash, kind);
  if (!row) return null;
  const ttl = kind === 'oidc' ? OIDC_FLOW_TTL_MS : MFA_FLOW_TTL_MS;
  if (clock.now() - Date.parse(row.created_at) >= ttl) return null;
  return { kind, username: row.username, sessionHash: row.session_hash, data: JSON.parse(row.data_json) as Record<string, string> };
}

export async function deleteFlow(store: Store, flowId: string | undefined): Promise<void> {
  if (flowId && /^[A-Za-z0-9_-]{43}$/.test(flowId)) await store.write((tx) => tx.deleteFrom('auth_flows').where('id_hash', '=', hashFlowId(flowId)).execute());
}

/** A username for a new SSO account: the suggested name made valid, never one that is already taken. */
function usernameCandidates(suggested: string): string[] {
  const base = (suggested.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z]+/, '').slice(0, 48) || 'sso-user').replace(/-+$/, '') || 'sso-user';
  const padded = base.length >= 2 ? base : `${base}-sso`;
  return [padded, `${padded}-sso`, ...Array.from({ length: 8 }, (_, i) => `${padded}-sso${i + 2}`)];
}

export type SsoStaff = { username: string; role: Role; created: boolean; disabled: boolean };

/**
 * The staff account of an SSO identity, matched by issuer and subject only (never by a name: a
 * provider account called "admin" must not become the local admin). Created just in time, marked
 * as coming from SSO, without a usable password; its role is set from the claim at every sign-in.
 */
export async function upsertSsoStaff(store: Store, identity: OidcIdentity & { role: Role }, clock: Clock = systemClock): Promise<SsoStaff> {
  const subject = `${identity.issuer} ${identity.subject}`;
  return store.write(async (tx) => {
    const existing = await tx.selectFrom('staff').select(['username', 'role', 'disabled']).where('sso_subject', '=', subject).executeTakeFirst();
    if (existing) {
      if (existing.role !== identity.role) await tx.updateTable('staff').set({ role: identity.role }).where('username', '=', existing.username).execute();
      return { username: existing.username, role: identity.role, created: false, disabled: existing.disabled === 1 };
    }
    for (const username of usernameCandidates(identity.suggestedName)) {
      const taken = await tx.selectFrom('staff').select('username').where('username', '=', username).executeTakeFirst();
      if (taken) continue;
      await tx
        .insertInto('staff')
        .values({
          username,
          role: identity.role,
          // No password can match this: argon2 cannot parse it, so password sign-in always fails.
          password_hash: '!sso',
          disabled: 0,
          created_at: new Date(clock.now()).toISOString(),
          last_login_at: new Date(clock.now()).toISOString(),
          failed_logins: 0,
          locked_until: null,
          source: 'sso',
          sso_subject: subject,
        })
        .execute();
      return { username, role: identity.role, created: true, disabled: false };
    }
    throw new Error('No free username for this SSO account.');
  });
}

export type RecheckOutcome = 'ok' | 'role_removed' | 'expired';

/**
 * Re-checks an SSO session whose last confirmation is IDP_RECHECK_EVERY_MS old, with the refresh
 * token: a changed role takes effect at once, no role ends the session. Without a refresh token, or
 * when the provider cannot be reached for as long as the idle timeout, the session ends (expired)
 * and the person signs in again through the provider. One re-check per session at a time.
 */
export function createSessionRechecker(deps: { store: Store; identity: Identity; clock: Clock; log?: (fields: object, message: string) => void }) {
  const inFlight = new Map<string, Promise<RecheckOutcome>>();
  const recheck = async (principal: SessionPrincipal): Promise<RecheckOutcome> => {
    const { store, identity, clock } = deps;
    const now = new Date(clock.now());
    const lastCheck = Date.parse(principal.idpCheckedAt ?? principal.authAt);
    if (now.getTime() - lastCheck < IDP_RECHECK_EVERY_MS || !identity.oidc) return 'ok';
    const sealed = principal.refreshToken ? identity.box.open(principal.refreshToken) : null;
    const staff = await store.read.selectFrom('staff').select(['sso_subject', 'role']).where('username', '=', principal.username).executeTakeFirst();
    const subject = staff?.sso_subject?.split(' ').slice(1).join(' ');
    if (!sealed || !subject) {
      if (now.getTime() - lastCheck < SESSION_IDLE_TIMEOUT_MS) return 'ok';
      await endSessions(store, [principal.idHash], 'expired', clock);
      return 'expired';
    }
    try {
      const answer = await identity.oidc.refresh(sealed, subject);
      if (answer.role === null) {
        await endSessions(store, [principal.idHash], 'role_removed', clock);
        deps.log?.({ event: 'authz_change', staff: principal.username, reason: 'role_removed_at_provider' }, 'SSO session ended: no Markdesk role any more');
        return 'role_removed';
      }
      const role = answer.role;
      const roleChanged = role !== staff?.role;
      await store.write(async (tx) => {
        if (roleChanged) await tx.updateTable('staff').set({ role }).where('username', '=', principal.username).execute();
        await tx
          .updateTable('sessions')
          .set({ idp_checked_at: new Date(clock.now()).toISOString(), refresh_token: answer.refreshToken ? identity.box.seal(answer.refreshToken) : null })
          .where('id_hash', '=', principal.idHash)
          .execute();
      });
      if (roleChanged) deps.log?.({ event: 'authz_change', staff: principal.username, from: staff?.role, to: role }, 'role changed at the identity provider');
      return 'ok';
    } catch (error) {
      const reason = error instanceof Error && 'reason' in error ? String(error.reason) : 'unexpected';
      // The provider said no (the grant was revoked, the person removed): the session ends now.
      if (reason.startsWith('provider_')) {
        await endSessions(store, [principal.idHash], 'role_removed', clock);
        deps.log?.({ event: 'authz_change', staff: principal.username, reason }, 'SSO session ended: the provider refused the refresh');
        return 'role_removed';
      }
      if (now.getTime() - lastCheck < SESSION_IDLE_TIMEOUT_MS) return 'ok';
      await endSessions(store, [principal.idHash], 'expired', clock);
      return 'expired';
    }
  };
  return (principal: SessionPrincipal): Promise<RecheckOutcome> => {
    const running = inFlight.get(principal.idHash);
    if (running) return running;
    const promise = recheck(principal).finally(() => inFlight.delete(principal.idHash));
    inFlight.set(principal.idHash, promise);
    return promise;
  };
}
