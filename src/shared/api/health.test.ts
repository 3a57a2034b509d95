import { describe, expect, it } from 'vitest';
import { healthResponseSchema, readyResponseSchema } from './health';

describe('health', () => {
  it('reads sandbox and live answers', () => {
    const sandbox = { status: 'ok', mode: 'sandbox', version: '0.1.0', chat: { sdkAppId: null, region: null } };
    const live = { status: 'ok', mode: 'live', version: '0.1.0', chat: { sdkAppId: 1400000001, region: 'seoul' } };
    expect(healthResponseSchema.parse(sandbox)).toEqual(sandbox);
    expect(healthResponseSchema.parse(live)).toEqual(live);
    expect(healthResponseSchema.safeParse({ ...live, mode: 'prod' }).success).toBe(false);
    expect(healthResponseSchema.safeParse({ ...live, chat: { sdkAppId: '1400000001', region: 'seoul' } }).success).toBe(false);
  });

  it('reads readiness', () => {
    expect(readyResponseSchema.parse({ ready: false, checks: { database: true, upstream: false } }).ready).toBe(false);
  });
});
