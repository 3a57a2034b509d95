// The store a dialect-neutral test runs on: SQLite in memory, or — in the `postgres` Vitest project,
// which sets MARKDESK_TEST_STORE=postgres — PostgreSQL at MARKDESK_TEST_DATABASE_URL, in a schema of
// the test's own that closing the store drops. One suite, both engines.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { join } from 'node:path';
import { DATABASE_FILE_NAME, openDatabase, type Store, type StoreLocation } from '../store/database';
import { openStore } from '../store/open';
import { testDatabaseUrl } from './postgres';

export const TEST_STORE_VARIABLE = 'MARKDESK_TEST_STORE';

export function testStoreDialect(): 'sqlite' | 'postgres' {
  return process.env[TEST_STORE_VARIABLE] === 'postgres' ? 'postgres' : 'sqlite';
}

/** A fresh PostgreSQL location (its own schema) on the test server. */
export function freshPostgresLocation(): StoreLocation & { dialect: 'postgres' } {
  const url = testDatabaseUrl();
  if (!url) throw new Error('MARKDESK_TEST_DATABASE_URL is not set: the PostgreSQL project cannot run.');
  return { dialect: 'postgres', url, schema: `t_${randomBytes(6).toString('hex')}` };
}

/** Drops a test schema and everything in it. */
export async function dropTestSchema(location: StoreLocation): Promise<void> {
  if (location.dialect !== 'postgres' || !location.schema) return;
  const client = new pg.Client({ connectionString: location.url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${location.schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Opens an empty store on the engine this run tests; `close()` also removes a PostgreSQL schema. */
export async function openTestStore(options: { auditKey?: Buffer; dataDir?: string } = {}): Promise<Store> {
  if (testStoreDialect() === 'sqlite') {
    // In a data directory when given: the job ledger's thread opens the file (plugins/ledger.ts).
    const file = options.dataDir ? join(options.dataDir, DATABASE_FILE_NAME) : ':memory:';
    return openDatabase({ file, ...(options.auditKey ? { auditKey: options.auditKey } : {}) });
  }
  const location = freshPostgresLocation();
  const store = await openStore(location, options.auditKey ?? randomBytes(32));
  return {
    ...store,
    close: async () => {
      await store.close();
      await dropTestSchema(location);
    },
  };
}
