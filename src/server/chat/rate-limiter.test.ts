import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../clock';
import { DEFAULT_ARRIVAL_MARGIN_MS } from './gcra';
import { createSlidingWindowLimiter } from './rate-limiter';
import { busiestSecond } from './testing/busiest-second';

/** The limiter's own window: a second plus the margin for calls delayed unequally on the way. */
const WINDOW_MS = 1000 + DEFAULT_ARRIVAL_MARGIN_MS;

// Fake timers: systemClock reads Date.now() and sleeps with setTimeout, both faked here, so every
// figure below is fake time and nothing depends on how fast the machine is.
beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2025, 0, 1) });
});
afterEach(() => {
  vi.useRealTimers();
});

async function burst(limit: number, calls: number, arrivalMarginMs = DEFAULT_ARRIVAL_MARGIN_MS) {
  const limiter = createSlidingWindowLimiter(limit, systemClock, arrivalMarginMs);
  const t0 = Date.now();
  const starts: number[] = [];
  const order: number[] = [];
  const done = Promise.all(
    Array.from({ length: calls }, (_, index) =>
      limiter.acquire().then(() => {
        starts.push(Date.now() - t0);
        order.push(index);
      }),
    ),
  );
  await vi.runAllTimersAsync();
  await done;
  return { starts, order };
}

