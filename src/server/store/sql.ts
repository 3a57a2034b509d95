import { CompiledQuery } from 'kysely';
import type { Reader, Tx } from './database';

// Hand-written SQL, for the statements a query builder cannot express (or would build anew each
// time on paths that run thousands of times a second). Parameters are positional (`?`); the text
// is the key of the connection's prepared-statement cache, so it must not vary with the values.

/** The rows of a query. */
export async function selectRows<R>(db: Reader, text: string, parameters: readonly unknown[] = []): Promise<R[]> {
  return (await db.executeQuery<R>(CompiledQuery.raw(text, parameters as unknown[]))).rows;
}

/** The first row of a query, or undefined. */
export async function selectRow<R>(db: Reader, text: string, parameters: readonly unknown[] = []): Promise<R | undefined> {
  return (await selectRows<R>(db, text, parameters))[0];
}

/** Runs a statement that changes rows; how many it changed and the last id it inserted. */
export async function runStatement(tx: Tx, text: string, parameters: readonly unknown[] = []): Promise<{ changes: number; insertId: number }> {
  const result = await tx.executeQuery(CompiledQuery.raw(text, parameters as unknown[]));
  return { changes: Number(result.numAffectedRows ?? 0n), insertId: Number(result.insertId ?? 0n) };
}
