import { afterEach, describe, expect, it } from 'vitest';
import {
  type ChatClient,
  type ChatClientEvent,
  type ChatClientOptions,
  ChatCallAbortedError,
  classifyNetworkFailure,
  createChatClient,
} from './client';
import { ChatApiError, ChatInvalidResponseError, ChatNetworkError } from './errors';
import {
  DESTROY_SOCKET,
  fail,
  type FakeChatServer,
  type FakeHandler,
  ok,
  startFakeChatServer,
} from './testing/fake-chat-server';
import { createFakeClock } from '../testing/fake-clock';
import { createInMemoryRateBudget, createSharedLimiter } from './shared-limiter';
import { decodeUserSig, verifyUserSig } from './usersig';

const SDK_APP_ID = 1400000123;
const ADMIN = 'administrator';
const SECRET = 'a-very-secret-key-0123456789';

let server: FakeChatServer | undefined;
let client: ChatClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function setup(handler: FakeHandler, options: Partial<ChatClientOptions> = {}) {
  server = await startFakeChatServer(handler);
  const clock = createFakeClock(Date.UTC(2025, 0, 1), { stepOnSleep: true });
  const events: ChatClientEvent[] = [];
  client = createChatClient({
    baseUrl: server.url,
    sdkAppId: SDK_APP_ID,
    adminIdentifier: ADMIN,
    secretKey: SECRET,
    clock,
    random: () => 0.5,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { server, client, clock, events };
}

const emptyContactGroups = ok({ ContactItem: [], GroupItem: [], CompleteFlag: 1, NextStartIndex: 0 });

describe('request format', () => {
  it('POSTs JSON to /v4/{service}/{command} with a signed, fresh query', async () => {
    const { server, client, clock } = await setup(() => emptyContactGroups);
    await client.call('recentcontact/get_contact_group', { From_Account: 'user0', StartIndex: 0 });
    await client.call('recentcontact/get_contact_group', { From_Account: 'user0', StartIndex: 0 });

    const [first, second] = server.requests;
    expect(first!.method).toBe('POST');
    expect(first!.path).toBe('/v4/recentcontact/get_contact_group');
    expect(first!.contentType).toContain('application/json');
    expect(first!.body).toEqual({ From_Account: 'user0', StartIndex: 0 });
    expect([...first!.query.keys()].sort()).toEqual(['contenttype', 'identifier', 'random', 'sdkappid', 'usersig']);
    expect(first!.query.get('sdkappid')).toBe(String(SDK_APP_ID));
    expect(first!.query.get('identifier')).toBe(ADMIN);
    expect(first!.query.get('contenttype')).toBe('json');
    for (const request of [first!, second!]) {
      const random = Number(request.query.get('random'));
      expect(Number.isInteger(random) && random >= 0 && random <= 0xffffffff).toBe(true);
    }
    expect(first!.query.get('random')).not.toBe(second!.query.get('random'));

    const userSig = first!.query.get('usersig')!;
    const verified = verifyUserSig({
      userSig,
      sdkAppId: SDK_APP_ID,
      identifier: ADMIN,
      secretKey: SECRET,
      nowSeconds: Math.floor(clock.now() / 1000),
    });
    expect(verified.ok).toBe(true);
    expect(decodeUserSig(userSig)['TLS.expire']).toBe(86_400);
  });

  it('sends {} when there is no body', async () => {
    const { server, client } = await setup(() => ok());
    await client.call('group_open_http_svc/destroy_group', undefined as never);
    expect(server.requests[0]!.rawBody).toBe('{}');
  });

  it('keeps a path prefix of the base URL', async () => {
    server = await startFakeChatServer(() => ok());
    client = createChatClient({
      baseUrl: `${server.url}/upstream/`,
      sdkAppId: SDK_APP_ID,
      adminIdentifier: ADMIN,
      secretKey: SECRET,
      clock: createFakeClock(Date.UTC(2025, 0, 1), { stepOnSleep: true }),
    });
    await client.call('group_open_http_svc/destroy_group', { GroupId: 'g' });
    expect(server.requests[0]!.path).toBe('/upstream/v4/group_open_http_svc/destroy_group');
  });

  it('reuses the UserSig and renews it after half its lifetime', async () => {
    const { server, client, clock } = await setup(() => ok());
    const destroy = () => client.call('group_open_http_svc/destroy_group', { GroupId: 'g' });
    await destroy();
    clock.advance(11 * 3600 * 1000);
    await destroy();
    clock.advance(60 * 60 * 1000);
    await destroy();
    const sigs = server.requests.map((request) => request.query.get('usersig'));
    expect(sigs[1]).toBe(sigs[0]);
    expect(sigs[2]).not.toBe(sigs[0]);
    expect(decodeUserSig(sigs[2]!)['TLS.time']).toBe(Math.floor(clock.now() / 1000));
  });

  it('tolerates unknown fields and keeps them', async () => {
    const { client } = await setup(() =>
      ok({ ContactItem: [{ Type: 1, To_Account: 'a', StandardMark: '1', NewField: 7 }], CompleteFlag: 1, RequestId: 'r', Extra: true }),
    );
    const response = await client.call('recentcontact/get_contact_group', { From_Account: 'u', StartIndex: 0 });
    expect(response.ContactItem[0]).toMatchObject({ To_Account: 'a', StandardMark: '1', NewField: 7 });
    expect(response.GroupItem).toEqual([]);
  });
});

describe('envelope and errors', () => {
  it('turns a FAIL envelope into ChatApiError and does not retry configuration errors', async () => {
    const { server, client, events } = await setup(() => fail(70009, 'sig check failed'));
    const error = await client.call('recentcontact/get_contact_group', { From_Account: 'u', StartIndex: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatApiError);
    expect(error).toMatchObject({ code: 70009, class: 'configuration', command: 'recentcontact/get_contact_group', info: 'sig check failed' });
    expect(server.requests).toHaveLength(1);
    expect(events).toEqual([{ command: 'recentcontact/get_contact_group', attempt: 1, durationMs: expect.any(Number), waitedMs: expect.any(Number), errorCode: 70009 }]);
  });

  it('never lets the UserSig, the secret or the query into error messages', async () => {
    const { server, client } = await setup((request) =>
      fail(
        70003,
        `bad sig ${request.query.get('usersig')} for key ${SECRET} at https://console.tim.qq.com/v4/x?usersig=abc&sdkappid=1`,
      ),
    );
    const error = (await client.call('group_open_http_svc/destroy_group', { GroupId: 'g' }).catch((e: unknown) => e)) as ChatApiError;
    const userSig = server.requests[0]!.query.get('usersig')!;
    for (const text of [error.message, error.info, String(error.stack)]) {
      expect(text).not.toContain(userSig);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('sdkappid=');
    }
    expect(error.info).toContain('[redacted]');
  });

  it('rejects a body that is not JSON, and fields of the wrong type, as invalid responses', async () => {
    const { client } = await setup((_request, index) =>
      index === 0 ? { status: 200, rawBody: '<html>' } : ok({ ContactResultItem: [{ Type: 1, To_Account: 'a', StandardMark: 101 }], GroupItem: [] }),
    );
    // (get_list and get_contact_group rows are read one by one, tolerantly, in chat/rows.ts.)
    const call = () => client.call('recentcontact/search_contact_group', { From_Account: 'u', ContactItem: [{ Type: 1, To_Account: 'a' }] });
    await expect(call()).rejects.toBeInstanceOf(ChatInvalidResponseError);
    const error = (await call().catch((e: unknown) => e)) as ChatInvalidResponseError;
    expect(error).toBeInstanceOf(ChatInvalidResponseError);
    expect(error.problem).toContain('ContactResultItem.0.StandardMark');
    expect(error).toMatchObject({ code: -2, class: 'bug' });
  });

  it('keeps per-item ResultCodes in a successful response', async () => {
    const { client } = await setup(() =>
      ok({ ResultItem: [{ ResultCode: 0, ResultInfo: '' }, { ResultCode: 51007, ResultInfo: 'dismissed' }] }),
    );
    const response = await client.call('recentcontact/mark_contact', {
      From_Account: 'u',
      MarkItem: [
        { OptType: 1, ContactItem: { Type: 1, To_Account: 'a' }, SetMark: [0] },
        { OptType: 1, ContactItem: { Type: 2, ToGroupId: '@TGS#x' }, SetMark: [0] },
      ],
    });
    expect(response.ResultItem.map((item) => item.ResultCode)).toEqual([0, 51007]);
  });
});

describe('retries', () => {
  it('on 70001 signs a new UserSig and retries exactly once', async () => {
    const { server, client, clock, events } = await setup((_request, index) => (index === 1 ? fail(70001, 'expired') : ok()));
    const destroy = () => client.call('group_open_http_svc/destroy_group', { GroupId: 'g' });
    await destroy();
    // Chat's clock disagrees with ours: the cached sig, still fresh to us, is expired to Chat.
    clock.advance(3600 * 1000);
    await destroy();
    expect(server.requests).toHaveLength(3);
    const [sigBefore, rejected, resigned] = server.requests.map((request) => request.query.get('usersig'));
    expect(rejected).toBe(sigBefore);
    expect(resigned).not.toBe(rejected);
    expect(events.slice(1).map((event) => [event.attempt, event.errorCode])).toEqual([
      [1, 70001],
      [2, undefined],
    ]);
  });

  it('gives up when the fresh UserSig is refused with 70001 as well', async () => {
    const { server, client } = await setup(() => fail(70001, 'expired'));
    await expect(client.call('group_open_http_svc/destroy_group', { GroupId: 'g' })).rejects.toMatchObject({ code: 70001 });
    expect(server.requests).toHaveLength(2);
  });

  it('backs off on 60007 and then succeeds', async () => {
    const { server, client, clock, events } = await setup((_request, index) => (index < 2 ? fail(60007, 'too frequent') : emptyContactGroups));
    const startedAt = clock.now();
    const response = await client.call('recentcontact/get_contact_group', { From_Account: 'u', StartIndex: 0 });
    expect(response.CompleteFlag).toBe(1);
    expect(server.requests).toHaveLength(3);
    expect(events.map((event) => event.errorCode)).toEqual([60007, 60007, undefined]);
    // random() = 0.5: penalties of max(0.5·100, 100) and 0.5·200 ms, served by the limiter.
    expect(clock.now() - startedAt).toBeGreaterThanOrEqual(200);
  });

  it('backs off on a throttle even for a non-idempotent command (the request was refused, not run)', async () => {
    const { server, client } = await setup((_request, index) => (index === 0 ? fail(60007) : ok({ MsgTime: 1, MsgSeq: 2 })));
    await client.call('group_open_http_svc/send_group_msg', {
      GroupId: 'g',
      Random: 1,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }],
    });
    expect(server.requests).toHaveLength(2);
  });

  it('retries transient errors with growing full-jitter delays, up to maxRetries', async () => {
    const { server, client, clock } = await setup(() => fail(50004, 'internal'), { maxRetries: 3, random: () => 0.999 });
    await expect(client.call('recentcontact/get_contact_group', { From_Account: 'u', StartIndex: 0 })).rejects.toMatchObject({
      code: 50004,
      class: 'retry',
    });
    expect(server.requests).toHaveLength(4);
    expect(clock.slept.filter((ms) => ms >= 99)).toEqual([99, 199, 399]);
  });

  it('retries after the connection is reset', async () => {
    const { server, client, events } = await setup((_request, index) => (index === 0 ? DESTROY_SOCKET : emptyContactGroups));
    const response = await client.call('recentcontact/get_contact_group', { From_Account: 'u', StartIndex: 0 });
    expect(response.CompleteFlag).toBe(1);
    expect(server.requests).toHaveLength(2);
    expect(events.map((event) => event.errorCode)).toEqual([-1, undefined]);
  });

  it('treats HTTP 502 as a network failure and retries', async () => {
    const { server, client } = await setup((_request, index) => (index === 0 ? { status: 502, rawBody: 'bad gateway' } : ok()));
    await client.call('im_open_login_svc/account_import', { UserID: 'u' });
    expect(server.requests).toHaveLength(2);
  });

  it('gives a call up, sending nothing more, once its signal is aborted before a (re)send', async () => {
    const controller = new AbortController();
    const { server, client } = await setup(() => {
      // Aborted while the first attempt is with Chat: its answer (busy) still comes back, no retry goes out.
      controller.abort();
      return fail(50004, 'internal');
    });
    const body = { From_Account: 'u', MarkItem: [{ OptType: 1 as const, ContactItem: { Type: 1 as const, To_Account: 'p' }, SetMark: [0] }] };
    await expect(client.call('recentcontact/mark_contact', body, { signal: controller.signal })).rejects.toBeInstanceOf(ChatCallAbortedError);
    expect(server.requests).toHaveLength(1);
    await expect(client.call('recentcontact/mark_contact', body, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(ChatCallAbortedError);
    expect(server.requests).toHaveLength(1);
  });

  it('does not resend a non-idempotent command whose outcome is unknown', async () => {
    const { server, client } = await setup(() => DESTROY_SOCKET);
    const error = await client
      .call('openim/sendmsg', { To_Account: 'b', MsgRandom: 7, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x' } }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatNetworkError);
    expect(error).toMatchObject({ code: -1, requestMayHaveBeenSent: true });
    expect(server.requests).toHaveLength(1);
  });

  it('reports a refused connection as a network error after its retries, without the URL', async () => {
    const probe = await startFakeChatServer(() => ok());
    const deadUrl = probe.url;
    await probe.close();
    const events: ChatClientEvent[] = [];
    client = createChatClient({
      baseUrl: deadUrl,
      sdkAppId: SDK_APP_ID,
      adminIdentifier: ADMIN,
      secretKey: SECRET,
      clock: createFakeClock(Date.UTC(2025, 0, 1), { stepOnSleep: true }),
      maxRetries: 2,
      onEvent: (event) => events.push(event),
    });
    const error = (await client.call('group_open_http_svc/destroy_group', { GroupId: 'g' }).catch((e: unknown) => e)) as ChatNetworkError;
    expect(error).toBeInstanceOf(ChatNetworkError);
    expect(error.requestMayHaveBeenSent).toBe(false);
    expect(error.message).not.toContain('usersig');
    expect(events).toHaveLength(3);
    for (const event of events) expect(Object.keys(event).sort()).toEqual(['attempt', 'command', 'durationMs', 'errorCode', 'waitedMs']);
  });
});

describe('options', () => {
  const base = { baseUrl: 'http://127.0.0.1:1', sdkAppId: 1, adminIdentifier: 'a', secretKey: 'k' };

  it('refuses a timeout not longer than Chat’s own 3 s', () => {
    expect(() => createChatClient({ ...base, requestTimeoutMs: 3000 })).toThrow(RangeError);
  });

  it('refuses a base URL carrying a query or credentials', () => {
    expect(() => createChatClient({ ...base, baseUrl: 'http://127.0.0.1:1/?usersig=x' })).toThrow(RangeError);
    expect(() => createChatClient({ ...base, baseUrl: 'ftp://127.0.0.1:1' })).toThrow(RangeError);
  });

  it('gives account_check 90 % of its documented 100/s and other commands the configured rate', async () => {
    const defaults = createChatClient(base);
    expect(defaults.limiterFor('im_open_login_svc/account_check').limitPerSecond).toBe(90);
    expect(defaults.limiterFor('recentcontact/mark_contact').limitPerSecond).toBe(180);
    expect(defaults.limiterFor('profile/portrait_get').limitPerSecond).toBe(180);
    await defaults.close();
    const slow = createChatClient({ ...base, ratePerSecond: 50 });
    expect(slow.limiterFor('im_open_login_svc/account_check').limitPerSecond).toBe(50);
    await slow.close();
    const fast = createChatClient({ ...base, ratePerSecond: 500 });
    expect(fast.limiterFor('recentcontact/search_contact_group').limitPerSecond).toBe(180);
    expect(fast.limiterFor('profile/portrait_get').limitPerSecond).toBe(500);
    await fast.close();
  });
});

describe('shared budget', () => {
  it('takes each command’s limiter from createLimiter, with the command’s own limit, and calls wait for it', async () => {
    const made: Array<[string, number]> = [];
    const clock = createFakeClock(Date.UTC(2025, 0, 1), { stepOnSleep: true });
    const budget = createInMemoryRateBudget(clock);
    const { client } = await setup(() => ok(), {
      clock,
      createLimiter: (command, limit) => {
        made.push([command, limit]);
        return createSharedLimiter({ key: command, limitPerSecond: limit, budget, clock });
      },
    });
    // Another instance has spent the next half second of account_check's budget.
    await budget.penalize('im_open_login_svc/account_check', 500);
    await client.call('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'a' }] });
    expect(clock.slept).toEqual([500]);
    expect(made).toEqual([['im_open_login_svc/account_check', 90]]);
  });
});

describe('classifyNetworkFailure', () => {
  it('knows which failures happened before the request could reach Chat', () => {
    expect(classifyNetworkFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toEqual({ reason: 'ECONNREFUSED', sent: false });
    expect(classifyNetworkFailure(Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' }))).toEqual({
      reason: 'UND_ERR_CONNECT_TIMEOUT',
      sent: false,
    });
    expect(classifyNetworkFailure(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toEqual({
      reason: 'UND_ERR_HEADERS_TIMEOUT',
      sent: true,
    });
    expect(classifyNetworkFailure(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }))).toEqual({
      reason: 'ENOTFOUND',
      sent: false,
    });
    expect(classifyNetworkFailure(new Error('https://x/v4/a?usersig=secret'))).toEqual({ reason: 'Error', sent: true });
  });
});
