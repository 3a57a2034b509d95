// The server's one clock: what time it is and waiting for time to pass. Injected everywhere time
// matters — timestamps of sessions, audit entries and jobs, the Chat client's rate limiter,
// back-off and UserSig renewal — so tests run it in fake time (testing/fake-clock.ts).

export type Clock = {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves once `ms` milliseconds have passed on this clock. */
  sleep(ms: number): Promise<void>;
};

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
