// Time as the Chat client sees it. Injected so the rate limiter, the back-off and the UserSig
// renewal can be tested in fake time.

export type Clock = {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
};

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
