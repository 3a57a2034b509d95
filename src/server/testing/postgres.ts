// Where the PostgreSQL tests find their server: MARKDESK_TEST_DATABASE_URL (`.ci/run` always sets
// it). Without it those suites are skipped, and the global setup says so in one line.
import pg from 'pg';

export const TEST_DATABASE_URL_VARIABLE = 'MARKDESK_TEST_DATABASE_URL';

export function testDatabaseUrl(): string | undefined {
  const url = process.env[TEST_DATABASE_URL_VARIABLE]?.trim();
  return url ? url : undefined;
}

export const POSTGRES_SKIPPED_LINE = `PostgreSQL suites skipped: ${TEST_DATABASE_URL_VARIABLE} is not set (for example postgres://postgres@127.0.0.1:5432/test).`;

/** A pool on the test database; the caller ends it. */
export function testPool(url: string, max = 4): pg.Pool {
  return new pg.Pool({ connectionString: url, max });
}
