import { describe, expect, it } from 'vitest';
import { isoDateTimeInputSchema, isoDateTimeSchema, isoFromUnixSeconds } from './time';

describe('times', () => {
  it('sends UTC ISO strings only', () => {
    expect(isoDateTimeSchema.safeParse('2026-11-20T08:00:00Z').success).toBe(true);
    expect(isoDateTimeSchema.safeParse('2026-11-20T08:00:00.123Z').success).toBe(true);
    expect(isoDateTimeSchema.safeParse('2026-11-20T08:00:00+09:00').success).toBe(false);
    expect(isoDateTimeSchema.safeParse('1670843110').success).toBe(false);
  });

  it('accepts offsets in filters and normalises them to UTC', () => {
    expect(isoDateTimeInputSchema.parse('2026-11-20T00:00:00+09:00')).toBe('2026-11-19T15:00:00.000Z');
    expect(isoDateTimeInputSchema.parse('2026-11-20T08:00:00Z')).toBe('2026-11-20T08:00:00.000Z');
    expect(isoDateTimeInputSchema.safeParse('2026-11-20').success).toBe(false);
  });

  it('converts Tencent Unix seconds', () => {
    expect(isoFromUnixSeconds(1670843110)).toBe('2022-12-12T11:05:10Z');
    expect(isoDateTimeSchema.safeParse(isoFromUnixSeconds(1670843110)).success).toBe(true);
    expect(isoFromUnixSeconds(0)).toBeNull();
    expect(isoFromUnixSeconds(undefined)).toBeNull();
  });
});
