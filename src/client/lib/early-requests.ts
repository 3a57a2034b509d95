import { isSignInPage } from './session-expiry';
// The first screen's GET requests, sent as soon as the entry runs: before the page's code has
// downloaded and run, and before the session check has answered. On a slow laptop the code takes
// about a second to evaluate; without this the session, then the shell's requests, then the page's
// went out one after another behind it. Each answer is handed, once, to the first request the app
// makes for the same address (see `exchange`), which reads it exactly as it would read its own: a
// 401 still ends the session, a contract check still applies. An answer nobody asks for within
// FRESH_MS is dropped, so a later request always goes to the server. A change the page makes
// drops those of the resource it changes (a save to a Chat user's marks, every `/api/chat-users`
// answer; a sign-in or sign-out, all of them), and so does an answer saying the visitor is not
// signed in, since every other one then says the same.

const FRESH_MS = 10_000;

type Early = { response: Promise<Response>; sentAt: number };
const sent = new Map<string, Early>();

/** The addresses the page at `location` asks for first (kept in step with those pages' queries). */
export function firstScreenRequests(location: Pick<Location, 'pathname' | 'search'>): string[] {
  const { pathname } = location;
  if (isSignInPage(pathname) || pathname === '/step-up-done') return [];
  // The shell, on every signed-in page: who is signed in, the server's mode and readiness, the saved language.
  const requests = ['/api/session', '/api/health', '/api/ready', '/api/preferences'];
  const page = pathname === '/' ? '/marks' : pathname;
  if (page === '/marks' || page === '/inspect' || page === '/history') requests.push('/api/mark-labels');
  const user = new URLSearchParams(location.search).get('user')?.trim();
  if ((page === '/marks' || page === '/inspect') && user) {
    const base = `/api/chat-users/${encodeURIComponent(user)}`;
    requests.push(base, `${base}/conversations`);
  }
  return requests;
}

/** Sends each GET now; the answers wait for the request that wants them. */
export function sendEarly(paths: readonly string[]): void {
  for (const path of paths) {
    const response = fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    // A failure is the taker's to handle; until someone takes it, it is not an unhandled rejection.
    response.catch(() => undefined);
    sent.set(path, { response, sentAt: performance.now() });
  }
}

/** The early answer for `path`, once, if it was sent less than FRESH_MS ago; else undefined. */
export function takeEarly(path: string): Promise<Response> | undefined {
  const early = sent.get(path);
  if (early === undefined) return undefined;
  sent.delete(path);
  return performance.now() - early.sentAt <= FRESH_MS ? early.response : undefined;
}

/** Forgets the early answers a change to `changedPath` may have made stale; all of them without one. */
export function dropEarly(changedPath?: string): void {
  const path = changedPath?.split('?')[0];
  if (path === undefined || path.startsWith('/api/session')) {
    sent.clear();
    return;
  }
  // The resource: `/api/chat-users` for `/api/chat-users/minji.kim/marks`.
  const resource = path.split('/').slice(0, 3).join('/');
  for (const early of [...sent.keys()]) if (early === resource || early.startsWith(`${resource}/`)) sent.delete(early);
}

/** A plain GET that takes the early answer when there is one (for requests made outside `exchange`). */
export function fetchOrTakeEarly(path: string, init: RequestInit): Promise<Response> {
  return takeEarly(path) ?? fetch(path, init);
}
