// The bulk jobs' ledger as a Fastify plugin: the commits run on a worker thread with its own
// connection to the store's database (jobs/ledger.ts) — in tests exactly as in production.
// It closes after the job runner, so a stopping job's last commits are durable first.
import fp from 'fastify-plugin';
import { workerLedger, type JobLedger, type LedgerCommit } from '../jobs/ledger';

declare module 'fastify' {
  interface FastifyInstance {
    ledger: JobLedger;
  }
}

export type LedgerPluginOptions = {
  /** Told of every commit once it is durable (metrics). */
  onCommit?: ((commit: LedgerCommit) => void) | undefined;
};

export const ledgerPlugin = fp<LedgerPluginOptions>(
  async (app, { onCommit }) => {
    const { location } = app.store;
    if (location.dialect === 'sqlite' && (location.file === ':memory:' || location.file === '')) {
      throw new Error('The job ledger needs the database in a file: its worker thread opens a connection of its own.');
    }
    const commits = workerLedger(location, app.store.auditKey);
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
