// One bulk run through the BFF (random order unless told), printing its figures with the CPU time per
// row: the whole process, its main thread (the event loop) and the rest (the ledger worker, libuv
// and V8's helper threads), read from /proc. `npx tsx src/bench/bulk-cpu.ts [rows] [random|grouped]`
import { availableParallelism, loadavg } from 'node:os';
import { measureBulkThroughput, startEmulatorProcess, type RowOrder } from './bulk';

const rows = Number(process.argv[2] ?? 100_000);
const order = (process.argv[3] ?? 'random') as RowOrder;
const emulator = await startEmulatorProcess(20);
try {
  const report = await measureBulkThroughput(emulator, { rows, callsPerSecond: 200, upstreamLatencyMs: 20, order });
  const { result: _result, ...figures } = report;
  console.log(JSON.stringify({ ...figures, load: `${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores` }));
} finally {
  await emulator.close();
}
