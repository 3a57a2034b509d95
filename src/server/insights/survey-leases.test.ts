// Surveys on two instances sharing one database (one SQLite file opened twice, as two processes
// would): one runs a survey under its lease, the other takes it over once that lease has run out,
// and a pause made on the other halts the holder. The lease steps run when the test says so, in
// fake time; reads are held at gates.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatClient } from '../chat/client';
import { LEASE_MS, leaseOf } from '../jobs/leases';
import { DATABASE_FILE_NAME, openDatabase, type Store } from '../store/database';
import { createFakeClock, type FakeClock } from '../testing/fake-clock';
import { createGate, type Gate } from '../testing/gate';
import { createSurveyRunner } from './survey-runner';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** get_contact_group answering one favourite conversation per user, each call held at `gate`. */
function heldChat(gate: Gate, sent: string[]): Pick<ChatClient, 'call'> {
  return {
    call: (async (command: string, body: { From_Account: string }) => {
      sent.push(body.From_Account);
      await gate.pass();
      return { ActionStatus: 'OK', ErrorCode: 0, ContactItem: [{ Type: 1, To_Account: 'shop', StandardMark: '1' }], GroupItem: [], CompleteFlag: 1, NextStartIndex: 0 };
    }) as unknown as ChatClient['call'],
  };
}

const quietLog = { info() {}, warn() {}, error() {} };
const users = Array.from({ length: 10 }, (_, i) => `u${i}`);

/** Instances a (reads held at `gate`) and b (reads answered at once), each with its own connection to one database. */
async function twoInstances(gate: Gate) {
  const dir = mkdtempSync(join(tmpdir(), 'markdesk-survey-leases-'));
  const auditKey = randomBytes(32);
  const stores: Store[] = [];
  for (let i = 0; i < 2; i++) stores.push(await openDatabase({ file: join(dir, DATABASE_FILE_NAME), auditKey }));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), ...stores.map((store) => () => store.close()));
  const clock: FakeClock = createFakeClock('2026-11-20T08:00:00.000Z');
  const sent = { a: [] as string[], b: [] as string[] };
  const open = createGate();
  open.release();
  const runner = (name: 'a' | 'b', store: Store, chat: Pick<ChatClient, 'call'>) =>
    createSurveyRunner({ store, chat, clock, log: quietLog, concurrency: 2, commitEvery: 1, instanceId: name, leaseTimer: false });
  const a = runner('a', stores[0]!, heldChat(gate, sent.a));
  const b = runner('b', stores[1]!, heldChat(open, sent.b));
  cleanups.push(() => a.stop(), () => b.stop());
  return { a, b, clock, sent, read: stores[0]!.read };
}

describe('a survey on two instances', () => {
  it('is run by the instance holding its lease; once the holder stops renewing, the other takes it over and finishes it', async () => {
    const gate = createGate();
    const { a, b, clock, sent, read } = await twoInstances(gate);
    await a.resumeInterrupted();
    await b.resumeInterrupted();

    const { surveyId } = await a.create({ users }, 'viewer');
    await gate.arrived(2);
    await b.tickLeases();
    expect(await leaseOf(read, 'surveys', surveyId)).toMatchObject({ owner: 'a', epoch: 1 });
    expect(sent.b).toEqual([]);

    // a stalls (its two reads held) and renews no more: b takes the survey over and reads everyone.
    clock.advance(LEASE_MS + 1);
    await b.tickLeases();
    expect(await leaseOf(read, 'surveys', surveyId)).toMatchObject({ owner: 'b', epoch: 2 });
    await b.whenIdle(surveyId);
    expect(await b.status(surveyId)).toMatchObject({ state: 'done', done: 10, failed: 0, results: { usersRead: 10 } });
    expect(sent.b.sort()).toEqual([...users].sort());

    // a hears of it at its next renewal and halts: its two reads, when they come back, are not recorded.
    await a.tickLeases();
    gate.release();
    await a.whenIdle(surveyId);
    expect(sent.a).toHaveLength(2);
    expect(await a.status(surveyId)).toMatchObject({ state: 'done', done: 10, failed: 0 });
    expect(await leaseOf(read, 'surveys', surveyId)).toMatchObject({ owner: null, epoch: 2 });
  });

  it('paused on the other instance, the holder halts at its next renewal; resumed there, the other goes on with it', async () => {
    const gate = createGate();
    const { a, b, sent, read } = await twoInstances(gate);

    const { surveyId } = await a.create({ users }, 'viewer');
    await gate.arrived(2);
    expect((await b.pause(surveyId)).state).toBe('paused');
    await a.tickLeases();
    gate.release();
    await a.whenIdle(surveyId);
    // The two reads in flight are recorded; no new ones were started.
    expect(sent.a).toHaveLength(2);
    expect(await a.status(surveyId)).toMatchObject({ state: 'paused', done: 2 });
    expect(await leaseOf(read, 'surveys', surveyId)).toMatchObject({ owner: null });

    expect((await b.resume(surveyId)).state).toBe('running');
    await b.whenIdle(surveyId);
    expect(await b.status(surveyId)).toMatchObject({ state: 'done', done: 10, results: { usersRead: 10 } });
    expect(sent.b).toHaveLength(8);
  });
});
