// The slot arithmetic of GCRA (generic cell rate algorithm), shared by the local limiter
// (rate-limiter.ts) and the limiter whose budget every instance shares (shared-limiter.ts): calls
// are spaced `window / limit` apart, the window being a second plus the arrival margin, and the
// next free slot ("theoretical arrival time") moves on by one spacing per call granted.

const SECOND_MS = 1000;
/** How much more one call may be delayed on its way to Chat than a later one, without a 60007. */
export const DEFAULT_ARRIVAL_MARGIN_MS = 40;
/** How long starts are held after Chat said "too frequent" (60007), unless told otherwise. */
export const DEFAULT_PENALTY_MS = 1000;

/** The sliding window the limit applies to: a second plus the arrival margin. */
export function windowMs(arrivalMarginMs: number = DEFAULT_ARRIVAL_MARGIN_MS): number {
  if (!Number.isFinite(arrivalMarginMs) || arrivalMarginMs < 0) throw new RangeError('arrivalMarginMs must be a number of at least 0');
  return SECOND_MS + arrivalMarginMs;
}

/** The distance between two consecutive start slots at `limitPerSecond`. */
export function slotSpacingMs(limitPerSecond: number, arrivalMarginMs: number = DEFAULT_ARRIVAL_MARGIN_MS): number {
  if (!Number.isFinite(limitPerSecond) || limitPerSecond < 1) throw new RangeError('limitPerSecond must be a number of at least 1');
  return windowMs(arrivalMarginMs) / limitPerSecond;
}

/**
 * Reserves `count` consecutive slots: the first is the later of the next free slot and `now`, the
 * next free slot moves on by `count` spacings (`tat := max(tat, now) + count × spacing`).
 */
export function reserveSlots(nextFree: number, now: number, count: number, spacingMs: number): { first: number; nextFree: number } {
  const first = Math.max(nextFree, now);
  return { first, nextFree: first + count * spacingMs };
}

/** No slot before `until`: the next free slot after a penalty. */
export function penalizedSlot(nextFree: number, until: number): number {
  return Math.max(nextFree, until);
}
