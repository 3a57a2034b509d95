// The runner with a Chat that the test holds at a gate: it keeps at most `concurrency` reads
// waiting or in flight (so an interactive call queues behind that many at most), pauses without
// losing a read, and never sends anything but reads.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatClient } from '../chat/client';
import { createGate, type Gate } from '../testing/gate';
import { type Store } from '../store/database';
import { createSurveyRunner } from './survey-runner';
import { systemClock } from '../clock';
import { openTestStore } from '../testing/test-store';

let store: Store | undefined;
afterEach(async () => store?.close());

/** get_contact_group answering one favourite conversation per user, each call held at `gate`. */
function heldChat(gate: Gate, sent: string[]): Pick<ChatClient, 'call'> {
  return {
    call: (async (command: string, body: { From_Account: string }) => {
      sent.push(`${command} ${body.From_Account}`);
      await gate.pass();
      return { ActionStatus: 'OK', ErrorCode: 0, ContactItem: [{ Type: 1, To_Account: 'shop', StandardMark: '1' }], GroupItem: [], CompleteFlag: 1, NextStartIndex: 0 };
    }) as unknown as ChatClient['call'],
  };
}

const quietLog = { info() {}, warn() {}, error() {} };

describe('the survey runner', () => {
  it('keeps at most `concurrency` reads out, pauses without losing any and resumes to the end', { timeout: 30_000 }, async () => {
    store = await openTestStore();
    const gate = createGate();
    const sent: string[] = [];
    const runner = createSurveyRunner({ store, chat: heldChat(gate, sent), clock: systemClock, log: quietLog, concurrency: 3, commitEvery: 1 });
    const users = Array.from({ length: 20 }, (_, i) => `u${i}`);
    const { surveyId } = await runner.create({ users }, 'viewer');
    await gate.arrived(3);
    // Give the runner every chance to over-commit: it must not.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(gate.arrivals).toBe(3);

    const pausing = runner.pause(surveyId);
    gate.release();
    const paused = await pausing;
    expect(paused.state).toBe('paused');
    // The three reads in flight were recorded; no new ones were started.
    expect(paused.done).toBe(3);
    expect(sent).toHaveLength(3);

    await runner.resume(surveyId);
    await runner.whenIdle(surveyId);
    const done = (await runner.status(surveyId))!;
    expect(done).toMatchObject({ state: 'done', done: 20, failed: 0 });
    expect(done.results).toMatchObject({ usersRead: 20, usersWithBit: { '0': 20 }, conversationsWithBit: { '0': 20 } });
    expect(new Set(sent).size).toBe(20);
    expect(sent.every((call) => call.startsWith('recentcontact/get_contact_group '))).toBe(true);
  });

  it('cancels: what is held is given up, the survey ends cancelled without results', { timeout: 30_000 }, async () => {
    store = await openTestStore();
    const gate = createGate();
    const runner = createSurveyRunner({ store, chat: heldChat(gate, []), clock: systemClock, log: quietLog, concurrency: 2 });
    const { surveyId } = await runner.create({ users: ['a', 'b', 'c', 'd'] }, 'viewer');
    await gate.arrived(2);
    const cancelling = runner.cancel(surveyId);
    gate.release();
    const cancelled = await cancelling;
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.results).toBeUndefined();
    await expect(runner.resume(surveyId)).rejects.toThrow('Only a paused or failed survey can be resumed.');
  });
});
