// GET /api/health (liveness) and GET /api/ready (database and upstream usable).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestBff, type TestBff } from '../testing/bff-harness';

let bff: TestBff;
beforeAll(async () => {
  bff = await startTestBff();
});
afterAll(() => bff.close());

const ready = () => bff.inject({ method: 'GET', url: '/api/ready' });
const accountChecks = async () => (await bff.emulatorStats()).commands['im_open_login_svc/account_check']?.calls ?? 0;

describe('GET /api/health', () => {
  it('answers without a session: status, mode and version, and no secret about the Chat app', async () => {
    const response = await bff.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', mode: 'sandbox', version: 'test' });
    // In sandbox mode the SDKAppID is the emulator's random one; it is not shown.
    expect(response.json()).toMatchObject({ chat: { sdkAppId: null } });
  });
});

describe('GET /api/ready', () => {
  it('is 200 when the database and Chat answer, and answers from the last check without calling Chat', async () => {
    await bff.app.readiness.checkNow();
    await bff.clearEmulatorStats();
    const first = await ready();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ ready: true, checks: { database: true, upstream: true }, database: bff.store.location.dialect, problem: null, reason: null, checkedAt: expect.any(String) });
    await ready();
    expect(await accountChecks()).toBe(0);
  });

  it('is 503 with the reason in words when Chat refuses the credentials', async () => {
    await bff.setFaults({ errorRate: { 70009: 1 } });
    try {
      await bff.app.readiness.checkNow();
      const response = await ready();
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ ready: false, checks: { database: true, upstream: false }, problem: 'chat-credentials', reason: expect.stringMatching(/credentials/) });
    } finally {
      await bff.setFaults({});
    }
    await bff.app.readiness.checkNow();
    expect((await ready()).statusCode).toBe(200);
  });

  it('is 503 naming the database when it cannot be read', async () => {
    const failing = vi.spyOn(bff.store.read, 'executeQuery').mockRejectedValue(new Error('SQLITE_IOERR: disk I/O error'));
    try {
      await bff.app.readiness.checkNow();
    } finally {
      failing.mockRestore();
    }
    const response = await ready();
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ ready: false, checks: { database: false, upstream: true }, problem: 'database' });
    expect(response.body).not.toContain('SQLITE_IOERR');
    await bff.app.readiness.checkNow();
    expect((await ready()).statusCode).toBe(200);
  });
});
