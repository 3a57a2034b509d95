// The worker thread of workerLedger (ledger.ts): its own connection to the database, one
// write transaction per commit (the store runs them one at a time); each commit is answered once it
// is as durable as ledgerDurability asks.
import { parentPort, workerData } from 'node:worker_threads';
import type { StoreLocation } from '../store/database';
import { openStore } from '../store/open';
import { applyLedgerCommit, ledgerDurability, type LedgerCommit, type LedgerReply } from './ledger';
import { LeaseLostError } from './leases';

const port = parentPort!;
const { location, auditKey } = workerData as { location: StoreLocation; auditKey?: Uint8Array };
const store = await openStore(location, auditKey ? Buffer.from(auditKey) : undefined);

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
      } satisfies LedgerReply),
  );
});
