import { MutationObserver, QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANGES_CHANNEL, shareChangesAcrossTabs } from './fresh-data';
import { createQueryClient } from './query-client';

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
});
