// ID tokens the real rehearsal provider will not produce — from another issuer, for another
// audience, expired, or unsigned (alg: none) — served by a tiny fake provider whose token endpoint
// signs (or does not sign) what each test asks for with `jose`. Each must end at the sign-in page
// with an error and no session; a correctly signed token from the same fake is accepted, so the
// refusals are the relying party's checks and not a broken fake.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBff, sessionIdSetBy, type TestBff } from '../testing/bff-harness';

type Forge = (claims: JWTPayload & { nonce: string }) => Promise<string>;

let server: Server;
let issuer: string;
let bff: TestBff;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let forge: Forge;
const nonces = new Map<string, string>();

const unsigned = (claims: JWTPayload) =>
  `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json({
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/jwks') return json({ keys: [jwk] });
    if (url.pathname === '/token') {
      let body = '';
      req.on('data', (chunk) => (body += String(chunk)));
      req.on('end', () => {
        const code = new URLSearchParams(body).get('code') ?? '';
        void forge({ nonce: nonces.get(code) ?? '' }).then((idToken) => json({ access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: idToken }));
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  bff = await startTestBff({
    identity: { oidc: { issuer, clientId: 'markdesk', clientSecret: 'fake-secret', roleClaim: 'groups', roleMap: new Map([['md-admins', 'admin']]), name: 'Fake', scopes: 'openid' } },
  });
});
afterAll(async () => {
  await bff.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const now = () => Math.floor(Date.now() / 1000);
const goodClaims = (nonce: string): JWTPayload => ({ iss: issuer, aud: 'markdesk', sub: 'forged-1', iat: now(), exp: now() + 300, nonce, groups: ['md-admins'], preferred_username: 'forged.person' });
const sign = (claims: JWTPayload) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);

/** Starts a flow, delivers a callback whose code the fake answers with `forge`'s token. */
async function signInWith(make: Forge) {
  forge = make;
  const start = await bff.inject({ method: 'GET', url: '/api/auth/oidc/start?returnTo=/marks' });
  const authUrl = new URL(String(start.headers.location));
  const flowCookie = String(([] as string[]).concat(start.headers['set-cookie'] as string | string[])[0]).split(';')[0]!;
  const code = `code-${Math.random().toString(36).slice(2)}`;
  nonces.set(code, authUrl.searchParams.get('nonce') ?? '');
  const callback = await bff.inject({ method: 'GET', url: `/api/auth/oidc/callback?code=${code}&state=${authUrl.searchParams.get('state')}`, headers: { cookie: flowCookie } });
  return { status: callback.statusCode, location: String(callback.headers.location), sessionId: sessionIdSetBy(callback) };
}

describe('forged ID tokens are refused', () => {
  it('accepts a correctly signed token from the fake (the control)', async () => {
    const outcome = await signInWith(async ({ nonce }) => sign(goodClaims(nonce)));
    expect(outcome).toMatchObject({ status: 302, location: '/marks' });
    expect(outcome.sessionId).not.toBeNull();
  });

  it.each([
    ['another issuer', (nonce: string) => sign({ ...goodClaims(nonce), iss: 'https://evil.example.com' })],
    ['another audience', (nonce: string) => sign({ ...goodClaims(nonce), aud: 'some-other-client' })],
    ['an expired token', (nonce: string) => sign({ ...goodClaims(nonce), iat: now() - 7200, exp: now() - 3600 })],
    ['alg: none', async (nonce: string) => unsigned(goodClaims(nonce))],
    ['a token signed with another key', async (nonce: string) => new SignJWT(goodClaims(nonce)).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign((await generateKeyPair('RS256')).privateKey)],
  ])('refuses %s with a sign-in error and no session', async (_name, make) => {
    const outcome = await signInWith(({ nonce }) => make(nonce));
    expect(outcome).toEqual({ status: 302, location: '/signin?error=sso_failed', sessionId: null });
  });
});
