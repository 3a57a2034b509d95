// Two instances on one PostgreSQL database: the built server twice (A and B, as `npm start` runs
// it), both in live mode against one emulator process that enforces Tencent's 200 calls/s per
// command with 20 ms latency, both with the default CHAT_RATE_LIMIT_PER_SECOND, whose budget they
// share through the database (chat/shared-limiter.ts, store/postgres/rate-budget.ts). A
// 100,000-row job in random row order runs on A while B makes interactive one-item saves for other
// Chat users, one after another at a steady pace. The figure is the job's lines per second ÷
// (configured calls/s × 100): the ceiling belongs to both instances together, and B's saves spend
// mark_contact budget too. It is honest only if the emulator refused no call as too frequent.
//
// Needs PostgreSQL: MARKDESK_BENCH_DATABASE_URL, else MARKDESK_TEST_DATABASE_URL. The run gets a
// schema of its own (each server is given it in its URL's search path), dropped at the end.
//
// While the job runs, PostgreSQL's view of the two instances' sessions is sampled (pg_stat_activity,
// pg_locks; each instance names its connections with application_name) to say where their time goes:
// waiting for the write lock, in a transaction waiting for Markdesk, running, or waiting on I/O.
//
// `npm run bench -- two-instances` runs it alone (after building what is stale).
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { request } from 'undici';
import type { JobCheckedResponse, JobStatus } from '../shared/api/jobs';
import { createSession } from '../server/auth/sessions';
import { createStaff } from '../server/auth/staff';
import { createChatClient } from '../server/chat/client';
import { loadConfig } from '../server/config';
import type { StoreLocation } from '../server/store/database';
import { openStore } from '../server/store/open';
import { auditKeyFromSetting } from '../server/store/audit-key';
import { childDatabaseUrl } from '../server/testing/child-bff';
import { dropTestSchema } from '../server/testing/test-store';
import { importUsers, processCpuSeconds, startEmulatorProcess, writeBenchCsv, type EmulatorProcess } from './bulk';
import { startBuiltServer, type BuiltServer } from './built-server';
import { ms, quantile } from './stats';

/** Tencent's per-call maximum of mark_contact. */
const ITEMS_PER_CALL = 100;
const UPSTREAM_LATENCY_MS = 20;
/** Chat users B's interactive saves go to, in turn (none of them is in the job's file). */
const INTERACTIVE_USERS = 20;
/** How often the database's view of the two instances is read while the job runs. */
const SAMPLE_EVERY_MS = 50;

export const BENCH_DATABASE_URL_VARIABLES = ['MARKDESK_BENCH_DATABASE_URL', 'MARKDESK_TEST_DATABASE_URL'] as const;

/** The PostgreSQL server the part runs on, or undefined when neither variable names one. */
export function twoInstancesDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const name of BENCH_DATABASE_URL_VARIABLES) {
    const url = env[name]?.trim();
    if (url) return url;
  }
  return undefined;
}

export const TWO_INSTANCES_SKIPPED_LINE =
  `two instances on one PostgreSQL database: skipped — neither ${BENCH_DATABASE_URL_VARIABLES.join(' nor ')} is set` +
  ' (a PostgreSQL server the bench may make a schema on, for example postgres://postgres@127.0.0.1:5432/test)';

/** An error's message with any password of a connection URL in it replaced. */
export function withoutPasswords(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:@/\s]*:)[^@\s]*@/gi, '$1***@');
}

/** Where the two instances' database sessions were, on average over the samples (sessions per sample). */
export type SessionSamples = {
  samples: number;
  /** Share of the samples in which one of them held the write lock (the advisory lock every write transaction takes). */
  writeLockHeld: number;
  /** Sessions waiting for the write lock. */
  waitingForWriteLock: number;
  /** Sessions inside a transaction, waiting for their instance to send the next statement (`idle in transaction`). */
  inTransactionWaitingForMarkdesk: number;
  /** Of those, the ones holding the write lock meanwhile. */
  holdingWriteLockWaitingForMarkdesk: number;
  /** Sessions running a statement, not waiting for anything. */
  running: number;
  /** Sessions waiting inside PostgreSQL for something other than the write lock (I/O, WAL, internal locks), by wait event. */
  otherWaits: Record<string, number>;
  /** Sessions running or waiting on a rate-budget statement (the shared limiter's reservations). */
  rateBudget: number;
  /** The write lock's holder by the statement it runs or last ran (its first words), as a share of the samples. */
  lockHolderStatements: Record<string, number>;
};

