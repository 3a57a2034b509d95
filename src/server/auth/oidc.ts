// The relying party of single sign-on: OpenID Connect authorization code flow with PKCE (S256),
// state and nonce, through openid-client (a certified relying-party library). Discovery happens
// at the first use and is cached; a failed discovery is tried again at the next sign-in.
import * as client from 'openid-client';
import { roleAtLeast, roleSchema, type Role } from '../../shared/api/session';

export type OidcSettings = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Claim holding the person's groups (default `groups`). */
  roleClaim: string;
  /** idp-group → role. */
  roleMap: ReadonlyMap<string, Role>;
  /** The provider's name on the sign-in button. */
  name: string;
  scopes: string;
  /** `{MARKDESK_PUBLIC_ORIGIN}/api/auth/oidc/callback` (a function: with MARKDESK_PORT=0 the origin is known only once listening) */
  redirectUri: () => string;
};

/** What a sign-in through the provider proved: who, and which of their groups map to a role. */
export type OidcIdentity = {
  issuer: string;
  subject: string;
  /** A name to give a new staff account (preferred_username, else email, else sub). */
  suggestedName: string;
  /** The highest mapped role, or null (no mapped group, or no role claim at all). */
  role: Role | null;
  roleClaimPresent: boolean;
  refreshToken: string | null;
};

export type OidcStart = { url: string; state: string; nonce: string; codeVerifier: string };

/** `md-admins=admin,md-support=editor` → a map; null with the first bad entry's sentence. */
export function parseRoleMap(text: string): { map: Map<string, Role> } | { problem: string } {
  const map = new Map<string, Role>();
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const at = entry.lastIndexOf('=');
    const group = entry.slice(0, at).trim();
    const role = roleSchema.safeParse(entry.slice(at + 1).trim());
    if (at <= 0 || !role.success) {
      return { problem: `must be a list of group=role (role viewer, editor or admin), e.g. md-admins=admin,md-support=editor; "${entry.slice(0, 40)}" is not` };
    }
    map.set(group, role.data);
  }
  if (map.size === 0) return { problem: 'must name at least one group=role' };
  return { map };
}

/** The highest role any of the claim's groups maps to; null when none does. */
export function mapRole(claim: unknown, roleMap: ReadonlyMap<string, Role>): Role | null {
  const groups = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/[\s,]+/) : [];
  let best: Role | null = null;
  for (const group of groups) {
    const role = typeof group === 'string' ? roleMap.get(group) : undefined;
    if (role && (best === null || !roleAtLeast(best, role))) best = role;
  }
  return best;
}

/** Why a callback or a refresh was refused, for the log (never shown as such, never with a token). */
export class OidcRefusal extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'OidcRefusal';
  }
}

function describeLibraryError(error: unknown): OidcRefusal {
  if (error instanceof client.ResponseBodyError) return new OidcRefusal(`provider_${error.error}`, `The provider refused: ${error.error}.`);
  if (error instanceof client.AuthorizationResponseError) return new OidcRefusal(`provider_${error.error}`, `The provider answered the sign-in with ${error.error}.`);
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return new OidcRefusal(error.code.toLowerCase(), error.message.slice(0, 200));
  }
  return new OidcRefusal('unexpected', error instanceof Error ? error.message.slice(0, 200) : 'unknown error');
}

export type OidcRp = {
  settings: OidcSettings;
  /** The provider's authorization URL plus the secrets the callback checks against. */
  start(options: { reauthenticate: boolean }): Promise<OidcStart>;
  /** Exchanges the code (checks state, nonce, PKCE, issuer, audience, expiry, signature; max_age when asked). */
  finish(callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string; maxAgeSeconds?: number }): Promise<OidcIdentity>;
  /** Asks the provider again with the refresh token: the person's current role (null: none any more). */
  refresh(refreshToken: string, subject: string): Promise<{ role: Role | null; refreshToken: string | null }>;
};

export function createOidcRp(settings: OidcSettings, options: { timeoutSeconds?: number } = {}): OidcRp {
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = () => {
    if (!discovered) {
      const issuer = new URL(settings.issuer);
      discovered = client
        .discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
          // A provider on plain http is only accepted on the loopback interface (a rehearsal provider).
          // The ID token's signature is checked against the provider's keys too, not only trusted
          // because it came over TLS from the token endpoint (non-repudiation checks).
          execute: [
            client.enableNonRepudiationChecks,
            ...(issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname) ? [client.allowInsecureRequests] : []),
          ],
          timeout: options.timeoutSeconds ?? 10,
        })
        .catch((error: unknown) => {
          discovered = null;
          throw new OidcRefusal('discovery_failed', `The identity provider could not be reached: ${error instanceof Error ? error.message.slice(0, 160) : 'unknown error'}`);
        });
    }
    return discovered;
  };
  const identityFrom = (claims: client.IDToken, refreshToken: string | null): OidcIdentity => {
    const raw = claims[settings.roleClaim];
    const name = [claims.preferred_username, typeof claims.email === 'string' ? claims.email.split('@')[0] : undefined, claims.sub].find(
      (value): value is string => typeof value === 'string' && value.length > 0,
    );
    return {
      issuer: claims.iss,
      subject: claims.sub,
      suggestedName: name ?? claims.sub,
      role: mapRole(raw, settings.roleMap),
      roleClaimPresent: raw !== undefined,
      refreshToken,
    };
  };

  return {
    settings,
    async start({ reauthenticate }) {
      const config = await configuration();
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const parameters: Record<string, string> = {
        redirect_uri: settings.redirectUri(),
        scope: settings.scopes,
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      };
      // Step-up: the provider must authenticate the person again, and say when it did (auth_time).
      if (reauthenticate) Object.assign(parameters, { max_age: '0', prompt: 'login' });
      return { url: client.buildAuthorizationUrl(config, parameters).href, state, nonce, codeVerifier };
    },
    async finish(callbackUrl, expected) {
      const config = await configuration();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: expected.codeVerifier,
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          idTokenExpected: true,
          ...(expected.maxAgeSeconds !== undefined ? { maxAge: expected.maxAgeSeconds } : {}),
        });
      } catch (error) {
        throw describeLibraryError(error);
      }
      const claims = tokens.claims();
      if (!claims) throw new OidcRefusal('no_id_token', 'The provider sent no ID token.');
      return identityFrom(claims, tokens.refresh_token ?? null);
    },
    async refresh(refreshToken, subject) {
      const config = await configuration();
      let tokens: Awaited<ReturnType<typeof client.refreshTokenGrant>>;
      try {
        tokens = await client.refreshTokenGrant(config, refreshToken);
      } catch (error) {
        throw describeLibraryError(error);
      }
      const claims = tokens.claims();
      if (!claims) throw new OidcRefusal('no_id_token', 'The provider sent no ID token with the refreshed tokens.');
      if (claims.sub !== subject) throw new OidcRefusal('subject_changed', 'The refreshed ID token names another person.');
      return { role: mapRole(claims[settings.roleClaim], settings.roleMap), refreshToken: tokens.refresh_token ?? refreshToken };
    },
  };
}
