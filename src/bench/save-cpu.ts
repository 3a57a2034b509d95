// CPU time of the BFF per one-item save (`POST /api/chat-users/:id/marks`), the path the latency
// goal is about, and the fsyncs each save waits for. Saves are made one after another (100 Chat
// users in turn) against the emulator in its own process; the BFF runs in this process, driven by
// inject (no client or socket cost counted). CPU time rather than latency, so that a busy machine
// changes the figure little; the fsyncs are counted by wrapping the store's write transactions.
// `npx tsx src/bench/save-cpu.ts [saves]`
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importUsers, startBenchBff, startEmulatorProcess } from './bulk';

const saves = Number(process.argv[2] ?? 2000);
const CHAT_USERS = 100;

function mainThreadCpuMicros(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / 100) * 1e6;
}

const emulator = await startEmulatorProcess(0, { rateLimits: false });
const dataDir = mkdtempSync(join(tmpdir(), 'markdesk-bench-save-cpu-'));
const bff = await startBenchBff(emulator, 1000, dataDir);
try {
  const users = Array.from({ length: CHAT_USERS }, (_, i) => `save.${i}`);
  await importUsers(bff.chat, users);
  // How durable each write transaction of the BFF's connection was asked to be: a synced commit
  // waits for an fsync, a relaxed one does not.
  let syncedCommits = 0;
  let relaxedCommits = 0;
  const write = bff.store.write.bind(bff.store);
  bff.store.write = (work, options) => {
    if (options?.durability === 'relaxed') relaxedCommits++;
    else syncedCommits++;
    return write(work, options);
  };
  const save = async (i: number) => {
    const response = await bff.inject({
      method: 'POST',
      url: `/api/chat-users/${users[i % CHAT_USERS]}/marks`,
      payload: JSON.stringify({ items: [{ conversation: { type: 'c2c', id: `peer.${i}` }, setBits: [32] }] }),
      json: true,
    });
    if (response.statusCode !== 200) throw new Error(`save failed: ${response.statusCode} ${response.body}`);
  };
  // Warm-up: compiled code, prepared statements.
  for (let i = 0; i < 300; i++) await save(saves + i);
  syncedCommits = relaxedCommits = 0;
  const cpu = process.cpuUsage();
  const main = mainThreadCpuMicros();
  for (let i = 0; i < saves; i++) await save(i);
  const used = process.cpuUsage(cpu);
  console.log(
    JSON.stringify({
      saves,
      processCpuMicrosPerSave: Math.round((used.user + used.system) / saves),
      mainThreadCpuMicrosPerSave: Math.round((mainThreadCpuMicros() - main) / saves),
      syncedCommitsPerSave: syncedCommits / saves,
      unsyncedCommitsPerSave: relaxedCommits / saves,
    }),
  );
} finally {
  await bff.close();
  await emulator.close();
  rmSync(dataDir, { recursive: true, force: true });
}
