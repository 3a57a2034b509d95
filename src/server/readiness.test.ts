// Readiness is checked in the background, not per request; a failure of real traffic checks at
// once; a change of state is logged once.
import { describe, expect, it } from 'vitest';
import { ChatApiError, ChatNetworkError } from './chat/errors';
import { createReadiness } from './readiness';
import { openDatabase } from './store/database';

function fakeChat() {
  let failure: Error | null = null;
  let calls = 0;
  return {
    chat: {
      call: async () => {
        calls++;
        if (failure) throw failure;
        return {} as never;
      },
    },
    fail: (error: Error | null) => void (failure = error),
    calls: () => calls,
  };
}

function recordingLog() {
  const lines: string[] = [];
  return { lines, log: { info: (_: object, message: string) => void lines.push(message), warn: (_: object, message: string) => void lines.push(message) } };
}

describe('createReadiness', () => {
  it('answers from the last check; a triggered check names an unreachable Chat; each change is logged once', async () => {
    const store = await openDatabase({ file: ':memory:' });
    const upstream = fakeChat();
    let now = 1_000_000;
    const readiness = createReadiness({ store, chat: upstream.chat, everyMs: 3_600_000, now: () => now });
    const { lines, log } = recordingLog();
    readiness.start(log);
    try {
      expect(await readiness.current()).toMatchObject({ ready: true, problem: null });
      await readiness.current();
      await readiness.current();
      expect(upstream.calls()).toBe(1);

      upstream.fail(new ChatNetworkError('im_open_login_svc/account_check', 'ECONNREFUSED', false));
      // A failure seen by real traffic: the next answer comes from a fresh check.
      readiness.noteChatEvent({ errorCode: -1 });
      const failing = await readiness.checkNow();
      expect(failing).toMatchObject({ ready: false, checks: { upstream: false }, problem: 'chat-unreachable', reason: expect.stringMatching(/cannot be reached/) });
      expect(await readiness.current()).toEqual(failing);
      // Several failures in a row: still one log line for the change.
      now += 10_000;
      readiness.noteChatEvent({ errorCode: -1 });
      await readiness.checkNow();
      expect(lines).toEqual([expect.stringMatching(/^Markdesk is not ready: Chat cannot be reached/)]);

      upstream.fail(new ChatApiError('im_open_login_svc/account_check', 70009, 'sig check failed'));
      expect(await readiness.checkNow()).toMatchObject({ problem: 'chat-credentials' });
      upstream.fail(null);
      expect(await readiness.checkNow()).toMatchObject({ ready: true });
      expect(lines).toHaveLength(3);
      expect(lines[2]).toBe('Markdesk is ready again');
    } finally {
      readiness.stop();
      await store.close();
    }
  });

  it('treats a refusal that is not about reachability or credentials as ready (Chat answered and knows us)', async () => {
    const store = await openDatabase({ file: ':memory:' });
    const upstream = fakeChat();
    upstream.fail(new ChatApiError('im_open_login_svc/account_check', 60007, 'too frequent'));
    const readiness = createReadiness({ store, chat: upstream.chat });
    try {
      expect(await readiness.checkNow()).toMatchObject({ ready: true });
    } finally {
      await store.close();
    }
  });
});
