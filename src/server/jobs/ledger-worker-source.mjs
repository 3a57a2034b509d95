// The ledger's worker thread when Markdesk runs from its TypeScript sources (tsx, Vitest): a
// worker thread does not inherit the parent's loader, so it registers tsx before importing
// ledger-worker.ts. The build never uses this file (dist/server/ledger-worker.mjs is plain JS).
import { register } from 'tsx/esm/api';

register();
await import('./ledger-worker.ts');
