// Survey throughput: a 10,000-user survey through the BFF against the emulator (its own process,
// Tencent's 200 calls/s per command enforced, 20 ms latency), users seeded straight into the
// emulator's database with 0 to 250 marked conversations each (up to three get_contact_group pages).
// The figure: get_contact_group calls per second during the survey ÷ the limiter's ceiling. Beside
// it, how long an interactive read of one user (GET …/conversations) took while the survey ran.
// Runs alone: `npx tsx src/bench/survey.ts`; `npm run bench` runs it too.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EmulatorStore } from '../emulator/store';
import { CONTACT_TYPE_C2C, CONTACT_TYPE_GROUP } from '../emulator/validate';
import type { EmulatorStats } from '../emulator/stats';
import type { SurveyCreatedResponse, SurveyStatus } from '../shared/api/insights';
import { maskFromBits } from '../shared/marks/mask';
import { createChatClient } from '../server/chat/client';
import { getAllContactGroups } from '../server/chat/helpers';
import { startBenchBff, type EmulatorProcess } from './bulk';
import { ms, quantile } from './stats';

export type SurveyBenchResult = {
  users: number;
  conversations: number;
  callsPerSecond: number;
  calls: number;
  seconds: number;
  /** get_contact_group calls per second ÷ callsPerSecond. */
  ratio: number;
  rateLimitAnswers: number;
  interactive: { samples: number; p50: number; max: number };
  /** The same users read straight through a Chat client (same limiter, 16 at a time; no BFF, no database). */
  direct: { calls: number; seconds: number; ratio: number };
};

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes `users` Chat accounts and their marks into a fresh emulator database file. */
function seedSurveyUsers(dbFile: string, users: readonly string[]): number {
  const store = new EmulatorStore(dbFile);
  const random = seededRandom(20_261_206);
  let conversations = 0;
  store.transaction(() => {
    for (const userId of users) {
      store.upsertAccount({ userId, nick: '', faceUrl: '', importedAt: 1_793_491_200 });
      const roll = random();
      const count = roll < 0.05 ? 100 + Math.floor(random() * 150) : Math.floor(random() * 30);
      for (let n = 0; n < count; n++) {
        const bits = [0, 1, 2, 3, 32, 40].filter(() => random() < 0.25);
        const group = random() < 0.1;
        store.upsertMark(userId, {
          type: group ? CONTACT_TYPE_GROUP : CONTACT_TYPE_C2C,
          peer: group ? `@TGS#bench${n}` : `peer.${n}`,
          mask: maskFromBits(bits.length > 0 ? bits : [0]),
          customMark: random() < 0.1 ? 'bench' : '',
          updatedAt: 1_793_491_200,
        });
        conversations++;
      }
    }
  });
  store.close();
  return conversations;
}

const root = join(import.meta.dirname, '../..');

