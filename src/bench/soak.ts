// Memory soak: the built server, started as `npm start` starts it, answering mixed reads at a fixed
// rate for a long time (10 minutes of 50 requests a second by default): the Marks page's
// conversation lists (heavy.user's 1,490 conversations and smaller ones), History pages and
// searches, labels, the session and health. Its RSS and heap are read after a full garbage
// collection once the traffic has warmed it up and again at the end; what grew in between is what
// the server keeps per request (goal: ≤ 10 MB).
// Alone: `npm run bench -- soak [seconds]`. Expects a build (`npm run bench` makes one).
import { availableParallelism, loadavg } from 'node:os';
import { request } from 'undici';
import { startEmulatorProcess } from './bulk';
import { startBuiltServer, type HeapReading } from './built-server';
import { fixedRate, quantile } from './stats';

export type SoakReport = {
  seconds: number;
  ratePerSecond: number;
  requests: number;
  failed: number;
  /** Latency of the reads (all paths together), and the slowest read. */
  p50Ms: number;
  p99Ms: number;
  slowest: { path: string; ms: number };
  start: HeapReading;
  end: HeapReading;
  peakRss: number;
  load: { start: number; end: number };
};

/**
 * The reads the soak cycles through, one request each, 20 in a cycle: heavy.user's list (1,490
 * conversations, a few dozen Chat calls) once a cycle, so that the reads stay well inside the
 * Chat app's 200 calls/s; smaller lists, History pages and searches, labels, the session, health.
 */
function readPaths(): string[] {
  const lists = ['/api/chat-users/olivia.brown/conversations', '/api/chat-users/minji.kim/conversations', '/api/chat-users/wei.zhang/conversations'];
  const histories = [
    '/api/audit?limit=50',
    '/api/audit?limit=50&chatUser=heavy.user',
    '/api/audit?limit=50&match=contains&chatUser=heavy&reason=soak%20ticket',
    '/api/audit?limit=50&match=contains&conversationId=customer.00',
    '/api/audit?limit=50&reason=ticket',
    '/api/audit?limit=50&staff=bench',
  ];
  return [
    '/api/chat-users/heavy.user/conversations',
    histories[0]!,
    '/api/mark-labels',
    lists[0]!,
    '/api/session',
    histories[1]!,
    '/api/health',
    lists[1]!,
    histories[2]!,
    '/api/mark-labels',
    '/api/session',
    histories[3]!,
    lists[2]!,
    '/api/health',
    histories[4]!,
    '/api/session',
    '/api/mark-labels',
    histories[5]!,
    '/api/health',
    '/api/session',
  ];
}

export async function measureSoak(options: { seconds?: number; ratePerSecond?: number; warmUpSeconds?: number } = {}): Promise<SoakReport> {
  const seconds = options.seconds ?? 600;
  const ratePerSecond = options.ratePerSecond ?? 50;
  const warmUpSeconds = options.warmUpSeconds ?? Math.min(30, seconds / 4);
  // Demo data: heavy.user and the demo accounts exist, with conversations and marks. 20 ms upstream.
  const emulator = await startEmulatorProcess(20, { demoData: true });
  try {
    const server = await startBuiltServer(emulator);
    try {
      // Some history to page through and search: saves by the signed-in editor, with a reason.
      for (let i = 0; i < 40; i++) {
        const response = await request(`${server.url}/api/chat-users/heavy.user/marks`, {
          method: 'POST',
          headers: { ...server.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ items: [{ conversation: { type: 'c2c', id: `customer.${String(i + 1).padStart(4, '0')}` }, setBits: [32 + (i % 4)] }], reason: `soak ticket ${i}` }),
        });
        await response.body.dump();
        if (response.statusCode !== 200) throw new Error(`a seed save failed: ${response.statusCode}`);
      }
      const paths = readPaths();
      let failed = 0;
      let next = 0;
      let slowest: { path: string; ms: number } = { path: '', ms: 0 };
      const read = async () => {
        const path = paths[next++ % paths.length]!;
        const startedAt = performance.now();
        try {
          const response = await request(`${server.url}${path}`, {
            headers: { cookie: server.headers.cookie!, 'accept-encoding': 'gzip, br' },
            headersTimeout: 30_000,
            bodyTimeout: 30_000,
          });
          await response.body.dump();
          if (response.statusCode !== 200) failed++;
        } catch {
          failed++;
        }
        const ms = performance.now() - startedAt;
        if (ms > slowest.ms) slowest = { path, ms };
      };
      // Warm-up: code compiled, caches filled, pools grown — then the starting point.
      await fixedRate(ratePerSecond, Math.round(warmUpSeconds * ratePerSecond), read);
      const start = await server.collectGarbage();
      const loadStart = loadavg()[0]!;
      server.resetPeak();
      const requests = Math.round(seconds * ratePerSecond);
      failed = 0;
      slowest = { path: '', ms: 0 };
      const latencies = await fixedRate(ratePerSecond, requests, read);
      const peakRss = server.peakRss();
      const end = await server.collectGarbage();
      return { seconds, ratePerSecond, requests, failed, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), slowest, start, end, peakRss, load: { start: loadStart, end: loadavg()[0]! } };
    } finally {
      await server.close();
    }
  } finally {
    await emulator.close();
  }
}

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

export function soakReport(soak: SoakReport): string {
  const rssGrowth = soak.end.rss - soak.start.rss;
  const heapGrowth = soak.end.heapUsed - soak.start.heapUsed;
  const met = rssGrowth <= 10 * 1024 * 1024 && heapGrowth <= 10 * 1024 * 1024;
  return (
    `memory soak of the built server (npm start's node options), ${soak.requests.toLocaleString('en-US')} mixed reads at ${soak.ratePerSecond} req/s over ${soak.seconds} s` +
    ` (conversation lists, History pages and searches, labels, session, health; ${soak.failed} not answered 200 within 30 s;` +
    ` latency p50 ${soak.p50Ms.toFixed(0)} ms, p99 ${soak.p99Ms.toFixed(0)} ms, slowest ${soak.slowest.ms.toFixed(0)} ms for ${soak.slowest.path}), after a full GC at start and end:` +
    ` RSS ${mb(soak.start.rss)} → ${mb(soak.end.rss)} (${rssGrowth >= 0 ? '+' : ''}${mb(rssGrowth)}), heap used ${mb(soak.start.heapUsed)} → ${mb(soak.end.heapUsed)}` +
    ` (${heapGrowth >= 0 ? '+' : ''}${mb(heapGrowth)}), peak RSS meanwhile ${mb(soak.peakRss)} (goal: growth ≤ 10 MB${met ? ', met' : ', MISSED'});` +
    ` load average ${soak.load.start.toFixed(2)} → ${soak.load.end.toFixed(2)} on ${availableParallelism()} cores`
  );
}
