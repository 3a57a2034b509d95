import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../clock';
import { DEFAULT_ARRIVAL_MARGIN_MS } from './gcra';
import { createInMemoryRateBudget, createSharedLimiter, type SharedRateBudget } from './shared-limiter';
import { busiestSecond } from './testing/busiest-second';

// Fake time throughout: systemClock reads Date.now() and sleeps with setTimeout, both faked.
beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Counts reservations, so tests can see how calls were grouped. */
function countingBudget(inner: SharedRateBudget) {
  const sizes: number[] = [];
  const budget: SharedRateBudget = {
    reserve: (key, count, spacing) => {
      sizes.push(count);
      return inner.reserve(key, count, spacing);
    },
    penalize: (key, delay) => inner.penalize(key, delay),
  };
  return { budget, sizes };
}

describe('shared limiter', () => {
  it('keeps two instances together under the limit in every second, each first come first served', async () => {
    const budget = createInMemoryRateBudget(systemClock);
    const limit = 50;
    const instances = [0, 1].map(() => createSharedLimiter({ key: 'mark_contact', limitPerSecond: limit, budget }));
    const t0 = Date.now();
    const starts: number[] = [];
    const order: number[][] = [[], []];
    const done = Promise.all(
      Array.from({ length: 400 }, (_, index) =>
        instances[index % 2]!.acquire().then(() => {
          starts.push(Date.now() - t0);
          order[index % 2]!.push(index);
        }),
      ),
    );
    await vi.runAllTimersAsync();
    await done;
    expect(starts).toHaveLength(400);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(limit);
    expect(order[0]).toEqual([...order[0]!].sort((a, b) => a - b));
    expect(order[1]).toEqual([...order[1]!].sort((a, b) => a - b));
    // Together they use the whole budget: 400 calls in about 400 slots of the window.
    const spacing = (1000 + DEFAULT_ARRIVAL_MARGIN_MS) / limit;
    expect(Math.max(...starts)).toBeLessThanOrEqual(400 * spacing + spacing);
  });

  it('drops a slot it missed by more than the margin instead of starting late, so a stalled event loop cannot bunch calls', async () => {
    const budget = createInMemoryRateBudget(systemClock);
    const limit = 25;
    // One sleep overruns by 300 ms, as a long GC pause or a busy machine makes a timer fire late.
    let sleeps = 0;
    const clock = { now: () => Date.now(), sleep: (ms: number) => systemClock.sleep(++sleeps === 5 ? ms + 300 : ms) };
    const limiter = createSharedLimiter({ key: 'k', limitPerSecond: limit, budget, clock });
    const starts: number[] = [];
    const done = Promise.all(Array.from({ length: 90 }, () => limiter.acquire().then(() => starts.push(Date.now()))));
    await vi.runAllTimersAsync();
    await done;
    expect(starts).toHaveLength(90);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(limit);
  });

  it('reserves one slot per call at low load and blocks of a tenth of a second under a burst', async () => {
    const { budget, sizes } = countingBudget(createInMemoryRateBudget(systemClock));
    const limiter = createSharedLimiter({ key: 'k', limitPerSecond: 200, budget });
    await limiter.acquire();
    expect(sizes).toEqual([1]);
    const burst = Promise.all(Array.from({ length: 100 }, () => limiter.acquire()));
    await vi.runAllTimersAsync();
    await burst;
    expect(sizes.slice(1).every((size) => size <= 20)).toBe(true);
    expect(sizes.slice(1).reduce((a, b) => a + b, 0)).toBe(100);
    expect(sizes.length).toBeLessThan(1 + 100 / 2); // calls were grouped, not one round trip each
  });

  it('holds every instance back after a penalty from one of them', async () => {
    const budget = createInMemoryRateBudget(systemClock);
    const a = createSharedLimiter({ key: 'k', limitPerSecond: 100, budget });
    const b = createSharedLimiter({ key: 'k', limitPerSecond: 100, budget });
    await a.acquire();
    const t0 = Date.now();
    a.penalize(1000);
    await vi.advanceTimersByTimeAsync(0);
    let startedAt: number | undefined;
    const waiting = b.acquire().then(() => {
      startedAt = Date.now() - t0;
    });
    await vi.runAllTimersAsync();
    await waiting;
    expect(startedAt).toBeGreaterThanOrEqual(1000);
  });

  it('gives up a place when its signal aborts, and the calls behind still start', async () => {
    const limiter = createSharedLimiter({ key: 'k', limitPerSecond: 1, budget: createInMemoryRateBudget(systemClock) });
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    await vi.runAllTimersAsync();
    await expect(next).resolves.toBeUndefined();
    expect(limiter.pending()).toBe(0);
  });

  it('passes a failed reservation to the waiting calls instead of hanging them', async () => {
    const failing: SharedRateBudget = {
      reserve: () => Promise.reject(new Error('database unreachable')),
      penalize: () => Promise.resolve(),
    };
    const errors: unknown[] = [];
    const limiter = createSharedLimiter({ key: 'k', limitPerSecond: 10, budget: failing, onError: (error) => errors.push(error) });
    await expect(limiter.acquire()).rejects.toThrow('database unreachable');
    expect(errors).toHaveLength(1);
    expect(limiter.pending()).toBe(0);
  });
});
