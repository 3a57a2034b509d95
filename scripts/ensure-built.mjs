// Builds whatever part of Markdesk (server, browser app) is missing or older than its sources, in
// a child process, so the caller never loads esbuild or Vite itself. `node scripts/ensure-built.mjs`
// does it from the command line (the bench uses it); scripts/start.mjs calls ensureBuilt().
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_OUTPUT, CLIENT_SOURCES, isStale, root, SERVER_OUTPUT, SERVER_SOURCES } from './build-config.mjs';

/** Returns false when a needed build failed (its output went to the terminal). */
export function ensureBuilt(log = (line) => console.log(line)) {
  const server = isStale(SERVER_OUTPUT, SERVER_SOURCES);
  const client = isStale(CLIENT_OUTPUT, CLIENT_SOURCES);
  if (!server && !client) return true;
  const what = server && client ? 'the server and the browser app' : server ? 'the server' : 'the browser app';
  log(`Building ${what} first (missing, or older than the sources)…`);
  const args = server && client ? [] : [server ? '--server-only' : '--client-only'];
  const result = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), ...args], { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = ensureBuilt() ? 0 : 1;
}
