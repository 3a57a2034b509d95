// The composition root: configuration → database → upstream (live Chat, or the embedded
// emulator in sandbox mode) → Chat client → HTTP server. Only this file knows the emulator.
import { config as loadDotenv } from 'dotenv';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app';
import { createIdentity } from './auth/identity';
import { createLoginThrottle } from './auth/login-throttle';
import { ensureInitialStaff } from './auth/staff';
import { createChatClient } from './chat/client';
import { loadConfig } from './config';
import { claimDataDir } from './data-dir';
import { sessionCookieFor } from './http/auth';
import { auditKeyCreatedMessage, resolveAuditKey } from './store/audit-key';
import { createMetrics } from './metrics/metrics';
import { createReadiness, READINESS_CHECK_EVERY_MS, type Readiness } from './readiness';
import { DATABASE_FILE_NAME, type StoreLocation } from './store/database';
import { openStore } from './store/open';
import { createPool } from './store/postgres/store';
import { createPostgresRateBudget, ensureRateBudgetTable } from './store/postgres/rate-budget';
import { createSharedLimiter } from './chat/shared-limiter';
import { shutdownDeadline } from './shutdown';
import { resolveUpstream } from './upstream';
import { systemClock } from './clock';

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
// The audit chain's key: MARKDESK_AUDIT_KEY, else a key file generated in the data directory
// (with PostgreSQL the variable is required: every instance signs with it).
const auditKey = resolveAuditKey({ dataDir, configured: config.auditKey });
if (auditKey.created) console.log(auditKeyCreatedMessage(auditKey.created));
// SQLite in the data directory, or PostgreSQL shared by every instance (MARKDESK_DATABASE_URL).
const location: StoreLocation = config.databaseUrl ? { dialect: 'postgres', url: config.databaseUrl } : { dialect: 'sqlite', file: join(dataDir, DATABASE_FILE_NAME) };
const store = await openStore(location, auditKey.key);
// With PostgreSQL, several instances may share the Chat app: each command's rate budget is kept
// in the database, so together they never exceed the ceiling (shared-limiter.ts, rate-budget.ts).
const rateBudget = config.databaseUrl ? createPostgresRateBudget(await budgetPool(config.databaseUrl)) : null;
async function budgetPool(url: string) {
  const pool = createPool({ url }, 2);
  await ensureRateBudgetTable(pool);
  return pool;
}

// The SPA is served from dist/client as it is: `npm start` (scripts/start.mjs) builds it before
// starting this process when it is missing or stale; no bundler ever runs inside the server.
// Metrics exist only when someone may read them.
let chatForMetrics: ReturnType<typeof createChatClient> | null = null;
const metrics = config.metricsToken ? createMetrics({ store, chat: () => chatForMetrics }) : null;
let readiness: Readiness | null = null;

const upstream = await resolveUpstream(
  config,
  // Sandbox demo changes survive a restart: the emulator keeps its state beside ours. Loaded only
  // in sandbox mode: a live server never holds the emulator's code.
  async ({ dbFile }) => (await import('../emulator/server')).startEmulator({ host: '127.0.0.1', port: 0, dbFile, demoData: true }),
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
  ...(rateBudget
    ? { createLimiter: (command, limitPerSecond) => createSharedLimiter({ key: `${upstream.sdkAppId}:${command}`, limitPerSecond, budget: rateBudget }) }
    : {}),
  onEvent: (event) => {
    metrics?.observeChat(event);
    // A failure of real traffic that looks like an outage checks readiness at once.
    readiness?.noteChatEvent(event);
  },
});
chatForMetrics = chat;
readiness = createReadiness({ store, chat });
// One deadline for the whole graceful stop, from the signal on (shutdown.ts).
const shutdown = shutdownDeadline(config.shutdownTimeoutMs);

const initialAccounts = await ensureInitialStaff(store, { sandbox: upstream.mode === 'sandbox' });

