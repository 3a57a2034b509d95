import type { Migration } from 'kysely';
import type { AnyDb } from './any-db';

// Where each key's last exclusive hold across instances ended (database.ts InstanceLocks): an
// interactive save or an Undo on one instance records it before letting its Chat user go, and a
// bulk job on another, once it holds the user shared, learns from it whether such a write came
// after it read its lines (then it reads them again before writing). `seq` grows with every end;
// its index makes the latest one a lookup. Written on PostgreSQL only: on SQLite one process
// holds every lock and knows this itself, and the table stays empty.
export const exclusiveEnds: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('exclusive_ends')
      .addColumn('key', 'text', (column) => column.primaryKey())
      .addColumn('seq', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('exclusive_ends_by_seq').on('exclusive_ends').column('seq').execute();
  },
};
