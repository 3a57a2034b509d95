// What happens when the BFF says the session is over (401 on anything but the login itself): the
// app installs a handler that forgets cached data and goes to sign-in, then back to where the person was.

type UnauthenticatedHandler = () => void;

let onUnauthenticated: UnauthenticatedHandler = () => {
  window.location.assign(signInPath(currentPath()));
};

/** The app installs the handler that clears the query cache and navigates inside the router. */
export function setUnauthenticatedHandler(handler: UnauthenticatedHandler): () => void {
  const previous = onUnauthenticated;
  onUnauthenticated = handler;
  return () => {
    onUnauthenticated = previous;
  };
}

export function currentPath(): string {
  return `${window.location.pathname}${window.location.search}`;
}

/** `/sign-in?next=…`; the sign-in page itself is never a `next`. */
export function signInPath(next: string): string {
  if (next === '' || next === '/' || next.startsWith('/sign-in')) return '/sign-in';
  return `/sign-in?${new URLSearchParams({ next }).toString()}`;
}

export function notifyUnauthenticated(): void {
  onUnauthenticated();
}
