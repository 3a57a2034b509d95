// The worker thread of workerLedger (ledger.ts): its own connection to the database file, one
// IMMEDIATE transaction per commit, answers in the order the commits came.
import { parentPort, workerData } from 'node:worker_threads';
import { blockingTransaction, openDatabase } from '../store/database';
import { applyLedgerCommit, ledgerSynchronous, type LedgerCommit, type LedgerReply } from './ledger';

const port = parentPort!;
const { databaseFile, auditKey } = workerData as { databaseFile: string; auditKey?: Uint8Array };
const store = await openDatabase({ file: databaseFile, ...(auditKey ? { auditKey: Buffer.from(auditKey) } : {}) });
let synchronous = '';

port.on('message', (message: { id: number; commit: LedgerCommit } | 'close') => {
  if (message === 'close') {
    void store.close().then(() => process.exit(0));
    return;
  }
  const { id, commit } = message;
  const wanted = ledgerSynchronous(commit);
  if (wanted !== synchronous) {
    store.sqlite.pragma(`synchronous = ${wanted}`);
    synchronous = wanted;
  }
  blockingTransaction(store, () => applyLedgerCommit(store, commit)).then(
    (ids) => port.postMessage({ id, ids } satisfies LedgerReply),
    (error: unknown) => port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies LedgerReply),
  );
});
