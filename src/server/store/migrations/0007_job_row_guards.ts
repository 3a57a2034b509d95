import type { Migration } from 'kysely';
import type { AnyDb } from './any-db';

// A bulk line's write guard (JSON, null for none): the state it must still be in (rollback jobs),
// or "custom mark only where none is set". Checked on the state read just before the line's write.
// And the audit entry a line undoes (rollback jobs): its own entry points to it (revert_of).
export const jobRowGuards: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('job_rows').addColumn('guard_json', 'text').execute();
    await db.schema.alterTable('job_rows').addColumn('revert_of', 'text').execute();
  },
};
