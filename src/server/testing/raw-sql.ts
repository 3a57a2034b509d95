// Hand-written SQL for tests that look at or tamper with the database behind the store's back
// (dropping a guard trigger, editing a row as an attacker would). Writes run in their own write
// transaction, as every write does.
import type { Store } from '../store/database';
import { runStatement, selectRow, selectRows, type Statement } from '../store/sql';

export function rawAll<R = Record<string, unknown>>(store: Pick<Store, 'read'>, text: string, parameters: readonly unknown[] = []): Promise<R[]> {
  return selectRows<R>(store.read, text, parameters);
}

export function rawGet<R = Record<string, unknown>>(store: Pick<Store, 'read'>, text: string, parameters: readonly unknown[] = []): Promise<R | undefined> {
  return selectRow<R>(store.read, text, parameters);
}

export function rawRun(store: Pick<Store, 'write'>, text: Statement, parameters: readonly unknown[] = []): Promise<{ changes: number }> {
  return store.write((tx) => runStatement(tx, text, parameters));
}

/** Several statements separated by semicolons (none inside a statement), in one transaction. */
export function rawExec(store: Pick<Store, 'write'>, script: string): Promise<void> {
  return store.write(async (tx) => {
    for (const statement of script.split(';').map((text) => text.trim())) if (statement !== '') await runStatement(tx, statement);
  });
}

/** Removes the audit table's append-only guards, as someone editing the database directly would. */
export function unguardAudit(store: Pick<Store, 'write' | 'location'>): Promise<void> {
  return rawExec(
    store,
    store.location.dialect === 'sqlite' ? 'DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete' : 'DROP TRIGGER audit_no_change ON audit',
  );
}

/** Removes the guards of the record of where keyed rows start. */
export function unguardAuditChain(store: Pick<Store, 'write' | 'location'>): Promise<void> {
  return rawExec(store, store.location.dialect === 'sqlite' ? 'DROP TRIGGER audit_chain_no_update' : 'DROP TRIGGER audit_chain_no_change ON audit_chain');
}

/** Lowers the highest audit seq the database remembers (to hide rows cut off the end). */
export const LOWER_HIGHEST_AUDIT_SEQ: Statement = {
  sqlite: `UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit'`,
  postgres: 'UPDATE audit_high_water SET seq = ?',
};
