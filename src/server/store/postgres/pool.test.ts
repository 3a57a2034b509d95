// The store's pool sets the server's keepalive as each connection starts (no query on a fresh
// connection, which pg would run beside the first caller's), and a schema of its own first in the
// search path when asked.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { testDatabaseUrl } from '../../testing/postgres';
import { createPool, createSchemaIfMissing } from './store';

const url = testDatabaseUrl();

describe.runIf(url)('the PostgreSQL pool', () => {
  const schema = `pool_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const pool = url ? createPool({ url, schema }) : undefined;
  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool?.end();
  });

  it('has the keepalive and the search path on each new connection, without a query of its own', async () => {
    await createSchemaIfMissing({ url: url!, schema });
    const warnings = vi.spyOn(process, 'emitWarning');
    try {
      // Several connections opened at once, each used as soon as the pool hands it out.
      const settings = await Promise.all(
        Array.from({ length: 4 }, () =>
          pool!.query<{ idle: string; interval: string; count: string; path: string }>(
            `SELECT current_setting('tcp_keepalives_idle') AS idle, current_setting('tcp_keepalives_interval') AS interval,
                    current_setting('tcp_keepalives_count') AS count, current_setting('search_path') AS path`,
          ),
        ),
      );
      for (const { rows } of settings) expect(rows[0]).toEqual({ idle: '30', interval: '10', count: '3', path: schema });
      expect(warnings).not.toHaveBeenCalled();
    } finally {
      warnings.mockRestore();
    }
  });
});
