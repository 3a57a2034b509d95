// The one deadline of a graceful stop: it runs from the first begin(), and waiting within it ends
// when the work does or when the deadline passes.
import { describe, expect, it } from 'vitest';
import { shutdownDeadline } from './shutdown';
import { createFakeClock } from './testing/fake-clock';

describe('shutdownDeadline', () => {
  it('counts down from the first begin(); later calls keep it', () => {
    const clock = createFakeClock(0);
    const deadline = shutdownDeadline(25_000, clock);
    expect(deadline.remainingMs()).toBe(25_000);
    deadline.begin();
    clock.advance(10_000);
    deadline.begin();
    expect(deadline.remainingMs()).toBe(15_000);
    clock.advance(20_000);
    expect(deadline.remainingMs()).toBe(0);
  });

  it('within(): resolves with the work, even when it fails', async () => {
    const deadline = shutdownDeadline(60_000);
    deadline.begin();
    await expect(deadline.within(Promise.resolve('done'))).resolves.toBeUndefined();
    await expect(deadline.within(Promise.reject(new Error('gone')))).resolves.toBeUndefined();
  });

  it('within(): resolves once the deadline has passed, though the work goes on', async () => {
    const clock = createFakeClock(0);
    const deadline = shutdownDeadline(1_000, clock);
    deadline.begin();
    clock.advance(1_000);
    await expect(deadline.within(new Promise(() => {}))).resolves.toBeUndefined();
  });
});