/** The emulator CLI in its own process on `dbFile` (seeded beforehand), stats on, Tencent's rate limits on. */
async function startSeededEmulator(dbFile: string, latencyMs: number): Promise<EmulatorProcess> {
  const child = spawn(
    process.execPath,
    ['--import', pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href, join(root, 'src/emulator/cli.ts'), '--port', '0', '--no-demo-data', '--faults', '--db', dbFile, '--latency-ms', String(latencyMs)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!/Secret key: (\S+)/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the emulator did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url: /listening on (\S+)/.exec(output)![1]!,
    sdkAppId: Number(/SDKAppID: (\d+)/.exec(output)![1]),
    adminIdentifier: /Admin identifier: (\S+)/.exec(output)![1]!,
    secretKey: /Secret key: (\S+)/.exec(output)![1]!,
    cpuSeconds: () => Number.NaN,
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** The machine's own ceiling for comparison: every user read with the client alone, 16 at a time. */
async function readDirectly(emulator: EmulatorProcess, users: readonly string[], callsPerSecond: number): Promise<SurveyBenchResult['direct']> {
  const chat = createChatClient({ baseUrl: emulator.url, sdkAppId: emulator.sdkAppId, adminIdentifier: emulator.adminIdentifier, secretKey: emulator.secretKey, ratePerSecond: callsPerSecond, connections: 64 });
  let calls = 0;
  const counting = { call: ((command, body) => (calls++, chat.call(command, body))) as typeof chat.call };
  // Past the survey's second of calls: the emulator's window starts empty.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < users.length) await getAllContactGroups(counting, users[next++]!);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await chat.close();
  return { calls, seconds, ratio: calls / seconds / callsPerSecond };
}

export async function measureSurveyThroughput(options: { users: number; callsPerSecond: number; upstreamLatencyMs: number }): Promise<SurveyBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'markdesk-bench-survey-'));
  try {
    const users = Array.from({ length: options.users }, (_, i) => `survey.bench.${i}`);
    const dbFile = join(dir, 'chat.sqlite');
    const conversations = seedSurveyUsers(dbFile, users);
    const emulator = await startSeededEmulator(dbFile, options.upstreamLatencyMs);
    try {
      const bff = await startBenchBff(emulator, options.callsPerSecond, join(dir, 'data'));
      try {
        const stats = async () => (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as EmulatorStats;
        await fetch(`${emulator.url}/__emulator/stats`, { method: 'DELETE' });
        const { url, headers } = await bff.listen();
        const api = (method: 'GET' | 'POST', path: string, body?: unknown) =>
          fetch(`${url}${path}`, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        const started = performance.now();
        const created = await api('POST', '/api/surveys', { users });
        if (created.status !== 201) throw new Error(`survey not created: ${created.status} ${await created.text()}`);
        const { surveyId } = (await created.json()) as SurveyCreatedResponse;
        const interactive: number[] = [];
        let status: SurveyStatus;
        for (let i = 0; ; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          status = (await (await api('GET', `/api/surveys/${surveyId}`)).json()) as SurveyStatus;
          if (status.state !== 'running') break;
          // Twice a second, an interactive read of one user, queued with the survey's calls.
          if (i % 5 === 0) {
            const t0 = performance.now();
            const answer = await api('GET', `/api/chat-users/${users[i % users.length]}/conversations`);
            await answer.arrayBuffer();
            if (answer.status !== 200) throw new Error(`interactive read failed: ${answer.status}`);
            interactive.push(performance.now() - t0);
          }
        }
        const seconds = (performance.now() - started) / 1000;
        if (status.state !== 'done' || status.results?.usersRead !== options.users) throw new Error(`survey ended ${status.state}: ${JSON.stringify(status)}`);
        const upstream = (await stats()).commands['recentcontact/get_contact_group'];
        const direct = await readDirectly(emulator, users, options.callsPerSecond);
        // The interactive reads' own get_contact_group calls are in the count too: one each.
        const calls = (upstream?.calls ?? 0) - interactive.length;
        return {
          users: options.users,
          conversations,
          callsPerSecond: options.callsPerSecond,
          calls,
          seconds,
          ratio: calls / seconds / options.callsPerSecond,
          rateLimitAnswers: upstream?.errorCodes['60007'] ?? 0,
          interactive: { samples: interactive.length, p50: quantile(interactive, 0.5), max: Math.max(...interactive) },
          direct,
        };
      } finally {
        await bff.close();
      }
    } finally {
      await emulator.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function surveyReport(result: SurveyBenchResult): string {
  return (
    `survey of ${result.users.toLocaleString('en-US')} users (${result.conversations.toLocaleString('en-US')} marked conversations) through the BFF, limiter ${result.callsPerSecond} calls/s, ` +
    `emulator enforcing 200 calls/s: ${result.calls.toLocaleString('en-US')} get_contact_group calls in ${result.seconds.toFixed(1)} s = ` +
    `${(result.calls / result.seconds).toFixed(0)} calls/s ÷ ${result.callsPerSecond} = ${result.ratio.toFixed(2)} of the read ceiling (goal ≥ 0.90); ` +
    `the same reads without the BFF: ${result.direct.ratio.toFixed(2)}, so the survey reaches ${(result.ratio / result.direct.ratio).toFixed(2)} of what this machine allows; ` +
    `60007 answers: ${result.rateLimitAnswers}; interactive reads meanwhile (${result.interactive.samples}): p50 ${ms(result.interactive.p50)}, max ${ms(result.interactive.max)} (goal < 1 s); ` +
    `load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await measureSurveyThroughput({ users: 10_000, callsPerSecond: 200, upstreamLatencyMs: 20 });
  console.log(surveyReport(result));
}
