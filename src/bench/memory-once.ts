// The bulk-memory part of the bench alone: `npx tsx src/bench/memory-once.ts [rows]`.
import { measureBulkMemory, startEmulatorProcess } from './bulk';

const emulator = await startEmulatorProcess(20);
try {
  const memory = await measureBulkMemory(emulator, { rows: Number(process.argv[2] ?? 100_000), callsPerSecond: 200 });
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  console.log(JSON.stringify({ ...memory, growthMb: mb(memory.peakRssBytes - memory.baselineRssBytes), baselineMb: mb(memory.baselineRssBytes), peakMb: mb(memory.peakRssBytes) }));
} finally {
  await emulator.close();
}
