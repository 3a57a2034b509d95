// Hand-written SQL for tests that look at or tamper with the database behind the store's back
// (dropping a guard trigger, editing a row as an attacker would). Writes run in their own write
// transaction, as every write does.
import type { Store } from '../store/database';
import { runStatement, selectRow, selectRows } from '../store/sql';

export function rawAll<R = Record<string, unknown>>(store: Pick<Store, 'read'>, text: string, parameters: readonly unknown[] = []): Promise<R[]> {
  return selectRows<R>(store.read, text, parameters);
}

export function rawGet<R = Record<string, unknown>>(store: Pick<Store, 'read'>, text: string, parameters: readonly unknown[] = []): Promise<R | undefined> {
  return selectRow<R>(store.read, text, parameters);
}

export function rawRun(store: Pick<Store, 'write'>, text: string, parameters: readonly unknown[] = []): Promise<{ changes: number; insertId: number }> {
  return store.write((tx) => runStatement(tx, text, parameters));
}

/** Several statements separated by semicolons (none inside a statement), in one transaction. */
export function rawExec(store: Pick<Store, 'write'>, script: string): Promise<void> {
  return store.write(async (tx) => {
    for (const statement of script.split(';').map((text) => text.trim())) if (statement !== '') await runStatement(tx, statement);
  });
}
