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

const waitingAdvisoryLocks = async () =>
  (await rawGet<{ n: number }>(a, `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`))!.n;

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
    await vi.waitFor(async () => expect(await waitingAdvisoryLocks()).toBe(1));
    await chatUserLocks(b).exclusive('lock.bob', async () => void events.push('b writes bob'));
    expect(events).toEqual(['a starts', 'b writes bob']);

    gate.release();
    await Promise.all([first, second]);
    expect(events).toEqual(['a starts', 'b writes bob', 'a ends', 'b starts']);
    expect(await waitingAdvisoryLocks()).toBe(0);
  });

  it('gives the lock up when the work throws', async () => {
    await expect(chatUserLocks(a).exclusive('lock.carol', () => Promise.reject(new Error('the save failed')))).rejects.toThrow('the save failed');
    await expect(chatUserLocks(b).exclusive('lock.carol', async () => 'written')).resolves.toBe('written');
  });
});
