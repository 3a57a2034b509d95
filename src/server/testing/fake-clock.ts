// The one fake of the server clock (clock.ts): it stands still until the test moves it, and
// sleepers wake when it has been moved past their time. With `stepOnSleep`, sleep() itself moves
// the clock forward and returns at once, so back-off and rate limiting cost no real time and a
// test never depends on the machine's speed.
import type { Clock } from '../clock';

export type FakeClock = Clock & {
  /** Moves time forward, waking every sleeper whose time has come. */
  advance(ms: number): void;
  /** Sets the time (forward or back); sleepers whose time has come wake. */
  set(time: Date | string | number): void;
  /** Sleepers not woken yet. */
  sleepers(): number;
  /** Every sleep asked for, in ms, in order. */
  slept: number[];
};

export function createFakeClock(start: Date | string | number = '2026-11-20T08:00:00.000Z', options: { stepOnSleep?: boolean } = {}): FakeClock {
  let current = new Date(start).getTime();
  const slept: number[] = [];
  let waiting: { at: number; wake: () => void }[] = [];
  const wakeDue = () => {
    const due = waiting.filter((sleeper) => sleeper.at <= current);
    waiting = waiting.filter((sleeper) => sleeper.at > current);
    for (const sleeper of due) sleeper.wake();
  };
  return {
    now: () => current,
    sleep(ms) {
      slept.push(ms);
      if (options.stepOnSleep) current += Math.max(0, ms);
      if (ms <= 0 || options.stepOnSleep) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ at: current + ms, wake: () => resolve() }));
    },
    advance(ms) {
      current += ms;
      wakeDue();
    },
    set(time) {
      current = new Date(time).getTime();
      wakeDue();
    },
    sleepers: () => waiting.length,
    slept,
  };
}
