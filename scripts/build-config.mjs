// What `npm run build` produces and what it is built from; shared by the build and the launcher
// (scripts/start.mjs), which rebuilds only when an output is missing or older than its sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The server bundle's entry points: output name → source. Each becomes dist/server/{name}.mjs. */
export const SERVER_ENTRIES = {
  main: 'src/server/main.ts',
  // Started as a worker thread by the job ledger; found next to the module that starts it.
  'ledger-worker': 'src/server/jobs/ledger-worker.ts',
  'staff-cli': 'src/server/staff-cli.ts',
  'migrate-cli': 'src/server/migrate-cli.ts',
  'emulator-cli': 'src/emulator/cli.ts',
};

export const SERVER_OUTPUT = 'dist/server/main.mjs';
export const CLIENT_OUTPUT = 'dist/client/index.html';
export const SERVER_SOURCES = ['src/server', 'src/shared', 'src/emulator', 'package-lock.json', 'scripts/build.mjs', 'scripts/build-config.mjs'];
export const CLIENT_SOURCES = ['src/client', 'src/shared', 'index.html', 'public', 'vite.config.ts', 'package-lock.json', 'scripts/precompress.mjs'];

/** Newest modification time (ms) of any file below `path` (tests included: cheap, and never wrong). */
function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when `output` is missing or older than any of `sources` (paths relative to the root). */
export function isStale(output, sources) {
  const built = join(root, output);
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return sources.some((source) => existsSync(join(root, source)) && newestMtime(join(root, source)) > builtAt);
}
