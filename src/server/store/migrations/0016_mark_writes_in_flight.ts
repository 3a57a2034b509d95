import type { Migration } from 'kysely';
import type { AnyDb } from './any-db';

// The state an interactive save read before its write, kept from just before the write is sent until
// its outcome is recorded (mark-writer.ts). The save's audit intent is committed while that state is
// still being read, so the intent cannot hold it; after a crash between the write and its outcome,
// reconcile.ts takes `before` from here. A row lives for one save's round trip only.
export const markWritesInFlight: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('mark_writes_in_flight')
      .addColumn('entry_id', 'text', (column) => column.primaryKey())
      .addColumn('before_json', 'text', (column) => column.notNull())
      .execute();
  },
};
