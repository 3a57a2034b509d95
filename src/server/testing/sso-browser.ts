// Test support: a browser's part in single sign-on, over real HTTP to the identity provider and
// through `inject` to the BFF. It keeps the provider's cookies like a browser would, follows the
// provider's redirects, fills in its sign-in form, and stops at the redirect back to Markdesk, so
// a test can deliver (or tamper with) the callback.
import type { LightMyRequestResponse } from 'fastify';
import { sessionCookieFor } from '../http/auth';
import { sessionIdSetBy, type TestBff } from './bff-harness';

export type SsoBrowser = {
  /** GET /api/auth/oidc/start only: the flow cookie it set. */
  start(options?: { returnTo?: string; purpose?: 'step-up'; cookie?: string }): Promise<string>;
  /** GET /api/auth/oidc/start … up to the provider's answer to the sign-in form: the callback URL and the flow cookie. */
  startAndSignIn(
    username: string,
    password: string,
    options?: { returnTo?: string; purpose?: 'step-up'; cookie?: string; keepProviderSession?: boolean },
  ): Promise<{ callbackPath: string; flowCookie: string }>;
  /** Delivers a callback to the BFF. */
  callback(callbackPath: string, flowCookie: string | null): Promise<{ response: LightMyRequestResponse; location: string; cookie: string | null }>;
};

function cookiePair(setCookie: string): [string, string] {
  const pair = setCookie.split(';')[0] ?? '';
  const at = pair.indexOf('=');
  return [pair.slice(0, at), pair.slice(at + 1)];
}

export function ssoBrowser(bff: TestBff): SsoBrowser {
  const idpCookies = new Map<string, string>();
  const idpFetch = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (idpCookies.size > 0) headers.set('cookie', [...idpCookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [name, value] = cookiePair(line);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) idpCookies.delete(name);
      else idpCookies.set(name, value);
    }
    return response;
  };

  const start = async (options: { returnTo?: string; purpose?: 'step-up'; cookie?: string } = {}) => {
    const query = new URLSearchParams({ returnTo: options.returnTo ?? '/marks', ...(options.purpose ? { purpose: options.purpose } : {}) });
    const response = await bff.inject({ method: 'GET', url: `/api/auth/oidc/start?${query}`, headers: options.cookie ? { cookie: options.cookie } : {} });
    if (response.statusCode !== 302) throw new Error(`start answered ${response.statusCode}: ${response.body}`);
    const setCookies = ([] as string[]).concat((response.headers['set-cookie'] as string | string[] | undefined) ?? []);
    const flow = setCookies.map(cookiePair).find(([name]) => name.endsWith('markdesk_oidc'));
    if (!flow) throw new Error('start set no flow cookie');
    return { flowCookie: `${flow[0]}=${flow[1]}`, location: String(response.headers.location) };
  };

  return {
    start: async (options = {}) => (await start(options)).flowCookie,
    async startAndSignIn(username, password, options = {}) {
      // Each sign-in is a new visitor at the provider, unless the test keeps the provider's session.
      if (!options.keepProviderSession) idpCookies.clear();
      const started = await start(options);
      let location = started.location;
      let formPosted = false;
      for (let hop = 0; hop < 20; hop++) {
        if (location.startsWith(bff.origin)) return { callbackPath: location.slice(bff.origin.length), flowCookie: started.flowCookie };
        const response = await idpFetch(location);
        if (response.status >= 300 && response.status < 400) {
          location = new URL(response.headers.get('location') ?? '', location).href;
          continue;
        }
        const html = await response.text();
        const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
        if (response.status !== 200 || !action || formPosted) throw new Error(`the provider answered ${response.status}: ${html.slice(0, 300)}`);
        formPosted = true;
        const posted = await idpFetch(new URL(action, location).href, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ username, password }).toString(),
        });
        if (posted.status < 300 || posted.status >= 400) throw new Error(`sign-in at the provider answered ${posted.status}: ${(await posted.text()).slice(0, 300)}`);
        location = new URL(posted.headers.get('location') ?? '', location).href;
      }
      throw new Error('too many redirects');
    },
    async callback(callbackPath, flowCookie) {
      const response = await bff.inject({ method: 'GET', url: callbackPath, headers: flowCookie ? { cookie: flowCookie } : {} });
      // The flow cookie is cleared (empty value); the session cookie is the one with a value.
      const sessionId = sessionIdSetBy(response);
      return { response, location: String(response.headers.location ?? ''), cookie: sessionId ? `${sessionCookieFor(bff.origin).name}=${sessionId}` : null };
    },
  };
}
