// The shared rate budget in PostgreSQL: one row per command holding the next free start slot, in
// the database's own clock (milliseconds since the epoch), so every instance reads one time line.
// A reservation is one atomic upsert; row locking serialises concurrent reservers.
//
// Mapping database time onto this instance's clock: the answer carries the database's `now`, read
// during the statement, and we read our own clock after the answer arrived. Our reading is later
// than the database's by the return trip at most, so `ourNow − dbNow` is never less than the true
// difference of the two clocks: slots mapped with it start late, never early. How late is the
// return trip, which a busy machine stretches to tens of milliseconds, and two instances shifted
// by different amounts bunch their calls together. So the offset used is the smallest of the
// answers of the last minute: still never less than the true difference (each one is at least
// that), and as close to it as the quickest answer. What is left between instances is within the
// limiter's arrival margin (40 ms), as are unequal delays on the way to Chat.
import type { Pool } from 'pg';
import { type Clock, systemClock } from '../../clock';
import type { SharedRateBudget } from '../../chat/shared-limiter';

export const RATE_BUDGET_TABLE = 'rate_budget';

const CREATE = `CREATE TABLE IF NOT EXISTS ${RATE_BUDGET_TABLE} (
  key text PRIMARY KEY,
  next_slot_ms double precision NOT NULL
)`;

// $1 key, $2 count, $3 spacing (ms). Returns the first slot and the database's now.
const RESERVE = `
WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::double precision * 1000 AS now_ms)
INSERT INTO ${RATE_BUDGET_TABLE} AS budget (key, next_slot_ms)
SELECT $1, clock.now_ms + $2::double precision * $3::double precision FROM clock
ON CONFLICT (key) DO UPDATE
  SET next_slot_ms = GREATEST(budget.next_slot_ms, (SELECT now_ms FROM clock)) + $2::double precision * $3::double precision
RETURNING next_slot_ms - $2::double precision * $3::double precision AS first_ms, (SELECT now_ms FROM clock) AS now_ms`;

// $1 key, $2 delay (ms).
const PENALIZE = `
WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::double precision * 1000 AS now_ms)
INSERT INTO ${RATE_BUDGET_TABLE} AS budget (key, next_slot_ms)
SELECT $1, clock.now_ms + $2::double precision FROM clock
ON CONFLICT (key) DO UPDATE
  SET next_slot_ms = GREATEST(budget.next_slot_ms, (SELECT now_ms FROM clock) + $2::double precision)`;

/** Creates the budget table; safe when several instances start together. */
export async function ensureRateBudgetTable(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // CREATE TABLE IF NOT EXISTS alone can still fail when two sessions create it at once.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('markdesk.rate_budget'))");
    await client.query(CREATE);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** How long an answer's reading of the two clocks counts towards the offset (clocks drift, and are set). */
const OFFSET_MEMORY_MS = 60_000;

export function createPostgresRateBudget(pool: Pool, clock: Clock = systemClock): SharedRateBudget {
  // (local time of the answer, ourNow − dbNow), oldest first.
  let readings: { at: number; offset: number }[] = [];
  return {
    async reserve(key, count, spacingMs) {
      const result = await pool.query<{ first_ms: number; now_ms: number }>(RESERVE, [key, count, spacingMs]);
      const localNow = clock.now();
      const row = result.rows[0]!;
      readings = readings.filter((reading) => reading.at >= localNow - OFFSET_MEMORY_MS);
      readings.push({ at: localNow, offset: localNow - Number(row.now_ms) });
      const offset = Math.min(...readings.map((reading) => reading.offset));
      return { firstAt: Number(row.first_ms) + offset, spacingMs, count };
    },
    async penalize(key, delayMs) {
      await pool.query(PENALIZE, [key, Math.max(0, delayMs)]);
    },
  };
}
