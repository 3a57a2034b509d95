// The composition root: configuration → database → upstream (live Chat, or the embedded
// emulator in sandbox mode) → Chat client → HTTP server. Only this file knows the emulator.
import { config as loadDotenv } from 'dotenv';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../emulator/server';
import { buildApp } from './app';
import { createLoginThrottle } from './auth/login-throttle';
import { ensureInitialStaff } from './auth/staff';
import { createChatClient } from './chat/client';
import { loadConfig } from './config';
import { claimDataDir } from './data-dir';
import { sessionCookieFor } from './http/auth';
import { workerLedger } from './jobs/ledger';
import { createJobRunner } from './jobs/runner';
import { ensureSpaBuilt } from './spa-build';
import { createHeadAnchor } from './store/audit-head';
import { auditKeyCreatedMessage, resolveAuditKey } from './store/audit-key';
import { DATABASE_FILE_NAME, openDatabase, systemClock } from './store/database';
import { resolveUpstream } from './upstream';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

loadDotenv({ quiet: true });
const loaded = loadConfig(process.env);
if (!loaded.ok) {
  console.error('Markdesk cannot start; fix the configuration:');
  for (const problem of loaded.problems) console.error(`  - ${problem}`);
  process.exit(1);
}
const config = loaded.config;

const dataDir = resolve(config.dataDir);
mkdirSync(dataDir, { recursive: true });
// Before anything is opened or started: a directory of another Chat app (or of the sandbox) is refused.
const claim = claimDataDir(dataDir, config.chat ? { mode: 'live', sdkAppId: config.chat.sdkAppId } : { mode: 'sandbox' });
if (!claim.ok) {
  console.error(`Markdesk cannot start. ${claim.message}`);
  process.exit(1);
}
// The audit chain's key: MARKDESK_AUDIT_KEY, else a key file generated in the data directory.
const auditKey = resolveAuditKey({ dataDir, configured: config.auditKey });
if (auditKey.created) console.log(auditKeyCreatedMessage(auditKey.created));
const store = await openDatabase({ file: join(dataDir, DATABASE_FILE_NAME), auditKey: auditKey.key });

// MARKDESK_SKIP_SPA_BUILD=1: serve dist/client as it is (or no SPA) instead of building it first;
// for tests that start this file as a child process and only need the API.
if (process.env.MARKDESK_SKIP_SPA_BUILD !== '1') await ensureSpaBuilt(root, (line) => console.log(line));

const upstream = await resolveUpstream(
  config,
  // Sandbox demo changes survive a restart: the emulator keeps its state beside ours.
  ({ dbFile }) => startEmulator({ host: '127.0.0.1', port: 0, dbFile, demoData: true }),
  join(dataDir, 'sandbox-chat.sqlite'),
);
const chat = createChatClient({
  baseUrl: upstream.baseUrl,
  sdkAppId: upstream.sdkAppId,
  adminIdentifier: upstream.adminIdentifier,
  secretKey: upstream.secretKey,
  ratePerSecond: config.rateLimitPerSecond,
  // A bulk job keeps ~30 writes and ~8 reads in flight to fill 200 calls/s when Chat answers in 100 ms.
  connections: 64,
});
// Bulk jobs commit their audit entries on a worker thread with its own connection (jobs/ledger.ts).
const ledger = workerLedger(join(dataDir, DATABASE_FILE_NAME), auditKey.key);
const jobs = createJobRunner({ store, chat, clock: systemClock, ledger });

const initialAccounts = await ensureInitialStaff(store, { sandbox: upstream.mode === 'sandbox' });

let listeningOrigin = config.publicOrigin;
const app = await buildApp(
  {
    store,
    chat,
    clock: systemClock,
    loginThrottle: createLoginThrottle(),
    cookie: sessionCookieFor(config.publicOrigin),
    mode: upstream.mode,
    chatApp: { sdkAppId: upstream.sdkAppId, region: upstream.region },
    version,
    jobs,
  },
  {
    publicOrigin: () => listeningOrigin,
    trustProxy: config.trustProxy,
    spaDir: join(root, 'dist/client'),
    // Interactive writes a crash left 'unknown' are settled from Chat at start, then every 5 minutes.
    reconcileEveryMs: 5 * 60_000,
  },
);
// The chain's head goes to the log, outside the database (audit-head.ts).
const headAnchor = createHeadAnchor({ store, clock: systemClock, log: (fields, message) => app.log.info(fields, message) });
headAnchor.start();
const address = await app.listen({ host: config.host, port: config.port });
// With MARKDESK_PORT=0 the port is known only now; an explicit public origin always wins.
if (!process.env.MARKDESK_PUBLIC_ORIGIN && config.port === 0) listeningOrigin = address;

if (initialAccounts.length > 0) {
  console.log('\nFirst start: these staff accounts were created. The passwords are shown only this once:');
  for (const account of initialAccounts) console.log(`  ${account.username.padEnd(8)} (${account.role.padEnd(6)})  password: ${account.password}`);
  console.log('Change them with: npm run staff -- reset-password NAME --password-stdin\n');
}
console.log(upstream.mode === 'sandbox' ? 'Mode: sandbox (embedded Chat emulator with demo data)' : `Mode: live (SDKAppID ${upstream.sdkAppId}, ${upstream.baseUrl})`);
console.log(`Markdesk is running at ${listeningOrigin}`);
// Jobs that were running when the server stopped (or crashed) go on.
await jobs.resumeInterrupted();

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    // Graceful: stop accepting, let in-flight requests finish, then release upstream and database.
    void (async () => {
      await jobs.stop();
      await ledger.close();
      await app.close();
      headAnchor.stop();
      headAnchor.flush();
      await chat.close();
      await upstream.close();
      await store.close();
      process.exit(0);
    })();
  });
}
