// Time comes from an injectable clock so tests can freeze it (UserSig expiry) or step it
// (rate-limit windows) without waiting.

export type Clock = { nowMs(): number };

export const systemClock: Clock = { nowMs: () => Date.now() };

/** Unix seconds, the unit of every Tencent timestamp. */
export function unixSeconds(clock: Clock): number {
  return Math.floor(clock.nowMs() / 1000);
}
