// Fresh everywhere. Three ways a screen learns that its data changed:
// - the window regains focus: stale queries refetch (TanStack's refetchOnWindowFocus), and the
//   polled lists refetch however fresh they look (REFETCH_ON_RETURN);
// - another tab of this browser saved something: it says so on a BroadcastChannel, and every tab
//   refetches what it shows at once (no server round trip to learn it);
// - someone else changed it: the lists that others change (conversations, labels, history) poll
//   every FRESH_POLL_MS while the tab is visible (TanStack pauses the interval in a hidden tab).
import type { QueryClient } from '@tanstack/react-query';

/**
 * 15 s: "within seconds" for a person reading the list, and cheap enough upstream — a conversation
 * list costs Chat a couple of calls, so 50 open tabs add about 7 calls a second, far under Chat's
 * per-app rate limit. History and labels are database reads only.
 */
export const FRESH_POLL_MS = 15_000;

/**
 * For the polled lists: coming back to the tab reads them again even when they are not stale yet.
 * The poll keeps them younger than the default staleTime, so "refetch when stale" would never fire
 * for them and a returning person would look at a list up to a whole poll old.
 */
export const REFETCH_ON_RETURN = 'always' as const;

export const CHANGES_CHANNEL = 'markdesk-changes';

export type ChangeMessage = { kind: 'changed' };

/** Tells other tabs about each successful change and refetches on theirs. Returns the clean-up. */
export function shareChangesAcrossTabs(queryClient: QueryClient): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(CHANGES_CHANNEL);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if ((event.data as Partial<ChangeMessage> | null)?.kind === 'changed') void queryClient.invalidateQueries();
  };
  const unsubscribe = queryClient.getMutationCache().subscribe((event) => {
    if (event.type === 'updated' && event.action.type === 'success') channel.postMessage({ kind: 'changed' } satisfies ChangeMessage);
  });
  return () => {
    unsubscribe();
    channel.close();
  };
}
