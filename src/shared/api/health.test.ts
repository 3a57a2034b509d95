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
    const answer = { ready: false, checks: { database: true, upstream: false }, database: 'sqlite', problem: 'chat-unreachable', reason: 'Chat cannot be reached.', checkedAt: '2026-12-06T06:00:00.000Z' };
    expect(readyResponseSchema.parse(answer).ready).toBe(false);
  });
});
