// The one deadline of a graceful stop (MARKDESK_SHUTDOWN_TIMEOUT_SECONDS). It starts when the stop
// begins — main.ts on SIGTERM/SIGINT, or the app's first preClose hook for a plain app.close() —
// and everything that waits while stopping (a bulk job's calls in flight, a survey's reads) waits
// at most until it; main.ts exits anyway once it has passed.

import { type Clock, systemClock } from './clock';

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

export type ShutdownDeadline = {
  readonly timeoutMs: number;
  /** Starts the clock; later calls keep the deadline the first one set. */
  begin(): void;
  /** What is left of the deadline (the whole timeout until begin()). */
  remainingMs(): number;
  /** Resolves once `work` settles or the deadline passes, whichever is first; never rejects. */
  within(work: Promise<unknown>): Promise<void>;
};

export function shutdownDeadline(timeoutMs: number = DEFAULT_SHUTDOWN_TIMEOUT_MS, clock: Pick<Clock, 'now'> = systemClock): ShutdownDeadline {
  let deadline: number | null = null;
  const remainingMs = () => (deadline === null ? timeoutMs : Math.max(0, deadline - clock.now()));
  return {
    timeoutMs,
    begin() {
      deadline ??= clock.now() + timeoutMs;
    },
    remainingMs,
    async within(work) {
      let timer: NodeJS.Timeout | undefined;
      const passed = new Promise<void>((resolve) => (timer = setTimeout(resolve, remainingMs())));
      await Promise.race([work.then(() => {}, () => {}), passed]);
      clearTimeout(timer);
    },
  };
}
