// Two instances, each with its own connection pool and limiter, spend one budget in PostgreSQL.
// Real time: the database's clock is part of what is tested. The assertion is a count per window,
// not a duration, so a slow machine makes the test slower, never red.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busiestSecond } from '../../chat/testing/busiest-second';
import { createSharedLimiter } from '../../chat/shared-limiter';
import { testDatabaseUrl, testPool } from '../../testing/postgres';
import { createPostgresRateBudget, ensureRateBudgetTable } from './rate-budget';

const url = testDatabaseUrl();

describe.runIf(url)('rate budget in PostgreSQL', () => {
  const pools = url ? [testPool(url), testPool(url)] : [];

  beforeAll(async () => {
    // Both instances create the table at the same moment, as two instances starting together do.
    await Promise.all(pools.map((pool) => ensureRateBudgetTable(pool)));
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
  });

  it('never lets two instances together exceed the limit in any second', async () => {
    const key = `test-${randomUUID()}`;
    const limit = 25;
    const limiters = pools.map((pool) => createSharedLimiter({ key, limitPerSecond: limit, budget: createPostgresRateBudget(pool) }));
    const starts: number[] = [];
    const perInstance = [0, 0];
    await Promise.all(
      Array.from({ length: 90 }, (_, index) =>
        limiters[index % 2]!.acquire().then(() => {
          starts.push(Date.now());
          perInstance[index % 2]!++;
        }),
      ),
    );
    expect(perInstance).toEqual([45, 45]);
    expect(busiestSecond(starts)).toBeLessThanOrEqual(limit);
  });

  it('a penalty from one instance holds the other back', async () => {
    const key = `test-${randomUUID()}`;
    const [a, b] = pools.map((pool) => createPostgresRateBudget(pool));
    await a!.penalize(key, 60_000);
    const grant = await b!.reserve(key, 1, 10);
    expect(grant.firstAt).toBeGreaterThan(Date.now() + 50_000);
  });
});
