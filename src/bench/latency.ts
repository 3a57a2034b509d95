import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { toMarkItem } from '../shared/marks/change';
import { toContactItem } from '../shared/marks/conversation';
import { markContact, searchContactGroup } from '../server/chat/helpers';
import { importUsers, startBenchBff, startEmulatorProcess } from './bulk';
import { startBuiltServer } from './built-server';
import { createChatClient } from '../server/chat/client';
import { fixedRate, quantile } from './stats';

/** Chat users the saves are spread over, round robin. */
const CHAT_USERS = 100;

export type LatencyReport = {
  requests: number;
  /** Where the BFF ran: the built server in its own process, as `npm start` runs it, or inside the bench's own process. */
  server: 'built' | 'in-process';
  ratePerSecond: number;
  upstreamLatencyMs: number;
  direct: { p50: number; p99: number };
  bff: { p50: number; p99: number };
};

/**
 * Latency: what the BFF adds to `POST …/marks` (one item, for 100 Chat users in turn) at a fixed rate against an
 * upstream answering in 20 ms (the emulator in its own process). "Direct" makes the same upstream
 * calls the BFF makes (read the before state, write the delta) straight through the Chat client,
 * so the difference is the BFF's own cost: HTTP, session, validation and the audit log's appends.
 * The emulator's limits are off; the clients keep each command at 90 % of Tencent's documented
 * 200 calls/s, so the rate stays well below that (100 saves/s is 100 calls/s per command) and the
 * figure measures the BFF, not a queue. The bulk benchmark is the one that measures the ceiling.
 */
export async function measureLatencyOverhead(
  options: { requests?: number; ratePerSecond?: number; upstreamLatencyMs?: number; server?: 'built' | 'in-process' } = {},
): Promise<LatencyReport> {
  const requests = options.requests ?? 1000;
  const ratePerSecond = options.ratePerSecond ?? 100;
  const upstreamLatencyMs = options.upstreamLatencyMs ?? 20;
  const server = options.server ?? 'built';
  const emulator = await startEmulatorProcess(upstreamLatencyMs, { rateLimits: false });
  const dataDir = mkdtempSync(join(tmpdir(), 'markdesk-bench-latency-'));
  const bff = server === 'built' ? await builtBff(emulator) : await startBenchBff(emulator, 1000, dataDir);
  // Its own client, so the direct path never waits in the in-process BFF's limiter.
  const chat = createChatClient({ baseUrl: emulator.url, sdkAppId: emulator.sdkAppId, adminIdentifier: emulator.adminIdentifier, secretKey: emulator.secretKey, ratePerSecond: 200 });
  try {
    const peers = Array.from({ length: requests }, (_, i) => `peer.${i}`);
    // Saves for many customers at once, as a support team makes them: writes to one Chat user are
    // serialised (read, write, record; about 20 a second with a 20 ms upstream), so a stream of
    // saves for a single user would measure that queue, not what the BFF adds to a save.
    const userOf = (path: 'bff' | 'direct', i: number) => `bench.${path}.${i % CHAT_USERS}`;
    await importUsers(chat, Array.from({ length: CHAT_USERS }, (_, i) => [userOf('bff', i), userOf('direct', i)]).flat());

    // Both paths side by side, one request of each in turn (each at `ratePerSecond`), so a change in
    // the machine's speed during the run moves both alike: run one after the other, the second path
    // met a different machine (drift of ±0.5 ms between runs of 10 s on this project's machine).
    const { url, headers } = await bff.listen();
    const direct: number[] = [];
    const viaBff: number[] = [];
    const saveDirect = async (i: number) => {
      const user = userOf('direct', i);
      const conversation = { type: 'c2c' as const, id: peers[i]! };
      await searchContactGroup(chat, user, [toContactItem(conversation)]);
      const [result] = await markContact(chat, user, [toMarkItem(conversation, { setBits: [32], clearBits: [] })]);
      if (result?.resultCode !== 0) throw new Error(`direct write failed: ${result?.resultCode}`);
    };
    const saveViaBff = async (i: number) => {
      const user = userOf('bff', i);
      const conversation = { type: 'c2c' as const, id: peers[i]! };
      const response = await request(`${url}/api/chat-users/${user}/marks`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ conversation, setBits: [32] }] }),
      });
      const body = (await response.body.json()) as { results?: { status: string }[] };
      if (response.statusCode !== 200 || body.results?.[0]?.status !== 'applied') throw new Error(`BFF write failed: ${response.statusCode}`);
    };
    let next = 0;
    await fixedRate(2 * ratePerSecond, 2 * requests, async () => {
      const turn = next++;
      const i = Math.floor(turn / 2);
      const started = performance.now();
      if (turn % 2 === 0) {
        await saveDirect(i);
        direct.push(performance.now() - started);
      } else {
        await saveViaBff(i);
        viaBff.push(performance.now() - started);
      }
    });
    return {
      requests,
      server,
      ratePerSecond,
      upstreamLatencyMs,
      direct: { p50: quantile(direct, 0.5), p99: quantile(direct, 0.99) },
      bff: { p50: quantile(viaBff, 0.5), p99: quantile(viaBff, 0.99) },
    };
  } finally {
    await chat.close();
    await bff.close();
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The built server as `npm start` runs it, in its own process. Its limiter cannot be lifted (the
 * configuration refuses more than Tencent's 200 calls/s), so the direct path's client gets the same
 * 200/s: at 100 saves a second each command runs at half of it and neither path queues (each has
 * its own limiter; the emulator's are off).
 */
async function builtBff(emulator: Awaited<ReturnType<typeof startEmulatorProcess>>) {
  const server = await startBuiltServer(emulator, { env: { CHAT_RATE_LIMIT_PER_SECOND: '200' } });
  return {
    listen: async () => ({ url: server.url, headers: server.headers }),
    close: () => server.close(),
  };
}
