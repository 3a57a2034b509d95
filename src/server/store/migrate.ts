// Bringing a database's schema up to date on its own, without starting the server
// (`npm run migrate`): the same migrations the store runs when it opens (migrations.ts), under the
// same locks, so this may run while an instance starts on the same database.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { existsSync } from 'node:fs';
import { migrateToLatest, openDatabase, type StoreLocation } from './database';
import { migrations, postgresMigrations } from './migrations';
import { createPool, createSchemaIfMissing, type PostgresLocation } from './postgres/store';
import type { Database } from './schema';

export type MigrationResult = {
  /** The migrations this run applied, in order (none: the schema was up to date). */
  applied: string[];
  /** The newest migration the database now has. */
  latest: string;
};

/** Where a store is, for a person to read: never the URL's user or password. */
export function describeLocation(location: StoreLocation): string {
  if (location.dialect === 'sqlite') return `SQLite ${location.file}`;
  let where = 'PostgreSQL';
  try {
    const url = new URL(location.url);
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    where = `PostgreSQL${database ? ` database "${database}"` : ''}${url.host ? ` on ${url.host}` : ''}`;
  } catch {
    // Not parseable as a URL: say no more than the engine.
  }
  return location.schema ? `${where}, schema ${location.schema}` : where;
}

const LATEST = Object.keys(migrations).sort().at(-1)!;

/** A Kysely on PostgreSQL with the store's pool settings, the location's schema created when missing. */
export async function openPostgresKysely(location: PostgresLocation, poolSize = 2): Promise<{ db: Kysely<Database>; schema: string }> {
  await createSchemaIfMissing(location);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(location, poolSize) }) });
  try {
    const { schema } = (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]!;
    return { db, schema };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/**
 * Applies the pending migrations, and nothing else. PostgreSQL: under Kysely's migration lock, and
 * without touching the audit chain, so no audit key is needed (the first instance, or a copy from
 * SQLite, records where its keyed chain starts). SQLite: by opening the store, as the server does
 * (each migration in one BEGIN IMMEDIATE transaction), with the server's audit key.
 */
export async function migrateStore(location: StoreLocation, auditKey?: Buffer): Promise<MigrationResult> {
  if (location.dialect === 'postgres') {
    const { db, schema } = await openPostgresKysely(location);
    try {
      const applied = await migrateToLatest(db, postgresMigrations, schema);
      return { applied, latest: LATEST };
    } finally {
      await db.destroy();
    }
  }
  // The store runs its migrations as it opens and does not say which: the ones recorded after it
  // opened that were not before are this run's (or, at the same moment, another process's).
  const before = appliedSqliteMigrations(location.file);
  const store = await openDatabase({ file: location.file, ...(auditKey ? { auditKey } : {}) });
  await store.close();
  const after = appliedSqliteMigrations(location.file);
  return { applied: after.filter((name) => !before.includes(name)), latest: LATEST };
}

/** The migrations recorded in a SQLite file (none when it or the record does not exist yet). */
function appliedSqliteMigrations(file: string): string[] {
  if (file === ':memory:' || !existsSync(file)) return [];
  const sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const table = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`).get();
    if (!table) return [];
    return (sqlite.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[]).map((row) => row.name);
  } finally {
    sqlite.close();
  }
}
