import { describe, expect, it } from 'vitest';
import { createGate } from '../testing/gate';
import { ChatUserLocks, type WriteMark } from './chat-user-locks';

/** A mark before anything was written. */
const START: WriteMark = { local: 0, acrossInstances: 0 };

/** Records the order in which holders start and end. */
function journal() {
  const events: string[] = [];
  const hold = (name: string, gate?: ReturnType<typeof createGate>) => async () => {
    events.push(`${name}+`);
    await gate?.pass();
    events.push(`${name}-`);
    return name;
  };
  return { events, hold };
}

describe('ChatUserLocks', () => {
  it('runs exclusive holders of one user one after another, in arrival order', async () => {
    const locks = new ChatUserLocks();
    const { events, hold } = journal();
    const gate = createGate();
    const a = locks.exclusive('alice', hold('a', gate));
    const b = locks.exclusive('alice', hold('b'));
    const c = locks.exclusive('alice', hold('c'));
    await locks.whenWaiting('alice', 2);
    expect(events).toEqual(['a+']);
    gate.release();
    expect(await Promise.all([a, b, c])).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
  });

  it('never holds two users back for each other', async () => {
    const locks = new ChatUserLocks();
    const gate = createGate();
    const held = locks.exclusive('alice', () => gate.pass());
    await gate.arrived();
    expect(await locks.exclusive('bob', async () => 'bob went ahead')).toBe('bob went ahead');
    gate.release();
    await held;
  });

  it('lets shared holders overlap, and an exclusive one waits for them all', async () => {
    const locks = new ChatUserLocks();
    const { events, hold } = journal();
    const first = createGate();
    const second = createGate();
    const s1 = locks.shared('alice', START, hold('s1', first));
    const s2 = locks.shared('alice', START, hold('s2', second));
    await Promise.all([first.arrived(), second.arrived()]);
    const x = locks.exclusive('alice', hold('x'));
    await locks.whenWaiting('alice');
    first.release();
    await s1;
    expect(events).toEqual(['s1+', 's2+', 's1-']);
    second.release();
    await Promise.all([s2, x]);
    expect(events).toEqual(['s1+', 's2+', 's1-', 's2-', 'x+', 'x-']);
  });

  it('puts new shared holders behind a waiting exclusive one, so bulk calls cannot starve a save', async () => {
    const locks = new ChatUserLocks();
    const { events, hold } = journal();
    const gate = createGate();
    const s1 = locks.shared('alice', START, hold('s1', gate));
    await gate.arrived();
    const x = locks.exclusive('alice', hold('x'));
    const s2 = locks.shared('alice', START, hold('s2'));
    const s3 = locks.shared('alice', START, hold('s3'));
    await locks.whenWaiting('alice', 3);
    gate.release();
    await Promise.all([s1, x, s2, s3]);
    expect(events).toEqual(['s1+', 's1-', 'x+', 'x-', 's2+', 's3+', 's2-', 's3-']);
  });

  it('releases the lock when the work throws', async () => {
    const locks = new ChatUserLocks();
    await expect(locks.exclusive('alice', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await locks.exclusive('alice', async () => 'next')).toBe('next');
    expect(locks.waiting('alice')).toBe(0);
  });

  it('tells a bulk read whether an exclusive write to that user came after it', async () => {
    const locks = new ChatUserLocks();
    const mark = await locks.mark();
    const writtenSince = (chatUser: string, since: WriteMark) => locks.shared(chatUser, since, async (written) => written);
    expect(await writtenSince('alice', mark)).toBe(false);
    await locks.exclusive('alice', async () => {});
    expect(await writtenSince('alice', mark)).toBe(true);
    expect(await writtenSince('bob', mark)).toBe(false);
    expect(await writtenSince('alice', await locks.mark())).toBe(false);
  });

  it('remembers a bounded number of users, and answers "maybe" for the ones it forgot', async () => {
    const locks = new ChatUserLocks();
    const mark = await locks.mark();
    const writtenSince = (chatUser: string, since: WriteMark) => locks.shared(chatUser, since, async (written) => written);
    for (let n = 0; n <= 10_000; n++) await locks.exclusive(`user${n}`, async () => {});
    // user0 was forgotten: it may have been written since `mark`, so the answer is yes.
    expect(await writtenSince('user0', mark)).toBe(true);
    expect(await writtenSince('never-written', mark)).toBe(true);
    expect(await writtenSince('never-written', await locks.mark())).toBe(false);
  });
});
