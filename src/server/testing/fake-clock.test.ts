import { describe, expect, it } from 'vitest';
import { createFakeClock } from './fake-clock';

describe('the fake server clock', () => {
  it('stands still until moved, and wakes each sleeper once its time has come', async () => {
    const clock = createFakeClock('2026-11-20T08:00:00.000Z');
    const woke: string[] = [];
    void clock.sleep(100).then(() => woke.push('100'));
    void clock.sleep(300).then(() => woke.push('300'));
    expect(clock.now()).toBe(Date.parse('2026-11-20T08:00:00.000Z'));
    clock.advance(150);
    await Promise.resolve();
    expect(woke).toEqual(['100']);
    expect(clock.sleepers()).toBe(1);
    clock.set('2026-11-20T08:00:01.000Z');
    await Promise.resolve();
    expect(woke).toEqual(['100', '300']);
    expect(clock.slept).toEqual([100, 300]);
  });

  it('with stepOnSleep, moves itself forward by each sleep and returns at once', async () => {
    const clock = createFakeClock(0, { stepOnSleep: true });
    await clock.sleep(250);
    await clock.sleep(50);
    expect(clock.now()).toBe(300);
    expect(clock.sleepers()).toBe(0);
  });
});
