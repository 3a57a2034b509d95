import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request, WebSocket } from 'undici';
import { importUsers, startEmulatorProcess, writeBenchCsv } from './bulk';
import { startBuiltServer } from './built-server';
import { createChatClient } from '../server/chat/client';
import type { JobCheckedResponse, JobStatus } from '../shared/api/jobs';

const rows = 100_000;
const emulator = await startEmulatorProcess(20);
const server = await startBuiltServer(emulator, { env: { CHAT_RATE_LIMIT_PER_SECOND: '200', ...(process.env.PROBE_ENV ? JSON.parse(process.env.PROBE_ENV) : {}) }, nodeFlags: (process.env.PROBE_FLAGS ?? '').split(' ').filter(Boolean) });
const chat = createChatClient({ baseUrl: emulator.url, sdkAppId: emulator.sdkAppId, adminIdentifier: emulator.adminIdentifier, secretKey: emulator.secretKey, ratePerSecond: 200 });
const mb = (b: number) => Math.round(b / 1048576);
const smaps = () => { const t = readFileSync(`/proc/${server.pid}/smaps_rollup`, 'utf8'); const g = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(t)?.[1] ?? 0) / 1024; return `anon=${Math.round(g('Anonymous'))} file=${Math.round(g('Rss') - g('Anonymous'))}`; };
let phase = 'idle';
let mu = '';
const sample = setInterval(() => { console.log(`${phase} rss=${mb(server.rss())} hwm=${mb(server.peakRss())} ${smaps()} ${mu}`); }, 500);
async function job(file: string) {
  phase = 'upload';
  const up = await request(`${server.url}/api/jobs`, { method: 'POST', headers: { ...server.headers, 'content-type': 'text/csv' }, body: createReadStream(file) });
  const checked = (await up.body.json()) as JobCheckedResponse;
  phase = 'run';
  const s = await request(`${server.url}/api/jobs/${checked.jobId}/start`, { method: 'POST', headers: server.headers }); await s.body.dump();
  for (;;) { const r = await request(`${server.url}/api/jobs/${checked.jobId}`, { headers: { cookie: server.headers.cookie! } }); const st = (await r.body.json()) as JobStatus; if (st.state !== 'running') break; await new Promise((r) => setTimeout(r, 100)); }
  phase = 'after';
}
try {
  const file = join(server.dataDir, 'job.csv');
  await importUsers(chat, await writeBenchCsv(file, rows, `probe.${Date.now()}`));
  const warm = join(server.dataDir, 'warm.csv');
  await importUsers(chat, await writeBenchCsv(warm, 500, `probew.${Date.now()}`));
  await job(warm);
  const base = await server.collectGarbage(); console.log('baseline', mb(base.rss), 'heap', mb(base.heapUsed), mb(base.heapTotal), 'ext', mb(base.external));
  server.resetPeak();
const inspPort = Number(new URL(server.url).port) + 1000;
const targets = (await (await request(`http://127.0.0.1:${inspPort}/json/list`)).body.json()) as { webSocketDebuggerUrl: string }[];
const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl);
await new Promise((r) => ws.addEventListener('open', r, { once: true }));
let nextId = 1;
ws.addEventListener('message', (e: { data: unknown }) => { const m = JSON.parse(String(e.data)); if (m.result?.result?.value) mu = m.result.result.value; });
setInterval(() => ws.readyState === 1 && ws.send(JSON.stringify({ id: nextId++, method: 'Runtime.evaluate', params: { expression: `(()=>{const m=process.memoryUsage();const f=(b)=>Math.round(b/1048576);return 'heapT='+f(m.heapTotal)+' heapU='+f(m.heapUsed)+' ext='+f(m.external)+' ab='+f(m.arrayBuffers)})()`, returnByValue: true } })), 250).unref();
  const cpu = () => { const f = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
  const c0 = cpu(); const t0 = performance.now();
  await job(file);
  console.log('cpu', (cpu() - c0).toFixed(1), 's; wall', ((performance.now() - t0) / 1000).toFixed(1));
  console.log('peak', mb(server.peakRss()), 'growth', mb(server.peakRss() - base.rss));
  ws.close();
  const after = await server.collectGarbage(); console.log('after', mb(after.rss), 'heap', mb(after.heapUsed), mb(after.heapTotal), 'ext', mb(after.external));
} finally { clearInterval(sample); await chat.close(); await server.close(); await emulator.close(); }
