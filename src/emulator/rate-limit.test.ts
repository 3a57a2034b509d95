// Tencent's call-frequency ceilings over a sliding one-second window, on an injected clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlidingWindowRateLimiter } from './rate-limit';
import type { RunningEmulator } from './server';
import { chatCaller, importAccounts, manualClock, startTestEmulator, type ChatCaller } from './test-support';

describe('SlidingWindowRateLimiter', () => {
  it('admits the limit, refuses one more, and admits again once the oldest call is a full second old', () => {
    const limiter = new SlidingWindowRateLimiter();
    for (let call = 0; call < 200; call++) expect(limiter.tryAcquire('c', 200, 10_000)).toBe(true);
    expect(limiter.tryAcquire('c', 200, 10_000)).toBe(false);
    expect(limiter.tryAcquire('c', 200, 10_999)).toBe(false);
    expect(limiter.tryAcquire('c', 200, 11_000)).toBe(true);
  });

  it('slides rather than resetting at window edges', () => {
    const limiter = new SlidingWindowRateLimiter();
    for (let call = 0; call < 100; call++) limiter.tryAcquire('c', 200, 0);
    for (let call = 0; call < 100; call++) limiter.tryAcquire('c', 200, 900);
    // A fixed window starting at 1000 would admit 200 here; only the 100 from t=0 have left.
    let admitted = 0;
    for (let call = 0; call < 200; call++) if (limiter.tryAcquire('c', 200, 1000)) admitted++;
    expect(admitted).toBe(100);
  });

  it('keeps separate windows per key and does not count refused calls', () => {
    const limiter = new SlidingWindowRateLimiter();
    expect(limiter.tryAcquire('a', 1, 0)).toBe(true);
    expect(limiter.tryAcquire('b', 1, 0)).toBe(true);
    for (let call = 0; call < 10; call++) expect(limiter.tryAcquire('a', 1, 500)).toBe(false);
    expect(limiter.tryAcquire('a', 1, 1000)).toBe(true);
  });
});

describe('the emulator enforces the documented ceilings', () => {
  const clock = manualClock(Date.UTC(2026, 5, 1, 0, 0, 0));
  let emulator: RunningEmulator;
  let call: ChatCaller;

  beforeAll(async () => {
    emulator = await startTestEmulator({ clock });
    call = chatCaller(emulator, { signedAt: Math.floor(clock.nowMs() / 1000) });
    await importAccounts(call, ['user0']);
  });

  afterAll(() => emulator.close());

  /** Makes `count` calls within the same clock millisecond; returns their ErrorCodes. */
  async function burst(command: string, body: unknown, count: number): Promise<number[]> {
    const codes: number[] = [];
    for (let start = 0; start < count; start += 50) {
      const batch = Array.from({ length: Math.min(50, count - start) }, () => call(command, body));
      codes.push(...(await Promise.all(batch)).map((response) => response.ErrorCode));
    }
    return codes;
  }

  const search = { From_Account: 'user0', ContactItem: [{ Type: 1, To_Account: 'user1' }] };

  it('refuses the 201st recentcontact call in a second with 60007, and accepts again after the window slides', async () => {
    clock.advance(5000);
    const codes = await burst('recentcontact/search_contact_group', search, 200);
    expect(codes.every((code) => code === 0)).toBe(true);
    expect((await call('recentcontact/search_contact_group', search)).ErrorCode).toBe(60007);
    // Other commands have their own budget.
    expect((await call('recentcontact/get_contact_group', { From_Account: 'user0', StartIndex: 0 })).ErrorCode).toBe(0);
    clock.advance(999);
    expect((await call('recentcontact/search_contact_group', search)).ErrorCode).toBe(60007);
    clock.advance(1);
    expect((await call('recentcontact/search_contact_group', search)).ErrorCode).toBe(0);
  });

  it('allows account_check 100 calls a second', async () => {
    clock.advance(5000);
    const check = { CheckItem: [{ UserID: 'user0' }] };
    const codes = await burst('im_open_login_svc/account_check', check, 101);
    expect(codes.slice(0, 100).every((code) => code === 0)).toBe(true);
    expect(codes[100]).toBe(60007);
  });

  it('applies no ceiling when started with rateLimits: false', async () => {
    const unlimited = await startTestEmulator({ clock, rateLimits: false });
    try {
      const callUnlimited = chatCaller(unlimited, { signedAt: Math.floor(clock.nowMs() / 1000) });
      const codes: number[] = [];
      for (let start = 0; start < 250; start += 50) {
        const batch = Array.from({ length: 50 }, () => callUnlimited('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'x' }] }));
        codes.push(...(await Promise.all(batch)).map((response) => response.ErrorCode));
      }
      expect(codes.every((code) => code === 0)).toBe(true);
    } finally {
      await unlimited.close();
    }
  });
});
