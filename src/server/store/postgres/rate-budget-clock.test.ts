// How the shared rate budget maps the database's slots onto this instance's clock, without a
// database: a fake pool answers with the database's time, and a fake clock moves by the return trip
// of each answer. The database's clock runs 5 s behind this instance's.
import type { Pool } from 'pg';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../testing/fake-clock';
import { createPostgresRateBudget } from './rate-budget';

const CLOCKS_APART_MS = 5_000;

/** A pool whose every reservation is answered after `returnTripMs` (local time moves on by it). */
function answering(clock: ReturnType<typeof createFakeClock>, returnTrips: number[]) {
  let next = 0;
  return {
    async query() {
      const dbNow = clock.now() - CLOCKS_APART_MS;
      clock.advance(returnTrips[next++]!);
      return { rows: [{ first_ms: dbNow + 100, now_ms: dbNow }] };
    },
  } as unknown as Pool;
}

describe('the shared rate budget on this instance’s clock', () => {
  it('maps a slot by the quickest recent answer, so a slow answer does not push its calls late into the next ones', async () => {
    const clock = createFakeClock();
    const budget = createPostgresRateBudget(answering(clock, [2, 120, 3]), clock);
    // Each slot is 100 ms after the database's now; the true local time of that is dbNow + 5 s + 100.
    const quick = await budget.reserve('k', 1, 10);
    expect(quick.firstAt - (clock.now() - 2)).toBe(100 + 2);
    const slow = await budget.reserve('k', 1, 10);
    // Mapped with the 2 ms of the quick answer, not the 120 ms of its own: 2 ms late, never early.
    expect(slow.firstAt - (clock.now() - 120)).toBe(100 + 2);
    const later = await budget.reserve('k', 1, 10);
    expect(later.firstAt - (clock.now() - 3)).toBe(100 + 2);
  });

  it('forgets readings older than a minute (clocks drift and are set)', async () => {
    const clock = createFakeClock();
    const budget = createPostgresRateBudget(answering(clock, [2, 50]), clock);
    await budget.reserve('k', 1, 10);
    clock.advance(61_000);
    const slow = await budget.reserve('k', 1, 10);
    expect(slow.firstAt - (clock.now() - 50)).toBe(100 + 50);
  });
});
