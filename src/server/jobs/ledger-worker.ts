// The worker thread of workerLedger (ledger.ts): its own connection to the database, one
// write transaction per commit (the store runs them one at a time); each commit is answered once it
// is as durable as ledgerDurability asks.
import { parentPort, workerData } from 'node:worker_threads';
import { DatabaseUnavailableError, isDatabaseUnavailable, type StoreLocation } from '../store/database';
import { openStore } from '../store/open';
import { applyLedgerCommit, ledgerDurability, type LedgerCommit, type LedgerReply } from './ledger';
import { LeaseLostError } from './leases';

const port = parentPort!;
const { location, auditKey } = workerData as { location: StoreLocation; auditKey?: Uint8Array };
// A thread started while the database cannot be reached dies with an error that says so (ledger.ts
// threadError): the commits waiting for it fail as an outage, and the next commit starts another.
const store = await openStore(location, auditKey ? Buffer.from(auditKey) : undefined).catch((error: unknown) => {
  throw isDatabaseUnavailable(error) ? new DatabaseUnavailableError({ cause: error }) : error;
});

port.on('message', (message: { id: number; commit: LedgerCommit } | 'close') => {
  if (message === 'close') {
    void store.close().then(() => process.exit(0));
    return;
  }
  const { id, commit } = message;
  store.write((tx) => applyLedgerCommit(tx, store.auditKey, commit), { durability: ledgerDurability(commit) }).then(
    (ids) => port.postMessage({ id, ids } satisfies LedgerReply),
    (error: unknown) =>
      port.postMessage({
        id,
        error: error instanceof Error ? error.message : String(error),
        ...(error instanceof LeaseLostError ? { leaseLost: commit.jobId } : {}),
        // The class does not cross the thread: the runner tells an outage from a failure by this.
        ...(isDatabaseUnavailable(error) ? { unavailable: true as const } : {}),
      } satisfies LedgerReply),
  );
});
