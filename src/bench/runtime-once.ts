// The idle-memory and start-up part of the bench alone, live mode (an emulator in its own process):
// `npx tsx src/bench/runtime-once.ts [idle seconds]`. Expects a build (npm run build).
import { startEmulatorProcess } from './bulk';
import { measureRuntime } from './runtime';

const emulator = await startEmulatorProcess(0);
try {
  const run = await measureRuntime({ upstream: emulator, port: 18_000 + Math.floor(Math.random() * 1000), idleSeconds: Number(process.argv[2] ?? 60) });
  console.log(JSON.stringify({ ...run, idleRssMb: Math.round((run.idleRssBytes / 1024 / 1024) * 10) / 10 }));
} finally {
  await emulator.close();
}
