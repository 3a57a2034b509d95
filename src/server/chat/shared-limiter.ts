// A per-command limiter whose budget is shared by every Markdesk instance of one Chat app. Chat's
// ceiling (200 calls/s per command) belongs to the app, not to one process, so N instances must
// not each spend it.
//
// The shared state is one "theoretical arrival time" per command (GCRA): the next free start slot
// on a common clock. An instance reserves k slots at once with one atomic step —
// `tat := max(tat, now) + k × spacing`, slots `tat_old … tat_new − spacing` — and then starts its
// calls at those times. Slots are spaced `window / limit` apart across all instances, so no window
// holds more than `limit` starts, whoever made them. A call only ever starts at or after its slot
// (late is safe, early is not); the window carries the same arrival margin as the local limiter.
//
// Reservations are sized to the queue that is waiting, at most `maxBlock` slots (a tenth of a
// second of budget): at low load each call reserves its own slot, at high load one round trip
// serves many calls, and another instance's interactive save waits at most one block behind a
// busy job. Callers are served first come, first served within an instance.
import { abortableWait, type Settle } from './abortable-wait';
import { type Clock, systemClock } from '../clock';
import { DEFAULT_ARRIVAL_MARGIN_MS, DEFAULT_PENALTY_MS, penalizedSlot, reserveSlots, slotSpacingMs } from './gcra';
import type { SlidingWindowLimiter } from './rate-limiter';

/** Slots granted by the shared budget, already mapped onto this instance's clock. */
export type SlotGrant = { firstAt: number; spacingMs: number; count: number };

export type SharedRateBudget = {
  /** Reserves `count` consecutive slots `spacingMs` apart for `key`; resolves with the first slot's local time. */
  reserve(key: string, count: number, spacingMs: number): Promise<SlotGrant>;
  /** No slot of `key` is granted before `delayMs` from now (Chat said "too frequent"). */
  penalize(key: string, delayMs: number): Promise<void>;
};

export type SharedLimiterOptions = {
  key: string;
  limitPerSecond: number;
  budget: SharedRateBudget;
  clock?: Clock;
  arrivalMarginMs?: number;
  /** Largest reservation (default: a tenth of a second of the limit, at least 1). */
  maxBlock?: number;
  /** Called when a reservation fails; the waiters get the error. */
  onError?: (error: unknown) => void;
};

type Waiter = Settle & { gone: boolean };

export function createSharedLimiter(options: SharedLimiterOptions): SlidingWindowLimiter {
  const { key, limitPerSecond, budget } = options;
  const spacingMs = slotSpacingMs(limitPerSecond, options.arrivalMarginMs);
  // A slot is used no later than this after its time. The slots of any window of 1 s + the margin
  // number `limitPerSecond`, so calls started within the margin of their slots never make more than
  // `limitPerSecond` in any second; a slot missed by more (the event loop held up: a long GC, a
  // busy machine) is dropped rather than used late, where it would bunch with the next ones.
  const lateMs = options.arrivalMarginMs ?? DEFAULT_ARRIVAL_MARGIN_MS;
  const clock = options.clock ?? systemClock;
  const maxBlock = Math.max(1, Math.floor(options.maxBlock ?? limitPerSecond / 10));

  const queue: Waiter[] = [];
  let spare: number[] = []; // reserved slots not yet given to a waiter (local times, ascending)
  let blockedUntil = Number.NEGATIVE_INFINITY;
  let pumping = false;

  async function refill(): Promise<void> {
    const wanted = Math.min(maxBlock, queue.filter((waiter) => !waiter.gone).length);
    if (wanted === 0) return;
    const grant = await budget.reserve(key, wanted, spacingMs);
    for (let index = 0; index < grant.count; index++) spare.push(grant.firstAt + index * grant.spacingMs);
  }

  async function pump(): Promise<void> {
    pumping = true;
    try {
      while (queue.length > 0) {
        const head = queue[0]!;
        if (head.gone) {
          queue.shift();
          continue;
        }
        // Slots inside a penalty are not used: the shared budget has moved past them already.
        spare = spare.filter((slot) => slot >= blockedUntil);
        if (spare.length === 0) {
          try {
            await refill();
          } catch (error) {
            options.onError?.(error);
            for (const waiter of queue.splice(0)) if (!waiter.gone) waiter.reject(error);
            return;
          }
          continue;
        }
        const slot = spare.shift()!;
        const wait = Math.ceil(slot - clock.now());
        if (wait > 0) await clock.sleep(wait);
        if (slot < blockedUntil) continue; // a penalty arrived while we slept; this slot is void
        if (clock.now() - slot > lateMs) continue; // missed: dropped, never used late
        queue.shift();
        if (head.gone) continue; // the slot is wasted, never reused out of order
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
        (settle) => ({ ...settle, gone: false }),
        (waiter) => {
          queue.push(waiter);
          if (!pumping) void pump();
        },
        (waiter) => {
          // Its reserved slot (if any) is wasted rather than reused out of order.
          waiter.gone = true;
          return true;
        },
      );
    },
    penalize(delayMs = DEFAULT_PENALTY_MS) {
      blockedUntil = penalizedSlot(blockedUntil, clock.now() + Math.max(0, delayMs));
      budget.penalize(key, delayMs).catch((error: unknown) => options.onError?.(error));
    },
    pending() {
      return queue.filter((waiter) => !waiter.gone).length;
    },
  };
}

/**
 * The same budget inside one process: what the shared budget does, without a database. For
 * tests of the limiter, and a reference for what the database implementations must do.
 */
export function createInMemoryRateBudget(clock: Clock = systemClock): SharedRateBudget {
  const tat = new Map<string, number>();
  return {
    async reserve(key, count, spacingMs) {
      const { first, nextFree } = reserveSlots(tat.get(key) ?? Number.NEGATIVE_INFINITY, clock.now(), count, spacingMs);
      tat.set(key, nextFree);
      return { firstAt: first, spacingMs, count };
    },
    async penalize(key, delayMs) {
      tat.set(key, penalizedSlot(tat.get(key) ?? Number.NEGATIVE_INFINITY, clock.now() + delayMs));
    },
  };
}
