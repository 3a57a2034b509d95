// An interactive save, an Undo or a reconcile pass holds its Chat user alone across every instance
// on one PostgreSQL database, not just in its own process: two stores on one schema stand for two
// instances, and a gate holds the first writer inside its lock.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chatUserLocks } from '../../services/chat-user-locks';
import { createGate } from '../../testing/gate';
import { rawGet } from '../../testing/raw-sql';
import { dropTestSchema, freshPostgresLocation } from '../../testing/test-store';
import type { Store } from '../database';
import { openStore } from '../open';

const location = freshPostgresLocation();
const key = Buffer.alloc(32, 3);
let a: Store;
let b: Store;

beforeAll(async () => {
  a = await openStore(location, key);
  b = await openStore(location, key);
});
afterAll(async () => {
  await a.close();
  await b.close();
  await dropTestSchema(location);
});

// pg_locks shows every database's locks: only those of the user's key in this schema (postgres/store.ts) are counted.
const userLocks = async (chatUser: string, where: string) =>
  (await rawGet<{ n: number }>(
    a,
    `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 7301 AND objid = hashtext(current_schema() || '.chat-user:${chatUser}')::oid AND ${where}`,
  ))!.n;
/** How long a lock request may take to show in pg_locks on a busy machine. */
const WAIT = { timeout: 60_000, interval: 20 };
const waitingAdvisoryLocks = (chatUser: string) => userLocks(chatUser, 'NOT granted');
const grantedSharedLocks = (chatUser: string) => userLocks(chatUser, `granted AND mode = 'ShareLock'`);

describe('a Chat user’s exclusive lock on PostgreSQL', () => {
  it('makes a writer on another instance wait until the holder is done, and lets other users through', async () => {
    const events: string[] = [];
    const gate = createGate();
    const first = chatUserLocks(a).exclusive('lock.alice', async () => {
      events.push('a starts');
      await gate.pass();
      events.push('a ends');
    });
    await gate.arrived();
    const second = chatUserLocks(b).exclusive('lock.alice', async () => {
      events.push('b starts');
    });
    // B's instance waits in the database for A's lock; another user is not held up meanwhile.
    await vi.waitFor(async () => expect(await waitingAdvisoryLocks('lock.alice')).toBe(1), WAIT);
    await chatUserLocks(b).exclusive('lock.bob', async () => void events.push('b writes bob'));
    expect(events).toEqual(['a starts', 'b writes bob']);

    gate.release();
    await Promise.all([first, second]);
    expect(events).toEqual(['a starts', 'b writes bob', 'a ends', 'b starts']);
    expect(await waitingAdvisoryLocks('lock.alice')).toBe(0);
  });

  it('gives the lock up when the work throws', async () => {
    await expect(chatUserLocks(a).exclusive('lock.carol', () => Promise.reject(new Error('the save failed')))).rejects.toThrow('the save failed');
    await expect(chatUserLocks(b).exclusive('lock.carol', async () => 'written')).resolves.toBe('written');
  });
});

describe('a bulk job’s calls and the saves of another instance', () => {
  it('holds a job’s call back while a save of that user runs on another instance, and tells it of the save', async () => {
    const events: string[] = [];
    const gate = createGate();
    const mark = await chatUserLocks(a).mark();
    const save = chatUserLocks(b).exclusive('job.alice', async () => {
      events.push('b saves');
      await gate.pass();
    });
    await gate.arrived();
    const call = chatUserLocks(a).shared('job.alice', mark, async (writtenSince) => {
      events.push(`a sends, written since its read: ${writtenSince}`);
    });
    await vi.waitFor(async () => expect(await waitingAdvisoryLocks('job.alice')).toBe(1), WAIT);
    expect(events).toEqual(['b saves']);

    gate.release();
    await Promise.all([save, call]);
    expect(events).toEqual(['b saves', 'a sends, written since its read: true']);
  });

  it('holds a save back while a job’s calls to that user are in flight on another instance', async () => {
    const events: string[] = [];
    const gates = [createGate(), createGate()];
    const mark = await chatUserLocks(a).mark();
    const calls = gates.map((gate, index) =>
      chatUserLocks(a).shared('job.bob', mark, async () => {
        events.push(`call ${index + 1} sent`);
        await gate.pass();
        events.push(`call ${index + 1} answered`);
      }),
    );
    await Promise.all(gates.map((gate) => gate.arrived()));
    // The instance's calls to one user share one hold in the database.
    expect(await grantedSharedLocks('job.bob')).toBe(1);
    const save = chatUserLocks(b).exclusive('job.bob', async () => void events.push('b saves'));
    await vi.waitFor(async () => expect(await waitingAdvisoryLocks('job.bob')).toBe(1), WAIT);

    gates[0]!.release();
    await calls[0];
    expect(events).toEqual(['call 1 sent', 'call 2 sent', 'call 1 answered']);
    gates[1]!.release();
    await Promise.all([...calls, save]);
    expect(events).toEqual(['call 1 sent', 'call 2 sent', 'call 1 answered', 'call 2 answered', 'b saves']);
    expect(await grantedSharedLocks('job.bob')).toBe(0);
  });

  it('lets calls of jobs on two instances to one user overlap', async () => {
    const gate = createGate();
    const [markA, markB] = [await chatUserLocks(a).mark(), await chatUserLocks(b).mark()];
    const callA = chatUserLocks(a).shared('job.carol', markA, () => gate.pass());
    const callB = chatUserLocks(b).shared('job.carol', markB, () => gate.pass());
    await gate.arrived(2);
    expect(await grantedSharedLocks('job.carol')).toBe(2);
    gate.release();
    await Promise.all([callA, callB]);
  });

  it('holds any number of users at once on one connection, so a job writing to many users waits for no pool', async () => {
    const gate = createGate();
    const users = Array.from({ length: 20 }, (_, n) => `job.many.${n}`);
    const mark = await chatUserLocks(a).mark();
    const calls = users.map((user) => chatUserLocks(a).shared(user, mark, () => gate.pass()));
    await gate.arrived(users.length);
    const held = await rawGet<{ locks: number; sessions: number }>(
      a,
      `SELECT count(*) AS locks, count(DISTINCT pid) AS sessions FROM pg_locks
        WHERE locktype = 'advisory' AND classid = 7301 AND granted AND mode = 'ShareLock'
          AND objid IN (${users.map((user) => `hashtext(current_schema() || '.chat-user:${user}')::oid`).join(', ')})`,
    );
    expect(held).toEqual({ locks: 20, sessions: 1 });
    gate.release();
    await Promise.all(calls);
  });

  it('does not send a job back to read again for a save that ended before its read', async () => {
    await chatUserLocks(b).exclusive('job.dave', async () => {});
    const mark = await chatUserLocks(a).mark();
    expect(await chatUserLocks(a).shared('job.dave', mark, async (writtenSince) => writtenSince)).toBe(false);
    // A save of another user meanwhile does not count for this one.
    await chatUserLocks(b).exclusive('job.erin', async () => {});
    expect(await chatUserLocks(a).shared('job.dave', mark, async (writtenSince) => writtenSince)).toBe(false);
    expect(await chatUserLocks(a).shared('job.erin', mark, async (writtenSince) => writtenSince)).toBe(true);
  });
});
