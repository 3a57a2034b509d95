// The protocol rules of docs/http-api.md: the CSRF rule on every state-changing request (login included), no
// CORS, security headers and the strict CSP with nonces on the SPA, no-store, x-request-id, the
// body limit, and the JSON 404.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBff, TEST_PASSWORD, type TestBff } from '../testing/bff-harness';
import { isApiPath } from './security';

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>Markdesk</title>
    <link rel="stylesheet" href="/assets/index.css">
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/assets/x.js"></script>
  </body>
</html>
`;

let bff: TestBff;
let spaDir: string;
let adminCookie: string;

beforeAll(async () => {
  spaDir = mkdtempSync(join(tmpdir(), 'markdesk-spa-'));
  mkdirSync(join(spaDir, 'assets'));
  writeFileSync(join(spaDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(spaDir, 'assets', 'x.js'), 'console.log("hello");\n');
  writeFileSync(join(spaDir, 'assets', 'index.css'), 'body { margin: 0; }\n');
  bff = await startTestBff({ spaDir });
  adminCookie = await bff.signIn('admin');
});
afterAll(async () => {
  await bff.close();
  rmSync(spaDir, { recursive: true, force: true });
});

const errorOf = (response: LightMyRequestResponse) => (response.json() as { error: { code: string; message: string; requestId: string } }).error;

describe('CSRF rule (state-changing requests, login included)', () => {
  const login = (headers: Record<string, string>, payload: unknown = { username: 'viewer', password: TEST_PASSWORD }): InjectOptions => ({
    method: 'POST',
    url: '/api/session',
    headers,
    payload: payload as InjectOptions['payload'],
  });
  const labels = (headers: Record<string, string>): InjectOptions => ({
    method: 'PUT',
    url: '/api/mark-labels',
    headers: { cookie: adminCookie, 'if-match': '*', ...headers },
    payload: { labels: {} },
  });

  const refusals: [string, (write: Record<string, string>) => Record<string, string>, number, string][] = [
    ['no X-Requested-By', ({ 'x-requested-by': _omit, ...rest }) => rest, 403, 'CSRF_REJECTED'],
    ['X-Requested-By with another value', (write) => ({ ...write, 'x-requested-by': 'evil' }), 403, 'CSRF_REJECTED'],
    ['Sec-Fetch-Site: cross-site', (write) => ({ ...write, 'sec-fetch-site': 'cross-site' }), 403, 'CSRF_REJECTED'],
    ['Sec-Fetch-Site: same-site', (write) => ({ ...write, 'sec-fetch-site': 'same-site' }), 403, 'CSRF_REJECTED'],
    ['a foreign Origin', (write) => ({ ...write, origin: 'https://evil.example' }), 403, 'CSRF_REJECTED'],
    ['Origin: null', (write) => ({ ...write, origin: 'null' }), 403, 'CSRF_REJECTED'],
    ['our host on another port', (write) => ({ ...write, origin: 'http://127.0.0.1:9999' }), 403, 'CSRF_REJECTED'],
  ];

  for (const [name, headersOf, status, code] of refusals) {
    it(`refuses ${name}, for login and for a signed-in change`, async () => {
      for (const request of [login(headersOf(bff.writeHeaders)), labels(headersOf(bff.writeHeaders))]) {
        const response = await bff.inject(request);
        expect(response.statusCode, `${request.method} ${request.url}`).toBe(status);
        expect(errorOf(response).code).toBe(code);
      }
    });
  }

  it('refuses a body that is not JSON with 415 (text/plain, a form, none declared)', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      for (const base of [login(bff.writeHeaders), labels(bff.writeHeaders)]) {
        const response = await bff.inject({ ...base, headers: { ...base.headers, 'content-type': contentType }, payload: '{"username":"viewer"}' });
        expect(response.statusCode, `${base.url} as ${contentType}`).toBe(415);
        expect(errorOf(response).code).toBe('UNSUPPORTED_MEDIA_TYPE');
      }
    }
  });

  it('logs each refusal as authz_fail', () => {
    const refusalsLogged = bff.logs.filter((line) => line.includes('"event":"authz_fail"') && line.includes('CSRF_REJECTED'));
    expect(refusalsLogged.length).toBeGreaterThanOrEqual(refusals.length * 2);
  });

  it('cannot be side-stepped by percent-encoding the path', async () => {
    const response = await bff.inject({ ...login({}), url: '/%61pi/session' });
    expect(response.statusCode).toBe(403);
    expect(errorOf(response).code).toBe('CSRF_REJECTED');
  });

  it('passes a same-origin request (with or without Origin and Sec-Fetch-Site, JSON with a charset)', async () => {
    const { origin: _origin, 'sec-fetch-site': _site, ...bare } = bff.writeHeaders;
    for (const headers of [bff.writeHeaders, bare, { ...bff.writeHeaders, 'sec-fetch-site': 'none' }]) {
      const response = await bff.inject({ ...labels(headers), headers: { ...labels(headers).headers, 'content-type': 'application/json; charset=utf-8' } });
      expect(response.statusCode, JSON.stringify(headers)).toBe(200);
    }
    const signIn = await bff.inject(login({ ...bff.writeHeaders }));
    expect(signIn.statusCode).toBe(200);
  });

  it('does not apply to reads', async () => {
    const response = await bff.inject({ method: 'GET', url: '/api/mark-labels', headers: { cookie: adminCookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(response.statusCode).toBe(200);
  });
});

describe('no CORS', () => {
  it('answers a preflight without any access-control-* header', async () => {
    const response = await bff.inject({
      method: 'OPTIONS',
      url: '/api/chat-users/alice/marks',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-requested-by, content-type' },
    });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});

describe('the SPA’s index.html', () => {
  const nonceIn = (csp: string, directive: string) => {
    const rule = csp.split(';').map((part) => part.trim()).find((part) => part.startsWith(`${directive} `)) ?? '';
    return /'nonce-([^']+)'/.exec(rule)?.[1];
  };

  it('carries this response’s CSP nonce on its script and stylesheet, and in the csp-nonce meta for the style injector', async () => {
    const response = await bff.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(response.headers['content-security-policy']);
    const scriptNonce = nonceIn(csp, 'script-src');
    const styleNonce = nonceIn(csp, 'style-src');
    expect(scriptNonce).toMatch(/^[A-Za-z0-9+/=_-]{16,}$/);
    expect(styleNonce).toMatch(/^[A-Za-z0-9+/=_-]{16,}$/);
    expect(response.body).toContain(`<script nonce="${scriptNonce}" type="module" src="/assets/x.js"></script>`);
    expect(response.body).toContain(`<link rel="stylesheet" nonce="${styleNonce}" href="/assets/index.css">`);
    expect(response.body).toContain(`<meta property="csp-nonce" nonce="${styleNonce}" />`);
    // No script runs without the nonce: no 'unsafe-inline', no 'unsafe-eval', no wildcard.
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('uses a new nonce for every response', async () => {
    const first = await bff.inject({ method: 'GET', url: '/' });
    const second = await bff.inject({ method: 'GET', url: '/' });
    expect(nonceIn(String(first.headers['content-security-policy']), 'script-src')).not.toBe(
      nonceIn(String(second.headers['content-security-policy']), 'script-src'),
    );
  });

  it('is the answer to a deep link, but never to an /api path or a missing asset', async () => {
    const deepLink = await bff.inject({ method: 'GET', url: '/marks?user=alice' });
    expect(deepLink.statusCode).toBe(200);
    expect(deepLink.body).toContain('<div id="root">');
    for (const url of ['/api/nothing-here', '/api', '/api?x=1', '/assets/missing.js']) {
      const response = await bff.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/^application\/json/);
    }
  });

  it('is not served raw (without nonces) as /index.html', async () => {
    const response = await bff.inject({ method: 'GET', url: '/index.html' });
    expect(response.body).not.toContain('<script type="module"');
  });

  it('serves hashed assets as immutable', async () => {
    const response = await bff.inject({ method: 'GET', url: '/assets/x.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('immutable');
  });
});

describe('headers of every response', () => {
  it('sends nosniff, no-referrer and frame-ancestors none, and no HSTS on a plain-http origin', async () => {
    for (const url of ['/', '/api/health', '/api/nothing-here']) {
      const response = await bff.inject({ method: 'GET', url });
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
      expect(String(response.headers['content-security-policy']), url).toContain("frame-ancestors 'none'");
      expect(response.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it('forbids framing in both headers alike: X-Frame-Options DENY agrees with frame-ancestors none', async () => {
    for (const url of ['/', '/api/health', '/api/nothing-here', '/assets/x.js']) {
      const response = await bff.inject({ method: 'GET', url });
      expect(response.headers['x-frame-options'], url).toBe('DENY');
      expect(String(response.headers['content-security-policy']), url).toContain("frame-ancestors 'none'");
    }
  });

  it('switches off the powerful browser features the console never uses', async () => {
    for (const url of ['/', '/api/health', '/api/nothing-here']) {
      const policy = String(await bff.inject({ method: 'GET', url }).then((response) => response.headers['permissions-policy']));
      const features = Object.fromEntries(policy.split(',').map((part) => part.trim().split('=') as [string, string]));
      for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'serial', 'hid', 'display-capture']) {
        expect(features[feature], `${url}: ${feature}`).toBe('()');
      }
    }
  });

  it('sends HSTS when the public origin is https', async () => {
    const secure = await startTestBff({ publicOrigin: 'https://markdesk.example.com' });
    try {
      const response = await secure.inject({ method: 'GET', url: '/api/health' });
      expect(response.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    } finally {
      await secure.close();
    }
  });

  it('refuses a body over 64 KB with 413', async () => {
    const response = await bff.inject({
      method: 'PUT',
      url: '/api/mark-labels',
      headers: { ...bff.writeHeaders, cookie: adminCookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ labels: { '32': { name: 'x', description: 'y'.repeat(65 * 1024) } } }),
    });
    expect(response.statusCode).toBe(413);
    expect(errorOf(response).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an unknown /api route with a JSON 404 carrying the request id', async () => {
    const response = await bff.inject({ method: 'POST', url: '/api/nothing-here', headers: bff.writeHeaders, payload: {} });
    expect(response.statusCode).toBe(404);
    const error = errorOf(response);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.requestId).toBe(response.headers['x-request-id']);
  });

  it('answers malformed JSON with a 400 sentence', async () => {
    const response = await bff.inject({ method: 'POST', url: '/api/session', headers: { ...bff.writeHeaders, 'content-type': 'application/json' }, payload: '{"username":' });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/JSON/) });
  });

  // Last in the file: looks back at every response sent above.
  it('gave every response an x-request-id, every /api response Cache-Control: no-store, the error shape to every error', () => {
    expect(bff.exchanges.length).toBeGreaterThan(40);
    for (const exchange of bff.exchanges) {
      const where = `${exchange.method} ${exchange.url} → ${exchange.statusCode}`;
      expect(exchange.headers['x-request-id'], where).toMatch(/^[0-9a-f-]{36}$/);
      if (isApiPath(exchange.url)) expect(exchange.headers['cache-control'], where).toBe('no-store');
      if (exchange.statusCode >= 400 && isApiPath(exchange.url)) {
        const body = JSON.parse(exchange.body) as { error: Record<string, unknown> };
        expect(Object.keys(body), where).toEqual(['error']);
        expect(body.error, where).toMatchObject({ code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String), requestId: exchange.headers['x-request-id'] });
      }
      expect(Object.keys(exchange.headers).filter((name) => name.startsWith('access-control-')), where).toEqual([]);
    }
  });

  it('never sends or logs a secret', () => {
    expect(bff.leaks()).toEqual([]);
  });
});

describe('isApiPath', () => {
  it('knows /api, its subpaths and their encoded spellings, and nothing else', () => {
    expect(['/api', '/api/', '/api/session', '/api?x=1', '/%61pi/session', '/api%2Fsession'].map(isApiPath)).toEqual([true, true, true, true, true, true]);
    expect(['/', '/apix', '/marks', '/assets/api/x.js', '/%E0%A4%A'].map(isApiPath)).toEqual([false, false, false, false, false]);
  });
});
