import type { Migration } from 'kysely';
import type { AnyDb } from './any-db';

// Job leases (jobs/leases.ts): with several Markdesk instances on one database, a running bulk job
// or survey is run by the one instance that holds its lease:
// - lease_owner: the holder's instance id (null: nobody holds it);
// - lease_expires_at: until when, in ms since the epoch on the holder's clock (null with no holder);
//   the holder renews it, any instance may take the job over once it has passed;
// - lease_epoch: raised at every take of the lease. A run remembers the epoch it was started
//   under and each of its commits checks it, so a holder that stalled past its lease and was taken
//   over commits nothing more even if it has not noticed yet (a fencing token).
// The jobs and surveys scanned for takeover are found through jobs_by_state (and, for surveys, the
// few rows there are): no index of their own. Only Kysely's portable schema builder: this file
// also runs on PostgreSQL.
export const jobLeases: Migration = {
  async up(db: AnyDb) {
    for (const table of ['jobs', 'surveys']) {
      await db.schema.alterTable(table).addColumn('lease_owner', 'text').execute();
      await db.schema.alterTable(table).addColumn('lease_expires_at', 'bigint').execute();
      await db.schema
        .alterTable(table)
        .addColumn('lease_epoch', 'integer', (column) => column.notNull().defaultTo(0))
        .execute();
    }
  },
};