export type TwoInstancesReport = {
  rows: number;
  /** CHAT_RATE_LIMIT_PER_SECOND as the servers read it (their default). */
  callsPerSecond: number;
  upstreamLatencyMs: number;
  /** Start → the job reads done, as the client polling A saw it. */
  seconds: number;
  linesPerSecond: number;
  /** linesPerSecond ÷ (callsPerSecond × 100). */
  ratio: number;
  result: JobStatus;
  /** mark_contact calls the emulator answered during the job (A's and B's), per second. */
  markContactCallsPerSecond: number;
  /** search_contact_group calls (the job's reads of the lines' current marks, and B's) the emulator answered during the job, per second. */
  searchCallsPerSecond: number;
  /** "too frequent" (60007) answers of the emulator during the job, all commands. */
  tooFrequent: number;
  interactive: { ratePerSecond: number; saves: number; failed: number; firstFailure: string | null; p50: number; p99: number; max: number };
  /** CPU time per job line while the job ran. */
  cpuMicrosPerRow: { a: number; b: number; emulator: number; postgres: number };
  sessions: SessionSamples;
  load: { start: number; end: number };
};

/** The emulator's per-command counters. */
async function emulatorStats(emulator: EmulatorProcess): Promise<Record<string, { calls: number; errorCodes: Record<string, number> }>> {
  const response = await fetch(`${emulator.url}/__emulator/stats`);
  return ((await response.json()) as { commands: Record<string, { calls: number; errorCodes: Record<string, number> }> }).commands;
}

const tooFrequentCount = (stats: Awaited<ReturnType<typeof emulatorStats>>) => Object.values(stats).reduce((sum, command) => sum + (command.errorCodes['60007'] ?? 0), 0);
const commandCalls = (stats: Awaited<ReturnType<typeof emulatorStats>>, command: string) => stats[command]?.calls ?? 0;

/** Cleanup steps, run last-registered first, each whatever the others did. */
function cleanupStack() {
  const steps: (() => Promise<void>)[] = [];
  let ran: Promise<void> | null = null;
  return {
    push(step: () => Promise<void>) {
      steps.push(step);
    },
    run(): Promise<void> {
      ran ??= (async () => {
        for (const step of steps.reverse()) {
          try {
            await step();
          } catch (error) {
            console.error(`two-instance bench: a cleanup step failed: ${withoutPasswords(error instanceof Error ? error.message : String(error))}`);
          }
        }
      })();
      return ran;
    },
  };
}

