// Opens the store where its location says: SQLite (database.ts) or PostgreSQL (postgres/store.ts).
import { openDatabase, type Store, type StoreLocation } from './database';
import { openPostgresStore } from './postgres/store';

/**
 * Opens the store and brings its schema up to date. SQLite takes the audit key from the data
 * directory when none is given; PostgreSQL needs it given (every instance must use the same one).
 */
export function openStore(location: StoreLocation, auditKey?: Buffer): Promise<Store> {
  if (location.dialect === 'sqlite') return openDatabase({ file: location.file, ...(auditKey ? { auditKey } : {}) });
  if (!auditKey) throw new Error('A PostgreSQL store needs the audit key given (MARKDESK_AUDIT_KEY), the same on every instance.');
  return openPostgresStore({ url: location.url, ...(location.schema ? { schema: location.schema } : {}), auditKey });
}