describe('sliding-window limiter', () => {
  it.each([180, 90, 7])('spreads a burst of 1,000 calls at %i/s without exceeding it in any second', async (limit) => {
    const { starts, order } = await burst(limit, 1000);
    expect(starts).toHaveLength(1000);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(limit);
    // First come, first served.
    expect(order).toEqual(Array.from({ length: 1000 }, (_, index) => index));
    // Does not starve: done in about 1000/limit windows of fake time (the first call starts at once).
    const ideal = (999 * WINDOW_MS) / limit;
    expect(starts.at(-1)!).toBeGreaterThanOrEqual(ideal - 1);
    expect(starts.at(-1)!).toBeLessThanOrEqual(ideal + WINDOW_MS / limit + 2);
  });

  it('spaces calls rather than firing a burst at a window edge', async () => {
    const { starts } = await burst(100, 300);
    const gaps = starts.slice(1).map((start, index) => start - starts[index]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(9);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(12);
  });

  it('keeps every second of ARRIVALS under the limit when each call is delayed on its way by up to the margin', async () => {
    const delaysWithin = (margin: number) => fc.array(fc.integer({ min: 0, max: margin }), { minLength: 1 });
    const scenario = fc.integer({ min: 1, max: 60 }).chain((margin) => fc.tuple(fc.integer({ min: 2, max: 250 }), fc.constant(margin), delaysWithin(margin)));
    await fc.assert(
      fc.asyncProperty(scenario, async ([limit, margin, delays]) => {
        vi.setSystemTime(Date.UTC(2025, 0, 1));
        const { starts } = await burst(limit, limit * 3, margin);
        const arrivals = starts.map((start, index) => start + delays[index % delays.length]!);
        expect(busiestSecond(arrivals)).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 60 },
    );
  });

  it('without a margin, runs at exactly the limit per second', async () => {
    const limiter = createSlidingWindowLimiter(200, systemClock, 0);
    const t0 = Date.now();
    const starts: number[] = [];
    const done = Promise.all(Array.from({ length: 601 }, () => limiter.acquire().then(() => starts.push(Date.now() - t0))));
    await vi.runAllTimersAsync();
    await done;
    expect(starts.at(-1)).toBe(3000);
    expect(busiestSecond(starts)).toBe(200);
  });

  it('starts an idle call at once', async () => {
    const limiter = createSlidingWindowLimiter(5, systemClock);
    const t0 = Date.now();
    await limiter.acquire();
    expect(Date.now()).toBe(t0);
  });

  it('penalize() delays the next start and keeps spacing the queue afterwards', async () => {
    const limiter = createSlidingWindowLimiter(100, systemClock);
    const t0 = Date.now();
    await limiter.acquire();
    limiter.penalize(500);
    const starts: number[] = [];
    const done = Promise.all(Array.from({ length: 20 }, () => limiter.acquire().then(() => starts.push(Date.now() - t0))));
    expect(limiter.pending()).toBe(20);
    await vi.runAllTimersAsync();
    await done;
    expect(starts[0]).toBeGreaterThanOrEqual(500);
    const gaps = starts.slice(1).map((start, index) => start - starts[index]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(9);
    expect(limiter.pending()).toBe(0);
  });

  it('stays within the limit when timers fire late (the sliding log, not the spacing, is the guarantee)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 200 }), fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1 }), async (limit, lags) => {
        vi.setSystemTime(Date.UTC(2025, 0, 1));
        let sleeps = 0;
        // Every sleep overshoots by a varying lag, as a busy event loop would make it.
        const lateClock = {
          now: () => Date.now(),
          sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms + lags[sleeps++ % lags.length]!)),
        };
        const limiter = createSlidingWindowLimiter(limit, lateClock);
        const starts: number[] = [];
        const done = Promise.all(Array.from({ length: limit * 3 }, () => limiter.acquire().then(() => starts.push(Date.now()))));
        await vi.runAllTimersAsync();
        await done;
        expect(busiestSecond(starts)).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 40 },
    );
  });

  it('gives up a waiting place when its signal is aborted; the others keep their order and spacing', async () => {
    const limiter = createSlidingWindowLimiter(10, systemClock, 0);
    const t0 = Date.now();
    const events: string[] = [];
    const controller = new AbortController();
    await limiter.acquire();
    const waiting = [
      limiter.acquire().then(() => events.push(`a at ${Date.now() - t0}`)),
      limiter.acquire(controller.signal).then(
        () => events.push('b started'),
        (reason: Error) => events.push(`b gave up: ${reason.name}`),
      ),
      limiter.acquire().then(() => events.push(`c at ${Date.now() - t0}`)),
    ];
    expect(limiter.pending()).toBe(3);
    controller.abort();
    await vi.runAllTimersAsync();
    await Promise.all(waiting);
    expect(events).toEqual(['b gave up: AbortError', 'a at 100', 'c at 200']);
    expect(limiter.pending()).toBe(0);
    await expect(limiter.acquire(AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses a limit below 1 call per second', () => {
    expect(() => createSlidingWindowLimiter(0, systemClock)).toThrow(RangeError);
    expect(() => createSlidingWindowLimiter(Number.NaN, systemClock)).toThrow(RangeError);
    expect(() => createSlidingWindowLimiter(10, systemClock, -1)).toThrow(RangeError);
  });

  it('holds for random arrival patterns: never over the limit, in order, never idle without cause', async () => {
    const arrivalGroup = fc.record({ gapMs: fc.integer({ min: 0, max: 400 }), count: fc.integer({ min: 1, max: 30 }) });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 250 }), fc.array(arrivalGroup, { minLength: 1, maxLength: 12 }), async (limit, groups) => {
        vi.setSystemTime(Date.UTC(2025, 0, 1));
        const limiter = createSlidingWindowLimiter(limit, systemClock);
        const t0 = Date.now();
        const calls: { arrival: number; start: number }[] = [];
        const pending: Promise<void>[] = [];
        let at = 0;
        for (const group of groups) {
          at += group.gapMs;
          for (let i = 0; i < group.count; i++) {
            const call = { arrival: at, start: Number.NaN };
            calls.push(call);
            pending.push(
              new Promise<void>((resolve) => {
                setTimeout(() => {
                  void limiter.acquire().then(() => {
                    call.start = Date.now() - t0;
                    resolve();
                  });
                }, call.arrival);
              }),
            );
          }
        }
        await vi.runAllTimersAsync();
        await Promise.all(pending);

        const starts = calls.map((call) => call.start);
        expect(busiestSecond(starts)).toBeLessThanOrEqual(Math.floor(limit));
        const spacing = WINDOW_MS / limit;
        calls.forEach((call, index) => {
          expect(call.start).toBeGreaterThanOrEqual(call.arrival);
          if (index === 0) return;
          expect(call.start).toBeGreaterThanOrEqual(calls[index - 1]!.start);
          // Liveness: a call waits only for its arrival, the spacing after the previous start,
          // or the oldest start of a full window to age out.
          const windowBound = index >= limit ? calls[index - Math.floor(limit)]!.start + WINDOW_MS : 0;
          const bound = Math.max(call.arrival, calls[index - 1]!.start + spacing, windowBound);
          expect(call.start).toBeLessThanOrEqual(Math.ceil(bound) + 1);
        });
      }),
      { numRuns: 60 },
    );
  });
});
