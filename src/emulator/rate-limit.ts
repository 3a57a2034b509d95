// Tencent's per-command frequency ceilings (e.g. 200 calls/s), enforced over a sliding one-second
// window: a fixed window would let 2× the limit through around a window edge.

export const RATE_WINDOW_MS = 1000;

export class SlidingWindowRateLimiter {
  private readonly accepted = new Map<string, number[]>();

  /**
   * Admits the call and records it, or refuses it. Refused calls are not recorded, so a client
   * that backs off gets through as soon as old calls leave the window.
   */
  tryAcquire(key: string, limitPerWindow: number, nowMs: number): boolean {
    const times = this.accepted.get(key) ?? [];
    const windowStart = nowMs - RATE_WINDOW_MS;
    let expired = 0;
    while (expired < times.length && (times[expired] as number) <= windowStart) expired++;
    if (expired > 0) times.splice(0, expired);
    if (times.length >= limitPerWindow) {
      this.accepted.set(key, times);
      return false;
    }
    times.push(nowMs);
    this.accepted.set(key, times);
    return true;
  }

  clear(): void {
    this.accepted.clear();
  }
}
