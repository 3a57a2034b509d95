// Fault injection (/__emulator/faults), reset, stats, and start-time latency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './server';
import { chatCaller, expectOk, importAccounts, startTestEmulator, type ChatCaller } from './test-support';

let emulator: RunningEmulator;
let call: ChatCaller;

async function control(path: string, method = 'GET', body?: unknown) {
  const response = await fetch(`${emulator.url}/__emulator/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  // No rate limits here: long sequences of calls must only see the injected faults.
  emulator = await startTestEmulator({ faults: true, rateLimits: false });
  call = chatCaller(emulator);
  await importAccounts(call, ['victim']);
});

afterAll(() => emulator.close());

const CHECK = { CheckItem: [{ UserID: 'victim' }] };

describe('configuration', () => {
  it('starts with no faults', async () => {
    expect(await control('faults')).toEqual({ status: 200, body: { errorRate: {}, latencyMs: 0, resetRate: 0, seed: 1 } });
  });

  it.each([
    ['a rate above 1', { errorRate: { '50004': 1.5 } }],
    ['rates adding up to more than 1', { errorRate: { '50004': 0.6, '50005': 0.6 } }],
    ['a key that is not an error code', { errorRate: { oops: 0.1 } }],
    ['an unknown field', { errorRates: {} }],
    ['a latency range upside down', { latencyMs: { min: 50, max: 10 } }],
    ['a negative latency', { latencyMs: -1 }],
    ['a reset rate above 1', { resetRate: 2 }],
  ])('refuses %s with 400', async (_name, body) => {
    const response = await control('faults', 'POST', body);
    expect(response.status).toBe(400);
    expect(typeof response.body.error).toBe('string');
  });

  it('returns what it stored', async () => {
    const settings = { errorRate: { '50004': 0.1, '50005': 0.05, '60007': 0.1 }, latencyMs: { min: 0, max: 2 }, resetRate: 0, seed: 7 };
    expect(await control('faults', 'POST', settings)).toEqual({ status: 200, body: settings });
    expect((await control('faults')).body).toEqual(settings);
    await control('faults', 'POST', {});
  });
});

describe('injected errors', () => {
  it('answers the configured code instead of running the command', async () => {
    await control('faults', 'POST', { errorRate: { '50004': 1 } });
    const response = await call('recentcontact/mark_contact', {
      From_Account: 'victim',
      MarkItem: [{ OptType: 1, ContactItem: { Type: 1, To_Account: 'p' }, SetMark: [0] }],
    });
    expect(response).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 50004 });
    await control('faults', 'POST', {});
    const search = expectOk(
      await call('recentcontact/search_contact_group', { From_Account: 'victim', ContactItem: [{ Type: 1, To_Account: 'p' }] }),
    );
    expect(search.ContactResultItem).toEqual([{ Type: 1, To_Account: 'p' }]);
  });

  it('rolls seeded dice: the same seed gives the same sequence, at about the configured rates', async () => {
    const settings = { errorRate: { '50004': 0.3, '50005': 0.2, '60007': 0.1 }, seed: 42 };
    const run = async () => {
      await control('faults', 'POST', settings);
      const codes: number[] = [];
      for (let index = 0; index < 300; index++) codes.push((await call('im_open_login_svc/account_check', CHECK)).ErrorCode);
      return codes;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    const count = (code: number) => first.filter((value) => value === code).length;
    expect(count(50004)).toBeGreaterThan(60);
    expect(count(50004)).toBeLessThan(120);
    expect(count(50005)).toBeGreaterThan(30);
    expect(count(50005)).toBeLessThan(90);
    expect(count(60007)).toBeGreaterThan(10);
    expect(count(60007)).toBeLessThan(55);
    expect(count(0)).toBeGreaterThan(80);
    await control('faults', 'POST', {});
  });

  it('leaves authentication errors alone', async () => {
    await control('faults', 'POST', { errorRate: { '50004': 1 } });
    expect((await call('im_open_login_svc/account_check', CHECK, { secretKey: 'wrong' })).ErrorCode).toBe(70009);
    await control('faults', 'POST', {});
  });
});

describe('connection resets', () => {
  it('drops the connection, sometimes before and sometimes after the write happened', async () => {
    await control('faults', 'POST', { resetRate: 1, seed: 3 });
    await control('stats', 'DELETE');
    const peers = Array.from({ length: 24 }, (_, index) => `reset-peer-${index}`);
    for (const peerId of peers) {
      await expect(
        call('recentcontact/mark_contact', {
          From_Account: 'victim',
          MarkItem: [{ OptType: 1, ContactItem: { Type: 1, To_Account: peerId }, SetMark: [0] }],
        }),
      ).rejects.toThrow();
    }
    await control('faults', 'POST', {});
    expect((await control('stats')).body.commands).toEqual({
      'recentcontact/mark_contact': { calls: 24, ok: 0, failed: 24, errorCodes: { reset: 24 } },
    });
    const search = expectOk(
      await call('recentcontact/search_contact_group', {
        From_Account: 'victim',
        ContactItem: peers.map((peerId) => ({ Type: 1, To_Account: peerId })),
      }),
    );
    const written = (search.ContactResultItem as { StandardMark?: string }[]).filter((item) => item.StandardMark === '1').length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(peers.length);
  });
});

describe('latency', () => {
  it('waits at least the configured time before answering', async () => {
    await control('faults', 'POST', { latencyMs: 120 });
    const started = performance.now();
    expectOk(await call('im_open_login_svc/account_check', CHECK));
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    await control('faults', 'POST', {});
  });

  it('can be set at start without fault injection', async () => {
    const slow = await startTestEmulator({ latencyMs: 80 });
    try {
      const started = performance.now();
      expectOk(await chatCaller(slow)('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'administrator' }] }));
      expect(performance.now() - started).toBeGreaterThanOrEqual(60);
      expect((await fetch(`${slow.url}/__emulator/faults`)).status).toBe(404);
    } finally {
      await slow.close();
    }
  });
});

describe('stats and reset', () => {
  it('counts calls per command with their outcomes', async () => {
    await control('stats', 'DELETE');
    const mark = (items: unknown[]) => call('recentcontact/mark_contact', { From_Account: 'victim', MarkItem: items });
    await mark([{ OptType: 1, ContactItem: { Type: 1, To_Account: 'a' }, SetMark: [0] }]);
    await mark([{ OptType: 1, ContactItem: { Type: 1, To_Account: 'b' }, SetMark: [0] }]);
    await mark([]);
    await call('recentcontact/no_such_command', {});
    const stats = await control('stats');
    expect(stats.body).toEqual({
      requests: 4,
      commands: { 'recentcontact/mark_contact': { calls: 3, ok: 2, failed: 1, errorCodes: { '51006': 1 } } },
    });
  });

  it('reset goes back to a fresh start and clears the counters', async () => {
    expect(await control('reset', 'POST')).toEqual({ status: 200, body: { reset: true } });
    const checked = expectOk(await call('im_open_login_svc/account_check', CHECK));
    expect(checked.ResultItem).toEqual([expect.objectContaining({ UserID: 'victim', AccountStatus: 'NotImported' })]);
    expect((await control('stats')).body).toEqual({
      requests: 1,
      commands: { 'im_open_login_svc/account_check': { calls: 1, ok: 1, failed: 0, errorCodes: {} } },
    });
  });

  it('reset restores the demo data of a demo emulator', async () => {
    const demo = await startTestEmulator({ demoData: true, faults: true });
    try {
      const callDemo = chatCaller(demo);
      const search = { From_Account: 'olivia.brown', ContactItem: [{ Type: 1, To_Account: 'liam.smith' }] };
      const before = expectOk(await callDemo('recentcontact/search_contact_group', search)).ContactResultItem;
      expectOk(
        await callDemo('recentcontact/mark_contact', {
          From_Account: 'olivia.brown',
          MarkItem: [{ OptType: 3, ContactItem: { Type: 1, To_Account: 'liam.smith' }, ClearMark: [0], CustomMark: '' }],
        }),
      );
      expect((await fetch(`${demo.url}/__emulator/reset`, { method: 'POST' })).status).toBe(200);
      expect(expectOk(await callDemo('recentcontact/search_contact_group', search)).ContactResultItem).toEqual(before);
    } finally {
      await demo.close();
    }
  });
});
