// The checks every /v4 call goes through, in Tencent's order, and the response envelope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import vectorFile from './fixtures/usersig-vector.json';
import type { RunningEmulator } from './server';
import { callChat, chatCaller, manualClock, signedQuery, startTestEmulator, type ChatCaller } from './test-support';

const START_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const clock = manualClock(START_MS);
const nowSeconds = () => Math.floor(clock.nowMs() / 1000);

let emulator: RunningEmulator;
let call: ChatCaller;

const CHECK = { CheckItem: [{ UserID: 'administrator' }] };

beforeAll(async () => {
  emulator = await startTestEmulator({ clock });
  call = chatCaller(emulator, { signedAt: nowSeconds() });
});

afterAll(() => emulator.close());

async function codeOf(command: string, body: unknown, options: Parameters<ChatCaller>[2] = {}): Promise<number> {
  const response = await call(command, body, options);
  expect(response.ActionStatus).toBe(response.ErrorCode === 0 ? 'OK' : 'FAIL');
  return response.ErrorCode;
}

describe('the envelope', () => {
  it('is HTTP 200 with ActionStatus, ErrorCode, ErrorInfo, ErrorDisplay and RequestId, on success', async () => {
    const response = await call('im_open_login_svc/account_check', CHECK);
    expect(response).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ErrorDisplay: '' });
    expect(response.RequestId).toMatch(/^Id-[0-9a-f]{32}-O-Seq-\d+$/);
  });

  it('is HTTP 200 with FAIL and a non-empty ErrorInfo on failure', async () => {
    const response = await call('im_open_login_svc/account_check', CHECK, { query: { sdkappid: undefined } });
    expect(response).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60012, ErrorDisplay: '' });
    expect(response.ErrorInfo).not.toBe('');
    expect(typeof response.RequestId).toBe('string');
  });

  it('answers paths outside /v4 with 404, and hides the test controls when fault injection is off', async () => {
    expect((await fetch(`${emulator.url}/`)).status).toBe(404);
    expect((await fetch(`${emulator.url}/__emulator/faults`)).status).toBe(404);
    expect((await fetch(`${emulator.url}/__emulator/stats`)).status).toBe(404);
    expect((await fetch(`${emulator.url}/__emulator/reset`, { method: 'POST' })).status).toBe(404);
  });
});

describe('URL query parameters', () => {
  it.each([
    ['sdkappid missing', { sdkappid: undefined }, 60012],
    ['sdkappid empty', { sdkappid: '' }, 60012],
    ['identifier missing', { identifier: undefined }, 60004],
    ['usersig missing', { usersig: undefined }, 60005],
    ['random missing', { random: undefined }, 60002],
    ['random not a number', { random: 'abc' }, 60002],
    ['random above 2^32-1', { random: '4294967296' }, 60002],
    ['contenttype missing', { contenttype: undefined }, 60002],
    ['contenttype in upper case', { contenttype: 'JSON' }, 60002],
    ['sdkappid not numeric', { sdkappid: 'abc' }, 60006],
    ['parameter names are case-sensitive', { sdkappid: undefined, SdkAppId: '1400000000' }, 60012],
  ])('%s → %i', async (_name, query, code) => {
    expect(await codeOf('im_open_login_svc/account_check', CHECK, { query })).toBe(code);
  });

  it('accepts random at both ends of its range', async () => {
    expect(await codeOf('im_open_login_svc/account_check', CHECK, { query: { random: '0' } })).toBe(0);
    expect(await codeOf('im_open_login_svc/account_check', CHECK, { query: { random: '4294967295' } })).toBe(0);
  });

  it('answers 70020 for an SDKAppID this data centre does not host', async () => {
    const other = emulator.sdkAppId === 1400000001 ? 1400000002 : 1400000001;
    expect(await codeOf('im_open_login_svc/account_check', CHECK, { sdkAppId: other })).toBe(70020);
  });

  it.each([
    ['a path without a command', '/v4/recentcontact'],
    ['a path with too many parts', '/v4/recentcontact/mark_contact/extra'],
  ])('answers 60002 for %s', async (_name, path) => {
    const query = signedQuery(emulator, { signedAt: nowSeconds() });
    const response = await fetch(`${emulator.url}${path}?${query.toString()}`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60002 });
  });

  it('answers 60002 to anything but POST', async () => {
    expect(await codeOf('im_open_login_svc/account_check', CHECK, { method: 'GET' })).toBe(60002);
  });
});

