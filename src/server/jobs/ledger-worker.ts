// The worker thread of workerLedger (ledger.ts): its own connection to the database file, one
// write transaction per commit (the store runs them one at a time); each commit is answered once it
// is as durable as ledgerDurability asks.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/database';
import { applyLedgerCommit, ledgerDurability, type LedgerCommit, type LedgerReply } from './ledger';

const port = parentPort!;
const { databaseFile, auditKey } = workerData as { databaseFile: string; auditKey?: Uint8Array };
const store = await openDatabase({ file: databaseFile, ...(auditKey ? { auditKey: Buffer.from(auditKey) } : {}) });

port.on('message', (message: { id: number; commit: LedgerCommit } | 'close') => {
  if (message === 'close') {
    void store.close().then(() => process.exit(0));
    return;
  }
  const { id, commit } = message;
  store.write((tx) => applyLedgerCommit(tx, store.auditKey, commit), { durability: ledgerDurability(commit) }).then(
    (ids) => port.postMessage({ id, ids } satisfies LedgerReply),
    (error: unknown) => port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies LedgerReply),
  );
});
