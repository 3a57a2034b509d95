// Times in our API are ISO-8601 UTC strings (Tencent's Unix seconds are converted at the boundary).
import { z } from 'zod/mini';

/** What the BFF sends: `2026-11-20T08:00:00Z` or with milliseconds; always UTC (`Z`). */
export const isoDateTimeSchema = z.iso.datetime();

/**
 * What the BFF accepts in filters: any ISO-8601 date-time with `Z` or an offset (the SPA may send a
 * local midnight), normalised to UTC with milliseconds, e.g. `2026-11-19T15:00:00.000Z`.
 */
export const isoDateTimeInputSchema = z.pipe(
  z.iso.datetime({ offset: true }),
  z.transform((value: string) => new Date(value).toISOString()),
);

/** Converts Tencent's Unix seconds to our ISO string; 0 or absent (Tencent's "never") becomes null. */
export function isoFromUnixSeconds(seconds: number | undefined | null): string | null {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds) || seconds <= 0) return null;
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
