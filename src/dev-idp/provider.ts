// A real OpenID Connect provider (oidc-provider) for rehearsing single sign-on: demo staff in three
// groups, a sign-in page, authorization code flow with PKCE, refresh tokens and the groups claim
// in the ID token. Tests and the end-to-end suite use it the way the Chat emulator stands in for
// Tencent. Never for production: accounts live in memory and passwords are printed.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type ProviderContext } from 'oidc-provider';

export type DemoAccount = { sub: string; username: string; name: string; email: string; groups: string[] | undefined; password: string };

export type DevIdpOptions = {
  host?: string;
  port?: number;
  clientId?: string;
  clientSecret?: string;
  /** Where Markdesk runs (its callback is {origin}/api/auth/oidc/callback); on loopback any port is accepted. */
  markdeskOrigin?: string;
};

export type RunningDevIdp = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Demo staff by username; a test may change someone's groups (a role changed at the provider). */
  accounts: Map<string, DemoAccount>;
  roleMap: string;
  /** The environment variables that point Markdesk at this provider. */
  env(): Record<string, string>;
  close(): Promise<void>;
};

export const DEMO_GROUPS = { admins: 'md-admins', support: 'md-support', pm: 'md-pm' } as const;
export const DEMO_ROLE_MAP = `${DEMO_GROUPS.admins}=admin,${DEMO_GROUPS.support}=editor,${DEMO_GROUPS.pm}=viewer`;

const randomPassword = () => randomBytes(12).toString('base64url');

function demoAccounts(): Map<string, DemoAccount> {
  const accounts: DemoAccount[] = [
    { sub: 'u-1001', username: 'sso.admin', name: 'Seo-yeon Park', email: 'sso.admin@example.com', groups: [DEMO_GROUPS.admins, 'everyone'], password: randomPassword() },
    { sub: 'u-1002', username: 'sso.support', name: 'Min-jun Lee', email: 'sso.support@example.com', groups: [DEMO_GROUPS.support, 'everyone'], password: randomPassword() },
    { sub: 'u-1003', username: 'sso.pm', name: 'Li Wei', email: 'sso.pm@example.com', groups: [DEMO_GROUPS.pm, 'everyone'], password: randomPassword() },
    // In the directory, but in no Markdesk group: signs in at the provider and gets no Markdesk role.
    { sub: 'u-1004', username: 'sso.nobody', name: 'Jamie Doe', email: 'sso.nobody@example.com', groups: ['everyone'], password: randomPassword() },
    // Without a groups claim at all.
    { sub: 'u-1005', username: 'sso.nogroups', name: 'Alex Kim', email: 'sso.nogroups@example.com', groups: undefined, password: randomPassword() },
  ];
  return new Map(accounts.map((account) => [account.username, account]));
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.4rem;font-size:1rem}button{margin-top:1rem;padding:.5rem 1rem;font-size:1rem}.error{color:#b00020}</style>
</head><body><main>${body}</main></body></html>`;
}

function loginForm(uid: string, error?: string): string {
  return page(
    'Dev identity provider — sign in',
    `<h1>Dev identity provider</h1><p>Sign in as one of the demo staff (their passwords were printed at start).</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Continue</button></form>`,
  );
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 10_000) break;
  }
  return new URLSearchParams(body);
}

export async function startDevIdp(options: DevIdpOptions = {}): Promise<RunningDevIdp> {
  const host = options.host ?? '127.0.0.1';
  const clientId = options.clientId ?? 'markdesk';
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  const markdeskOrigin = new URL(options.markdeskOrigin ?? 'http://127.0.0.1:8080');
  const accounts = demoAccounts();
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'dev-idp-1', alg: 'RS256', use: 'sig' };
  const loopback = markdeskOrigin.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(markdeskOrigin.hostname);
  const callbackPath = '/api/auth/oidc/callback';
  const redirectUris = loopback
    ? // A native (loopback) client: the provider accepts these on any port (RFC 8252), so Markdesk may listen on port 0.
      [`http://127.0.0.1${callbackPath}`, `http://localhost${callbackPath}`]
    : [`${markdeskOrigin.origin}${callbackPath}`];

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        application_type: loopback ? 'native' : 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    findAccount: async (_ctx: unknown, id: string) => {
      const account = [...accounts.values()].find((candidate) => candidate.sub === id);
      if (!account) return undefined;
      return {
        accountId: id,
        // Read at every token: a group changed here shows in the next ID token (sign-in or refresh).
        claims: async () => ({
          sub: id,
          name: account.name,
          preferred_username: account.username,
          email: account.email,
          ...(account.groups ? { groups: [...account.groups] } : {}),
        }),
      };
    },
    claims: { openid: ['sub', 'groups'], profile: ['name', 'preferred_username'], email: ['email'] },
    // Scope-released claims go into the ID token too (Markdesk reads the groups from there).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // A first-party client: no consent screen; the grant covers what Markdesk asks for.
    loadExistingGrant: async (ctx: ProviderContext) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      if (!ctx.oidc.session.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email offline_access');
      grant.addOIDCClaims(['groups', 'name', 'preferred_username', 'email']);
      await grant.save();
      return grant;
    },
    // Refresh tokens whenever the client may use them (Markdesk re-checks open sessions with them).
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    ttl: { AccessToken: 3600, IdToken: 3600, RefreshToken: 8 * 3600, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600 },
  });
  const providerCallback = provider.callback();

  const interaction = async (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== match[1]) throw new Error('interaction mismatch');
    const send = (html: string, status = 200) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    };
    if (details.prompt.name === 'login') {
      if (match[2] !== '/login' || req.method !== 'POST') return send(loginForm(details.uid));
      const form = await readForm(req);
      const account = accounts.get((form.get('username') ?? '').trim().toLowerCase());
      if (!account || account.password !== form.get('password')) return send(loginForm(details.uid, 'Unknown username or wrong password.'), 401);
      return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
    }
    // Consent for the first-party client: granted as asked.
    const grant = new provider.Grant({ accountId: details.session?.accountId ?? '', clientId });
    grant.addOIDCScope('openid profile email offline_access');
    grant.addOIDCClaims(['groups', 'name', 'preferred_username', 'email']);
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec((req.url ?? '').split('?')[0] ?? '');
    if (!match) return providerCallback(req, res);
    interaction(req, res, match).catch(() => {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('Sign-in failed', '<h1>This sign-in has expired</h1><p>Go back to Markdesk and start again.</p>'));
    });
  });

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    roleMap: DEMO_ROLE_MAP,
    env: () => ({
      MARKDESK_OIDC_ISSUER: issuer,
      MARKDESK_OIDC_CLIENT_ID: clientId,
      MARKDESK_OIDC_CLIENT_SECRET: clientSecret,
      MARKDESK_OIDC_ROLE_CLAIM: 'groups',
      MARKDESK_OIDC_ROLE_MAP: DEMO_ROLE_MAP,
      MARKDESK_OIDC_NAME: 'Dev IdP',
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
