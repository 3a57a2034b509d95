// Child process of the bulk benchmark (bulk.ts → measureBulkMemory): one BFF, one 100,000-row job,
// nothing else, so the RSS it samples is the job's. Prints one JSON line (BulkMemoryReport).
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import type { JobCheckedResponse } from '../shared/api/jobs';
import { importUsers, runJob, startBenchBff, writeBenchCsv, type BulkMemoryReport, type EmulatorProcess } from './bulk';

const emulator = JSON.parse(process.env.BENCH_EMULATOR ?? '') as Omit<EmulatorProcess, 'close'>;
const rows = Number(process.env.BENCH_ROWS);
const callsPerSecond = Number(process.env.BENCH_CALLS_PER_SECOND);
const dir = mkdtempSync(join(tmpdir(), 'markdesk-bench-memory-'));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

try {
  const bff = await startBenchBff(emulator, callsPerSecond, dir);
  const file = join(dir, 'job.csv');
  const users = await writeBenchCsv(file, rows, `memory.${Date.now()}`);
  await importUsers(bff.chat, users);
  const server = await bff.listen();

  // A small job first, so that the idle baseline already has its code compiled and caches warm.
  const warmup = join(dir, 'warmup.csv');
  await importUsers(bff.chat, await writeBenchCsv(warmup, 500, `warmup.${Date.now()}`));
  await runJob(bff, (await upload(server, warmup)) as JobCheckedResponse);
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const baseline = process.memoryUsage().rss;
  const { heapUsed: baselineHeap, heapTotal: baselineHeapTotal, external: baselineExternal } = process.memoryUsage();

  let peak = baseline;
  let phase = 'upload' as 'upload' | 'run';
  // What made up the RSS at its highest (this thread's heap, buffers outside it) and when.
  let atPeak: { phase: 'upload' | 'run'; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number } = { phase, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    if (usage.rss <= peak) return;
    peak = usage.rss;
    atPeak = { phase, heapTotal: usage.heapTotal, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers };
  };
  const sampler = setInterval(sample, 10);
  // The file goes up as a stream over real HTTP, as a browser sends it.
  const checked = await upload(server, file);
  const uploadPeak = peak;
  phase = 'run';
  const { seconds, status } = await runJob(bff, checked);
  clearInterval(sampler);
  sample();
  // What the job left behind once its garbage is collected (nothing, if memory is flat).
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  await bff.close();

  const report: BulkMemoryReport = {
    rows,
    csvBytes: statSync(file).size,
    baselineRssBytes: baseline,
    peakRssBytes: peak,
    uploadPeakRssBytes: uploadPeak,
    atPeak: { ...atPeak, baselineHeapTotal, baselineExternal },
    liveHeapGrowthBytes: heapAfter - baselineHeap,
    seconds,
    state: status.state,
  };
  console.log(JSON.stringify(report));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function upload(server: { url: string; headers: Record<string, string> }, file: string): Promise<JobCheckedResponse> {
  const response = await request(`${server.url}/api/jobs`, {
    method: 'POST',
    headers: { ...server.headers, 'content-type': 'text/csv' },
    body: createReadStream(file),
  });
  const body = await response.body.text();
  if (response.statusCode !== 201) throw new Error(`upload failed: ${response.statusCode} ${body}`);
  return JSON.parse(body) as JobCheckedResponse;
}