describe('UserSig', () => {
  it('70003 for a sig that cannot be parsed', async () => {
    expect(await codeOf('im_open_login_svc/account_check', CHECK, { query: { usersig: 'not-a-user-sig' } })).toBe(70003);
  });

  it('70009 for a sig made with another secret key', async () => {
    expect(await codeOf('im_open_login_svc/account_check', CHECK, { secretKey: 'someone-elses-key' })).toBe(70009);
  });

  it('70013 when the URL identifier differs from the identifier in the sig', async () => {
    const query = signedQuery(emulator, { signedAt: nowSeconds() });
    query.set('identifier', 'somebody');
    const response = await fetch(`${emulator.url}/v4/im_open_login_svc/account_check?${query.toString()}`, {
      method: 'POST',
      body: JSON.stringify(CHECK),
    });
    expect(await response.json()).toMatchObject({ ErrorCode: 70013 });
  });

  it('70014 when the sig was made for another SDKAppID', async () => {
    const query = signedQuery(emulator, { signedAt: nowSeconds(), sdkAppId: emulator.sdkAppId + 1 });
    query.set('sdkappid', String(emulator.sdkAppId));
    const response = await fetch(`${emulator.url}/v4/im_open_login_svc/account_check?${query.toString()}`, {
      method: 'POST',
      body: JSON.stringify(CHECK),
    });
    expect(await response.json()).toMatchObject({ ErrorCode: 70014 });
  });

  it('is valid up to time + expire and 70001 one second later', async () => {
    const signedAt = nowSeconds();
    const options = { signedAt, expireSeconds: 60 };
    clock.set((signedAt + 60) * 1000);
    expect(await codeOf('im_open_login_svc/account_check', CHECK, options)).toBe(0);
    clock.set((signedAt + 61) * 1000);
    expect(await codeOf('im_open_login_svc/account_check', CHECK, options)).toBe(70001);
    clock.set(START_MS);
  });

  it('60010 for a valid sig of an account that is not an App admin', async () => {
    expect(await codeOf('im_open_login_svc/account_check', CHECK, { identifier: 'user0' })).toBe(60010);
  });
});

describe("Tencent's own UserSigs (test vectors, clock frozen at their signing time)", () => {
  it.each(vectorFile.vectors)('accepts the vector of $identifier', async (vector) => {
    const frozen = await startTestEmulator({
      sdkAppId: vector.sdkappid,
      secretKey: vector.secretKey,
      adminIdentifier: vector.identifier,
      clock: { nowMs: () => vector.time * 1000 },
    });
    try {
      const query = new URLSearchParams({
        sdkappid: String(vector.sdkappid),
        identifier: vector.identifier,
        usersig: vector.usersig,
        random: '99999999',
        contenttype: 'json',
      });
      const response = await fetch(`${frozen.url}/v4/im_open_login_svc/account_check?${query.toString()}`, {
        method: 'POST',
        body: JSON.stringify({ CheckItem: [{ UserID: vector.identifier }] }),
      });
      expect(await response.json()).toMatchObject({
        ActionStatus: 'OK',
        ErrorCode: 0,
        ResultItem: [{ UserID: vector.identifier, AccountStatus: 'Imported' }],
      });
    } finally {
      await frozen.close();
    }
  });

  it('refuses a vector one second after it expires (70001)', async () => {
    const vector = vectorFile.vectors[0]!;
    const late = await startTestEmulator({
      sdkAppId: vector.sdkappid,
      secretKey: vector.secretKey,
      adminIdentifier: vector.identifier,
      clock: { nowMs: () => (vector.time + vector.expire + 1) * 1000 },
    });
    try {
      const query = new URLSearchParams({
        sdkappid: String(vector.sdkappid),
        identifier: vector.identifier,
        usersig: vector.usersig,
        random: '1',
        contenttype: 'json',
      });
      const response = await fetch(`${late.url}/v4/im_open_login_svc/account_check?${query.toString()}`, {
        method: 'POST',
        body: JSON.stringify(CHECK),
      });
      expect(await response.json()).toMatchObject({ ErrorCode: 70001 });
    } finally {
      await late.close();
    }
  });
});

describe('the body and the command', () => {
  it.each([
    ['an empty body', ''],
    ['text that is not JSON', 'From_Account=user0'],
    ['a JSON array', '[]'],
    ['a JSON string', '"{}"'],
  ])('60003 for %s', async (_name, rawBody) => {
    expect(await codeOf('im_open_login_svc/account_check', undefined, { rawBody })).toBe(60003);
  });

  it.each([
    ['an unknown command', 'recentcontact/mark_contacts'],
    ['a command in the wrong case', 'recentcontact/Mark_Contact'],
    ['a service in the wrong case', 'RecentContact/mark_contact'],
    ['an unknown service', 'nosuchservice/mark_contact'],
  ])('60009 for %s', async (_name, command) => {
    expect(await codeOf(command, {})).toBe(60009);
  });

  it('treats body field names as case-sensitive', async () => {
    const response = await call('recentcontact/get_contact_group', { from_account: 'administrator', StartIndex: 0 });
    expect(response.ErrorCode).toBe(50002);
  });
});

describe("Tencent's order of checks", () => {
  it('query parameters before the UserSig', async () => {
    expect(await codeOf('im_open_login_svc/account_check', CHECK, { query: { usersig: 'broken', contenttype: 'xml' } })).toBe(60002);
  });

  it('the UserSig before the admin rule', async () => {
    expect(await codeOf('im_open_login_svc/account_check', CHECK, { identifier: 'user0', secretKey: 'wrong' })).toBe(70009);
  });

  it('the admin rule before the body', async () => {
    expect(await codeOf('im_open_login_svc/account_check', undefined, { identifier: 'user0', rawBody: 'oops' })).toBe(60010);
  });

  it('the body before the command', async () => {
    expect(await codeOf('recentcontact/no_such_command', undefined, { rawBody: 'oops' })).toBe(60003);
  });

  it('a bad UserSig wins over an unknown command', async () => {
    const response = await callChat(emulator, 'recentcontact/no_such_command', {}, { query: { usersig: 'x' } });
    expect(response.ErrorCode).toBe(70003);
  });
});
