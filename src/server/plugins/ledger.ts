// The bulk jobs' ledger as a Fastify plugin: the commits run on a worker thread with its own
// connection to the store's database file (jobs/ledger.ts) — in tests exactly as in production.
// It closes after the job runner, so a stopping job's last commits are durable first.
import fp from 'fastify-plugin';
import { workerLedger, type JobLedger, type LedgerCommit } from '../jobs/ledger';
import { selectRow } from '../store/sql';

declare module 'fastify' {
  interface FastifyInstance {
    ledger: JobLedger;
  }
}

export type LedgerPluginOptions = {
  /** Told of every commit once it is durable (metrics). */
  onCommit?: ((commit: LedgerCommit) => void) | undefined;
};

const DATABASE_FILE = `SELECT file FROM pragma_database_list WHERE name = 'main'`;

export const ledgerPlugin = fp<LedgerPluginOptions>(
  async (app, { onCommit }) => {
    // The main database's file, as SQLite knows it ('' when it is in memory).
    const file = (await selectRow<{ file: string }>(app.store.read, DATABASE_FILE))?.file ?? '';
    if (file === '') throw new Error('The job ledger needs the database in a file: its worker thread opens a connection of its own.');
    const commits = workerLedger(file, app.store.auditKey);
    const ledger: JobLedger = onCommit
      ? {
          commit: async (commit) => {
            const ids = await commits.commit(commit);
            onCommit(commit);
            return ids;
          },
          warm: () => commits.warm(),
          close: () => commits.close(),
        }
      : commits;
    app.decorate('ledger', ledger);
    app.addHook('onClose', async () => ledger.close());
  },
  { name: 'markdesk-ledger', fastify: '5.x', dependencies: ['markdesk-store'] },
);