let listeningOrigin = config.publicOrigin;
const app = await buildApp(
  {
    store,
    chat,
    clock: systemClock,
    loginThrottle: createLoginThrottle(store),
    cookie: sessionCookieFor(config.publicOrigin),
    mode: upstream.mode,
    chatApp: { sdkAppId: upstream.sdkAppId, region: upstream.region },
    version,
    upstream,
    readiness,
    // The redirect URI follows the origin, which with MARKDESK_PORT=0 is known only once listening.
    identity: createIdentity(config.identity, { publicOrigin: () => listeningOrigin, rootKey: auditKey.key }),
  },
  {
    publicOrigin: () => listeningOrigin,
    trustProxy: config.trustProxy,
    spaDir: join(root, 'dist/client'),
    // Interactive writes a crash left 'unknown' are settled from Chat at start, then every 5 minutes.
    reconcileEveryMs: 5 * 60_000,
    readyCheckEveryMs: READINESS_CHECK_EVERY_MS,
    metrics: metrics && config.metricsToken ? { metrics, token: config.metricsToken } : null,
    shutdown,
    // The chain's head goes to the log, outside the database (audit-head.ts).
    auditHeadLog: true,
  },
);
// Graceful shutdown under one deadline, ready before the server listens (a signal that comes while
// it starts, or while interrupted jobs resume, stops it the same way): app.close() closes
// everything the app owns, each plugin in the reverse order of its registration (app.ts, plugins/):
//  1. stop taking new work — the server stops listening and answers a request that still arrives
//     with 503, the job runner sends no new lines — while what is in flight finishes: requests
//     get their answers, a job's calls already sent are seen through and their outcomes handed
//     to the ledger. The Chat client, the upstream and the ledger stay open for them meanwhile;
//  2. flush the ledger: the job's last commits are durable, its state stays 'running', so the
//     next start resumes it;
//  3. release the Chat client, the upstream (sandbox emulator) and the database.
// Past the deadline the process exits anyway (code 1): whatever a job had in flight is recorded
// in its call announcements, and the next start settles it without writing anything twice.
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: Markdesk is stopping; requests and bulk job calls in flight finish first.`);
    shutdown.begin();
    setTimeout(() => {
      console.error(`Markdesk did not stop within ${shutdown.timeoutMs / 1000} s; exiting anyway (a running job goes on at the next start).`);
      process.exit(1);
    }, shutdown.remainingMs()).unref();
    app.close().then(
      () => process.exit(0),
      () => {
        console.error('Markdesk could not stop cleanly; exiting (a running job goes on at the next start).');
        process.exit(1);
      },
    );
  });
}
const address = await app.listen({ host: config.host, port: config.port });
// With MARKDESK_PORT=0 the port is known only now; an explicit public origin always wins.
if (!process.env.MARKDESK_PUBLIC_ORIGIN && config.port === 0) listeningOrigin = address;

if (initialAccounts.length > 0) {
  console.log('\nFirst start: these staff accounts were created. The passwords are shown only this once:');
  for (const account of initialAccounts) console.log(`  ${account.username.padEnd(8)} (${account.role.padEnd(6)})  password: ${account.password}`);
  console.log('Change them with: npm run staff -- reset-password NAME --password-stdin\n');
}
console.log(upstream.mode === 'sandbox' ? 'Mode: sandbox (embedded Chat emulator with demo data)' : `Mode: live (SDKAppID ${upstream.sdkAppId}, ${upstream.baseUrl})`);
if (config.identity.oidc) console.log(`Single sign-on: ${config.identity.oidc.issuer} (redirect URI ${listeningOrigin}/api/auth/oidc/callback)`);
if (!config.identity.localLogin) console.log('Password sign-in is off except for break-glass accounts (MARKDESK_LOCAL_LOGIN=off).');
if (config.identity.requireMfa) console.log('Every local account sets up TOTP at its next sign-in (MARKDESK_REQUIRE_MFA=1).');
console.log(`Markdesk is running at ${listeningOrigin}`);
// Jobs that were running when the server stopped (or crashed) go on — unless it is stopping already.
await app.jobs.resumeInterrupted().catch((error: unknown) => {
  if (!stopping) throw error;
});