/** A built server stopped gracefully, or killed when it has not exited within a minute. */
async function stopServer(server: BuiltServer): Promise<void> {
  const timer = setTimeout(() => {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 60_000);
  try {
    await server.close();
  } finally {
    clearTimeout(timer);
  }
}

/** Samples pg_stat_activity and pg_locks for the sessions named `names` until stopped. */
function sampleSessions(url: string, names: readonly string[]) {
  const client = new pg.Client({ connectionString: url, application_name: 'markdesk-bench-sampler' });
  const totals = { samples: 0, writeLockHeld: 0, waitingForWriteLock: 0, inTransactionWaitingForMarkdesk: 0, holdingWriteLockWaitingForMarkdesk: 0, running: 0, rateBudget: 0 };
  const otherWaits: Record<string, number> = {};
  const lockHolderStatements: Record<string, number> = {};
  let stopped = false;
  let failure: unknown = null;
  const connected = client.connect();
  // Its failure is met where the connection is awaited (backends, sampling); never unhandled.
  connected.catch(() => undefined);
  let loop: Promise<void> = Promise.resolve();
  // One query at a time on the one connection: backends() may ask while a sample is running (pg
  // queues them itself, but warns that this goes away in its next major version).
  let last: Promise<unknown> = Promise.resolve();
  const query = <Row extends pg.QueryResultRow>(text: string, values: unknown[]) => {
    const next = last.then(() => client.query<Row>(text, values));
    last = next.catch(() => undefined);
    return next;
  };
  const sample = async () => {
    await connected;
    while (!stopped) {
      // The write lock is the advisory lock with one bigint key (objsubid 1); a Chat user's lock has
      // two int4 keys (objsubid 2), and a wait for one is counted with the other waits (Lock:advisory).
      const { rows } = await query<{ pid: number; state: string | null; wait_event_type: string | null; wait_event: string | null; query: string | null; holds_write_lock: boolean; waits_for_write_lock: boolean }>(
        `SELECT a.pid, a.state, a.wait_event_type, a.wait_event, left(a.query, 200) AS query,
                EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted) AS holds_write_lock,
                EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.objsubid = 1 AND NOT l.granted) AS waits_for_write_lock
           FROM pg_stat_activity a WHERE a.application_name = ANY($1)`,
        [names],
      );
      totals.samples++;
      if (rows.some((row) => row.holds_write_lock)) totals.writeLockHeld++;
      for (const row of rows) {
        if (row.holds_write_lock) {
          const statement = statementKind(row.query);
          lockHolderStatements[statement] = (lockHolderStatements[statement] ?? 0) + 1;
        }
        if (row.state === 'idle in transaction') {
          totals.inTransactionWaitingForMarkdesk++;
          if (row.holds_write_lock) totals.holdingWriteLockWaitingForMarkdesk++;
        } else if (row.state === 'active') {
          if (row.query?.includes('rate_budget')) totals.rateBudget++;
          if (row.waits_for_write_lock) totals.waitingForWriteLock++;
          else if (row.wait_event_type === null) totals.running++;
          else {
            const event = `${row.wait_event_type}:${row.wait_event}`;
            otherWaits[event] = (otherWaits[event] ?? 0) + 1;
          }
        }
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    }
  };
  return {
    /** Starts sampling (the connection is made at once, so that starting costs no round trips). */
    start() {
      loop = sample().catch((error: unknown) => {
        failure = error;
      });
    },
    /** The backends of the named sessions now (their CPU is read from /proc). */
    async backends(): Promise<number[]> {
      await connected;
      const { rows } = await query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = ANY($1)', [names]);
      return rows.map((row) => row.pid);
    },
    async stop(): Promise<SessionSamples> {
      stopped = true;
      await loop;
      if (failure) throw failure;
      const per = (value: number) => (totals.samples === 0 ? Number.NaN : value / totals.samples);
      return {
        samples: totals.samples,
        writeLockHeld: per(totals.writeLockHeld),
        waitingForWriteLock: per(totals.waitingForWriteLock),
        inTransactionWaitingForMarkdesk: per(totals.inTransactionWaitingForMarkdesk),
        holdingWriteLockWaitingForMarkdesk: per(totals.holdingWriteLockWaitingForMarkdesk),
        running: per(totals.running),
        otherWaits: Object.fromEntries(Object.entries(otherWaits).map(([event, count]) => [event, per(count)])),
        rateBudget: per(totals.rateBudget),
        lockHolderStatements: Object.fromEntries(Object.entries(lockHolderStatements).map(([statement, count]) => [statement, per(count)])),
      };
    },
    async close() {
      stopped = true;
      await loop;
      await client.end();
    },
  };
}

/** A statement's first words, without its values: `INSERT INTO audit_terms`, `UPDATE job_rows`, `SELECT pg_advisory_xact_lock`. */
function statementKind(query: string | null): string {
  const words = (query ?? '').replace(/\s+/g, ' ').trim().split(/[ (]/).filter(Boolean);
  const verb = (words[0] ?? '?').toUpperCase();
  if (verb === 'INSERT' || verb === 'DELETE') return words.slice(0, 3).join(' ');
  if (verb === 'UPDATE') return words.slice(0, 2).join(' ');
  if (verb === 'SELECT' && /pg_advisory_xact_lock/.test(query ?? '')) return 'SELECT pg_advisory_xact_lock';
  if (verb === 'SELECT' || verb === 'WITH') {
    const from = /\bFROM\s+"?(\w+)"?/i.exec(query ?? '');
    return from ? `${verb} … FROM ${from[1]}` : verb;
  }
  return verb;
}

/** CPU seconds of the given PostgreSQL backends (processes of this machine; NaN when not readable). */
function backendsCpuSeconds(pids: readonly number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, processCpuSeconds(pid)]));
}

