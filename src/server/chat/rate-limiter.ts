// Per-command call limiter: never more than `limitPerSecond` calls start in ANY sliding 1-second
// window. Fixed one-second windows would allow twice the limit across a window edge, so this
// combines two rules:
//  - spacing (GCRA virtual scheduling, gcra.ts): call k is due at θk = max(θk-1 + window/limit, its arrival),
//    which spreads a burst evenly instead of firing it at once; θ depends on arrivals, not on
//    when timers actually fired, so timer lateness does not accumulate into lost throughput;
//  - a sliding log of the last `limit` actual start times: the (limit+1)-th start waits until the
//    oldest is a full window old. This is the hard guarantee, whatever the timers do.
// The window is a second plus a margin: Chat counts calls when they ARRIVE, and two calls a second
// apart here can arrive 999 ms apart there when the first was delayed more on the way. With the
// margin, no delay differences under it can put limit+1 arrivals into one of Chat's seconds — at
// the cost of running at limit × 1000/(1000 + margin) (200/s → 192/s with the default 40 ms).
// Waiters are served first come, first served, so nobody starves.
import { abortableWait } from './abortable-wait';
import { type Clock, systemClock } from '../clock';
import { DEFAULT_ARRIVAL_MARGIN_MS, DEFAULT_PENALTY_MS, penalizedSlot, reserveSlots, slotSpacingMs, windowMs as slidingWindowMs } from './gcra';

export type SlidingWindowLimiter = {
  readonly limitPerSecond: number;
  /**
   * Resolves when the caller may start one call; the start is counted at that moment. Aborting
   * `signal` while waiting gives the place up (rejects with the signal's reason).
   */
  acquire(signal?: AbortSignal): Promise<void>;
  /**
   * Delays every start until at least `delayMs` from now (Chat said 60007 "too frequent"); the
   * calls after that are spaced out again rather than released as a burst.
   */
  penalize(delayMs?: number): void;
  /** Callers waiting in acquire(). */
  pending(): number;
};

type Waiter = { arrival: number; resolve: () => void };

export function createSlidingWindowLimiter(
  limitPerSecond: number,
  clock: Clock = systemClock,
  arrivalMarginMs: number = DEFAULT_ARRIVAL_MARGIN_MS,
): SlidingWindowLimiter {
  const spacingMs = slotSpacingMs(limitPerSecond, arrivalMarginMs);
  const windowMs = slidingWindowMs(arrivalMarginMs);
  const capacity = Math.floor(limitPerSecond);

  const recentStarts: number[] = []; // actual start times, oldest first, at most `capacity`
  const queue: Waiter[] = [];
  let nextDue = Number.NEGATIVE_INFINITY;
  let blockedUntil = Number.NEGATIVE_INFINITY;
  let pumping = false;

  function earliestStartFor(waiter: Waiter): { due: number; earliest: number } {
    const due = Math.max(nextDue, waiter.arrival);
    const windowOpensAt = recentStarts.length < capacity ? Number.NEGATIVE_INFINITY : recentStarts[0]! + windowMs;
    return { due, earliest: Math.max(due, windowOpensAt, blockedUntil) };
  }

  async function pump(): Promise<void> {
    pumping = true;
    try {
      while (queue.length > 0) {
        const head = queue[0]!;
        const now = clock.now();
        const { due, earliest } = earliestStartFor(head);
        if (earliest > now) {
          // Whole milliseconds, rounded up: starting late is always safe, starting early is not.
          await clock.sleep(Math.ceil(earliest - now));
          continue;
        }
        queue.shift();
        // After a penalty the schedule restarts from the end of the block, so the calls that
        // queued up meanwhile are spaced out instead of fired together.
        nextDue = reserveSlots(due, blockedUntil, 1, spacingMs).nextFree;
        recentStarts.push(now);
        if (recentStarts.length > capacity) recentStarts.shift();
        head.resolve();
      }
    } finally {
      pumping = false;
    }
  }

  return {
    limitPerSecond,
    acquire(signal) {
      return abortableWait<Waiter>(
        signal,
        ({ resolve }) => ({ arrival: clock.now(), resolve }),
        (waiter) => {
          queue.push(waiter);
          if (!pumping) void pump();
        },
        (waiter) => {
          const index = queue.indexOf(waiter);
          if (index < 0) return false;
          queue.splice(index, 1);
          return true;
        },
      );
    },
    penalize(delayMs = DEFAULT_PENALTY_MS) {
      blockedUntil = penalizedSlot(blockedUntil, clock.now() + Math.max(0, delayMs));
    },
    pending() {
      return queue.length;
    },
  };
}
