// What happens when the BFF says the session is over (401 on anything but the login itself): the
// app installs a handler that forgets cached data and goes to sign-in, then back to where the person was.

/** `reason`: why the server ended the session (revoked, expired, role_removed), when it said. */
type UnauthenticatedHandler = (reason?: string) => void;

let onUnauthenticated: UnauthenticatedHandler = (reason) => {
  window.location.assign(signInPath(currentPath(), reason));
};

/** The app installs the handler that clears the query cache and navigates inside the router. */
export function setUnauthenticatedHandler(handler: UnauthenticatedHandler): () => void {
  const previous = onUnauthenticated;
  onUnauthenticated = handler;
  return () => {
    onUnauthenticated = previous;
  };
}

/** The sign-in page's paths: `/sign-in`, and `/signin`, where a refused single sign-on lands. */
export function isSignInPage(pathname: string): boolean {
  return pathname === '/sign-in' || pathname === '/signin';
}

export function currentPath(): string {
  return `${window.location.pathname}${window.location.search}`;
}

/** `/sign-in?next=…` (plus `reason=` when the server said why); the sign-in page itself is never a `next`. */
export function signInPath(next: string, reason?: string): string {
  const params = new URLSearchParams();
  if (!(next === '' || next === '/' || next.startsWith('/sign-in') || next.startsWith('/signin'))) params.set('next', next);
  if (reason && /^[a-z_]{1,32}$/.test(reason)) params.set('reason', reason);
  const query = params.toString();
  return query ? `/sign-in?${query}` : '/sign-in';
}

export function notifyUnauthenticated(reason?: string): void {
  onUnauthenticated(reason);
}

// ---- Step-up: an admin action answered 403 STEP_UP_REQUIRED --------------------------------

export type StepUpDetails = { method: 'password' | 'sso'; mfa?: boolean };
/** Resolves true once the person re-authenticated (the request is then sent again), false when they gave up. */
type StepUpHandler = (details: StepUpDetails) => Promise<boolean>;

let onStepUp: StepUpHandler | null = null;

/** The app installs the dialog that re-authenticates; without one a STEP_UP_REQUIRED stays an error. */
export function setStepUpHandler(handler: StepUpHandler): () => void {
  const previous = onStepUp;
  onStepUp = handler;
  return () => {
    onStepUp = previous;
  };
}

export function requestStepUp(details: StepUpDetails): Promise<boolean> {
  return onStepUp ? onStepUp(details) : Promise.resolve(false);
}
