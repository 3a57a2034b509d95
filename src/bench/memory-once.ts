// The bulk-memory part of the bench alone: `npx tsx src/bench/memory-once.ts [rows] [built]`.
// Without `built`: a child process running the BFF from its sources (tsx) with npm start's node
// options, sampling its RSS. With `built`: the built server as `npm start` runs it (expects a build).
import { measureBulkMemory, startEmulatorProcess } from './bulk';
import { measureBuiltJobMemory } from './built-server';

const rows = Number(process.argv[2] ?? 100_000);
const emulator = await startEmulatorProcess(20);
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
try {
  if (process.argv.includes('built')) {
    const memory = await measureBuiltJobMemory(emulator, { rows, callsPerSecond: 200 });
    console.log(JSON.stringify({ ...memory, growthMb: mb(memory.peakRssBytes - memory.baselineRssBytes), baselineMb: mb(memory.baselineRssBytes), peakMb: mb(memory.peakRssBytes) }));
  } else {
    const memory = await measureBulkMemory(emulator, { rows, callsPerSecond: 200 });
    console.log(JSON.stringify({ ...memory, growthMb: mb(memory.peakRssBytes - memory.baselineRssBytes), baselineMb: mb(memory.baselineRssBytes), peakMb: mb(memory.peakRssBytes) }));
  }
} finally {
  await emulator.close();
}
