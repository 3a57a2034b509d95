import type { Clock } from './database';

/** A Clock that stands still until told to move; for tests of timeouts and throttling. */
export type FakeClock = Clock & { advance(ms: number): void; set(time: Date | string): void };

export function createFakeClock(start: Date | string = '2026-11-20T08:00:00.000Z'): FakeClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
    },
    set(time) {
      current = new Date(time).getTime();
    },
  };
}
