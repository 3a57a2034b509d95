import { focusManager, MutationObserver, QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationsQueryOptions } from './get-conversations';
import { markLabelsQueryOptions } from './get-mark-labels';
import { CHANGES_CHANNEL, shareChangesAcrossTabs } from '../../../lib/fresh-data';
import { createQueryClient } from '../../../lib/query-client';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('fresh data', () => {
  it('refetches what another tab shows when this one saves', async () => {
    const saving = new QueryClient();
    const watching = new QueryClient();
    cleanups.push(shareChangesAcrossTabs(saving), shareChangesAcrossTabs(watching));
    // What goes over the channel, in order (a BroadcastChannel delivers in the order sent).
    const heard: unknown[] = [];
    const listener = new BroadcastChannel(CHANGES_CHANNEL);
    listener.onmessage = (event: MessageEvent<unknown>) => heard.push(event.data);
    cleanups.push(() => listener.close());
    let reads = 0;
    const observer = new QueryObserver(watching, { queryKey: ['marks', 'conversations', 'u1'], queryFn: () => ++reads, staleTime: Infinity });
    cleanups.push(observer.subscribe(() => undefined));
    await expect.poll(() => observer.getCurrentResult().data).toBe(1);

    await new MutationObserver(saving, { mutationFn: async () => 'saved' }).mutate();
    await expect.poll(() => heard, { timeout: 15_000 }).toEqual([{ kind: 'changed' }]);
    await expect.poll(() => observer.getCurrentResult().data, { timeout: 15_000 }).toBe(2);
  });

  it('refetches on window focus by default', () => {
    expect(createQueryClient().getDefaultOptions().queries?.refetchOnWindowFocus).toBe(true);
  });

  // The poll keeps these lists younger than any staleTime, so a refetch only "when stale" would
  // never happen on return: a person back from the app would see a list up to a poll old.
  it.each([
    ['conversations', conversationsQueryOptions('u1')],
    ['labels', markLabelsQueryOptions()],
  ])('reads the %s again when the tab comes back, however recently they were read', async (_name, options) => {
    const client = createQueryClient();
    // As QueryClientProvider does: the client listens for focus.
    client.mount();
    let reads = 0;
    const observer = new QueryObserver(client, {
      queryKey: options.queryKey as readonly unknown[],
      queryFn: async () => ++reads,
      // The client's default (30 s) unless the options set their own.
      ...(options.staleTime === undefined ? {} : { staleTime: options.staleTime as number }),
      refetchInterval: false,
      refetchOnWindowFocus: options.refetchOnWindowFocus as 'always',
    });
    cleanups.push(observer.subscribe(() => undefined), () => focusManager.setFocused(undefined), () => client.unmount());
    await expect.poll(() => observer.getCurrentResult().data).toBe(1);
    expect(observer.getCurrentResult().isStale).toBe(false);

    focusManager.setFocused(false);
    focusManager.setFocused(true);
    await expect.poll(() => observer.getCurrentResult().data).toBe(2);
  });
});
