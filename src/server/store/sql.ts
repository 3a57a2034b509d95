import { CompiledQuery, type Kysely, PostgresAdapter } from 'kysely';
import type { Database, Dialect, Reader, Tx } from './database';

// Hand-written SQL, for the statements a query builder cannot express (or would build anew each
// time on paths that run thousands of times a second). Parameters are positional (`?`); the text
// is the key of the connection's prepared-statement cache, so it must not vary with the values.
// A statement that one engine spells differently gives both spellings; on PostgreSQL the `?`s
// become $1, $2 … (outside quoted text).

/** Which engine a reader (a store's `read`, or a transaction) talks to. */
export function dialectOf(db: Reader): Dialect {
  return (db as unknown as Kysely<Database>).getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** A statement's text, or its text on each engine. */
export type Statement = string | { readonly sqlite: string; readonly postgres: string };

const numbered = new Map<string, string>();

/** `?` → `$n`, outside '…' and "…". Memoised: statement texts are constants. */
export function numberPlaceholders(text: string): string {
  let converted = numbered.get(text);
  if (converted === undefined) {
    let n = 0;
    converted = text.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\?/g, (match) => (match === '?' ? `$${++n}` : match));
    // Constants only: a statement built for a varying number of rows is long and seldom repeated.
    if (numbered.size < 1024 && text.length <= 4096) numbered.set(text, converted);
  }
  return converted;
}

/** The text to send for a statement on the engine behind `db`. */
export function statementText(db: Reader, statement: Statement): string {
  if (dialectOf(db) === 'sqlite') return typeof statement === 'string' ? statement : statement.sqlite;
  return numberPlaceholders(typeof statement === 'string' ? statement : statement.postgres);
}

function compiled(db: Reader, statement: Statement, parameters: readonly unknown[]): CompiledQuery {
  return CompiledQuery.raw(statementText(db, statement), parameters as unknown[]);
}

/** The rows of a query. */
export async function selectRows<R>(db: Reader, statement: Statement, parameters: readonly unknown[] = []): Promise<R[]> {
  return (await db.executeQuery<R>(compiled(db, statement, parameters))).rows;
}

/** The first row of a query, or undefined. */
export async function selectRow<R>(db: Reader, statement: Statement, parameters: readonly unknown[] = []): Promise<R | undefined> {
  return (await selectRows<R>(db, statement, parameters))[0];
}

/** Runs a statement that changes rows; how many it changed. */
export async function runStatement(tx: Tx, statement: Statement, parameters: readonly unknown[] = []): Promise<{ changes: number }> {
  const result = await tx.executeQuery(compiled(tx, statement, parameters));
  return { changes: Number(result.numAffectedRows ?? 0n) };
}

/** A unique index refused the write, on either engine (better-sqlite3's code, or PostgreSQL's SQLSTATE). */
export function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