/**
 * The two-instance figure: see the top of this file. `ratePerSecond` is B's pace of interactive
 * saves (each waits for the previous one: a person saving, not a load generator).
 */
export async function measureTwoInstances(options: { databaseUrl: string; rows?: number; ratePerSecond?: number }): Promise<TwoInstancesReport> {
  const rows = options.rows ?? 100_000;
  const ratePerSecond = options.ratePerSecond ?? 2;
  const location: StoreLocation & { dialect: 'postgres' } = { dialect: 'postgres', url: options.databaseUrl, schema: `bench_${randomBytes(6).toString('hex')}` };
  const auditKeySetting = randomBytes(32).toString('hex');
  const cleanup = cleanupStack();
  // Interrupted (Ctrl-C, a stop): the servers, the emulator and the schema go all the same.
  const onSignal = (signal: NodeJS.Signals) => {
    void cleanup.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const workDir = mkdtempSync(join(tmpdir(), 'markdesk-bench-two-'));
    cleanup.push(async () => rmSync(workDir, { recursive: true, force: true }));

    const emulator = await startEmulatorProcess(UPSTREAM_LATENCY_MS);
    cleanup.push(() => emulator.close());

    // The schema, migrated, with the staff member and a session both instances accept.
    cleanup.push(() => dropTestSchema(location));
    const setup = await openStore(location, auditKeyFromSetting(auditKeySetting));
    let sessionId: string;
    try {
      await createStaff(setup, { username: 'bench', role: 'editor', password: 'a bench password of no value' });
      sessionId = (await createSession(setup, 'bench', { ip: '127.0.0.1', userAgent: 'bench' })).sessionId;
    } finally {
      await setup.close();
    }

    // The job's users and B's, known to Chat before anything starts.
    const file = join(workDir, 'job.csv');
    const jobUsers = await writeBenchCsv(file, rows, `two.${Date.now()}`, 'random');
    const interactiveUsers = Array.from({ length: INTERACTIVE_USERS }, (_, i) => `two.desk.${Date.now()}.${i}`);
    const chat = createChatClient({ baseUrl: emulator.url, sdkAppId: emulator.sdkAppId, adminIdentifier: emulator.adminIdentifier, secretKey: emulator.secretKey, ratePerSecond: 100 });
    try {
      await importUsers(chat, [...jobUsers, ...interactiveUsers]);
    } finally {
      await chat.close();
    }

    const names = { a: `markdesk-bench-a-${location.schema}`, b: `markdesk-bench-b-${location.schema}` };
    const databaseUrl = (applicationName: string) => {
      const url = new URL(childDatabaseUrl(location));
      url.searchParams.set('application_name', applicationName);
      return url.toString();
    };
    const env = (name: string) => ({ MARKDESK_DATABASE_URL: databaseUrl(name), MARKDESK_AUDIT_KEY: auditKeySetting });
    // What the servers read as their limit: the default, as nothing sets CHAT_RATE_LIMIT_PER_SECOND.
    const config = loadConfig({
      ...env(names.a),
      CHAT_SDKAPPID: String(emulator.sdkAppId),
      CHAT_SECRET_KEY: emulator.secretKey,
      CHAT_API_BASE_URL: emulator.url,
    });
    if (!config.ok) throw new Error(`the servers' configuration is refused: ${config.problems.join('; ')}`);
    const callsPerSecond = config.config.rateLimitPerSecond;

    const port = 18_000 + Math.floor(Math.random() * 998);
    // One after the other: the first migrates nothing (the schema is current) and creates the budget table.
    const a = await startBuiltServer(emulator, { port, env: env(names.a), sessionId });
    cleanup.push(() => stopServer(a));
    const b = await startBuiltServer(emulator, { port: port + 1, env: env(names.b), sessionId });
    cleanup.push(() => stopServer(b));

    const sampler = sampleSessions(options.databaseUrl, [names.a, names.b]);
    cleanup.push(() => sampler.close());

    // Upload and check on A (streamed, as a browser sends it); nothing is written yet.
    const upload = await request(`${a.url}/api/jobs`, { method: 'POST', headers: { ...a.headers, 'content-type': 'text/csv' }, body: createReadStream(file) });
    const checked = (await upload.body.json()) as JobCheckedResponse;
    if (upload.statusCode !== 201) throw new Error(`upload failed: ${upload.statusCode} ${JSON.stringify(checked).slice(0, 300)}`);
    if (checked.valid !== rows) throw new Error(`the check accepted ${checked.valid} of ${rows} rows`);

    // B: one-item saves for its own users, each after the previous one, at a steady pace.
    const latencies: number[] = [];
    let failedSaves = 0;
    let firstFailure: string | null = null;
    let jobRunning = true;
    const interactive = async () => {
      const begin = performance.now();
      for (let i = 0; jobRunning; i++) {
        const wait = begin + (i * 1000) / ratePerSecond - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (!jobRunning) break;
        const user = interactiveUsers[i % INTERACTIVE_USERS]!;
        const t0 = performance.now();
        try {
          const response = await request(`${b.url}/api/chat-users/${user}/marks`, {
            method: 'POST',
            headers: { ...b.headers, 'content-type': 'application/json' },
            body: JSON.stringify({ items: [{ conversation: { type: 'c2c', id: `ticket.${i}` }, setBits: [32] }] }),
          });
          const body = (await response.body.json()) as { results?: { status: string }[] };
          if (response.statusCode === 200 && body.results?.[0]?.status === 'applied') latencies.push(performance.now() - t0);
          else {
            failedSaves++;
            firstFailure ??= `${response.statusCode} ${JSON.stringify(body).slice(0, 200)}`;
          }
        } catch (error) {
          failedSaves++;
          firstFailure ??= withoutPasswords(error instanceof Error ? error.message : String(error));
        }
      }
    };

    const statsBefore = await emulatorStats(emulator);
    const backends = await sampler.backends();
    sampler.start();
    const cpuBefore = { a: processCpuSeconds(a.pid), b: processCpuSeconds(b.pid), emulator: emulator.cpuSeconds(), postgres: backendsCpuSeconds(backends) };
    const loadStart = loadavg()[0]!;

    const startedAt = performance.now();
    const start = await request(`${a.url}/api/jobs/${checked.jobId}/start`, { method: 'POST', headers: a.headers });
    await start.body.dump();
    if (start.statusCode !== 200) throw new Error(`start failed: ${start.statusCode}`);
    const saves = interactive();
    let result: JobStatus;
    try {
      for (;;) {
        const response = await request(`${a.url}/api/jobs/${checked.jobId}`, { headers: { cookie: a.headers.cookie! } });
        const status = (await response.body.json()) as JobStatus;
        if (status.state !== 'running') {
          result = status;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      jobRunning = false;
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const cpuAfter = { a: processCpuSeconds(a.pid), b: processCpuSeconds(b.pid), emulator: emulator.cpuSeconds(), postgres: backendsCpuSeconds(await sampler.backends()) };
    const loadEnd = loadavg()[0]!;
    const statsAfter = await emulatorStats(emulator);
    const sessions = await sampler.stop();
    await saves;
    if (result.state !== 'done' || result.done !== rows) throw new Error(`the job did not finish: ${JSON.stringify(result)}`);

    // Backends that opened during the job count from zero; one that closed during it is not counted.
    let postgresCpu = 0;
    for (const [pid, after] of cpuAfter.postgres) postgresCpu += after - (cpuBefore.postgres.get(pid) ?? 0);
    const perRow = (secondsOfCpu: number) => (secondsOfCpu * 1e6) / rows;
    const linesPerSecond = rows / seconds;
    return {
      rows,
      callsPerSecond,
      upstreamLatencyMs: UPSTREAM_LATENCY_MS,
      seconds,
      linesPerSecond,
      ratio: linesPerSecond / (callsPerSecond * ITEMS_PER_CALL),
      result,
      markContactCallsPerSecond: (commandCalls(statsAfter, 'recentcontact/mark_contact') - commandCalls(statsBefore, 'recentcontact/mark_contact')) / seconds,
      searchCallsPerSecond: (commandCalls(statsAfter, 'recentcontact/search_contact_group') - commandCalls(statsBefore, 'recentcontact/search_contact_group')) / seconds,
      tooFrequent: tooFrequentCount(statsAfter) - tooFrequentCount(statsBefore),
      interactive: {
        ratePerSecond,
        saves: latencies.length,
        failed: failedSaves,
        firstFailure,
        p50: quantile(latencies, 0.5),
        p99: quantile(latencies, 0.99),
        max: latencies.length === 0 ? Number.NaN : Math.max(...latencies),
      },
      cpuMicrosPerRow: {
        a: perRow(cpuAfter.a - cpuBefore.a),
        b: perRow(cpuAfter.b - cpuBefore.b),
        emulator: perRow(cpuAfter.emulator - cpuBefore.emulator),
        postgres: perRow(postgresCpu),
      },
      sessions,
      load: { start: loadStart, end: loadEnd },
    };
  } finally {
    await cleanup.run();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** The part's lines, in the style of the others. */
export function twoInstancesReport(report: TwoInstancesReport): string[] {
  const cores = availableParallelism();
  const s = report.sessions;
  const share = (value: number) => value.toFixed(2);
  const top = (shares: Record<string, number>) =>
    Object.entries(shares)
      .sort(([, x], [, y]) => y - x)
      .slice(0, 5)
      .map(([name, value]) => `${name} ${share(value)}`)
      .join(', ');
  const otherWaits = top(s.otherWaits);
  return [
    `two instances on one PostgreSQL database (built servers A and B as npm start runs them, CHAT_RATE_LIMIT_PER_SECOND default ${report.callsPerSecond} shared through the database,` +
      ` emulator enforcing 200 calls/s with ${report.upstreamLatencyMs} ms latency): a ${report.rows.toLocaleString('en-US')}-row job in random order on A,` +
      ` ${Math.round(report.linesPerSecond).toLocaleString('en-US')} lines/s (${report.seconds.toFixed(1)} s) ÷ (${report.callsPerSecond} calls/s × 100) = ${report.ratio.toFixed(2)}` +
      ` (goal ≥ 0.85${report.ratio >= 0.85 ? ', met' : ', MISSED'}); rows failed ${report.result.failed}; calls reaching the emulator (A's and B's): mark_contact ${report.markContactCallsPerSecond.toFixed(0)}/s, search_contact_group ${report.searchCallsPerSecond.toFixed(0)}/s;` +
      ` 'too frequent' (60007) answers ${report.tooFrequent} (goal 0${report.tooFrequent === 0 ? ', met' : ', MISSED: the figure overstates what Chat would allow'});` +
      ` interactive one-item saves on B meanwhile, ${report.interactive.ratePerSecond}/s one after another: ${report.interactive.saves} saved` +
      `${report.interactive.failed > 0 ? `, ${report.interactive.failed} FAILED (first: ${report.interactive.firstFailure})` : ''},` +
      ` p50 ${ms(report.interactive.p50)}, p99 ${ms(report.interactive.p99)}, max ${ms(report.interactive.max)};` +
      ` load average ${report.load.start.toFixed(2)} → ${report.load.end.toFixed(2)} on ${cores} cores`,
    `  where the time goes: CPU per job line A ${report.cpuMicrosPerRow.a.toFixed(0)} µs, B ${report.cpuMicrosPerRow.b.toFixed(0)} µs, emulator ${report.cpuMicrosPerRow.emulator.toFixed(0)} µs,` +
      ` PostgreSQL backends of A and B ${report.cpuMicrosPerRow.postgres.toFixed(0)} µs;` +
      ` A's and B's database sessions, mean per sample (${s.samples} samples every ${SAMPLE_EVERY_MS} ms): write lock held ${(s.writeLockHeld * 100).toFixed(0)} % of the time,` +
      ` waiting for it ${share(s.waitingForWriteLock)}, in a transaction waiting for Markdesk ${share(s.inTransactionWaitingForMarkdesk)} (holding the write lock ${share(s.holdingWriteLockWaitingForMarkdesk)}),` +
      ` running ${share(s.running)}, on rate-budget reservations ${share(s.rateBudget)}${otherWaits ? `, other waits ${otherWaits}` : ''};` +
      ` the write lock's holder by the statement it runs or last ran (share of samples): ${top(s.lockHolderStatements)}`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const databaseUrl = twoInstancesDatabaseUrl();
  if (!databaseUrl) console.log(TWO_INSTANCES_SKIPPED_LINE);
  else for (const line of twoInstancesReport(await measureTwoInstances({ databaseUrl }))) console.log(line);
}
