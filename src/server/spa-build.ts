import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest modification time (ms) of any file below `path`. */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when dist/client is missing or older than any source the SPA is built from. */
export function spaBuildIsStale(root: string): boolean {
  const built = join(root, 'dist/client/index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const sources = ['src/client', 'src/shared', 'index.html', 'public', 'vite.config.ts', 'package-lock.json'];
  return sources.some((source) => existsSync(join(root, source)) && newestMtime(join(root, source)) > builtAt);
}

/**
 * Builds the SPA with Vite when its build is missing or stale, so `npm start` works on a fresh
 * clone. Vite is loaded only then: a deployment that ships a ready build never needs it.
 */
export async function ensureSpaBuilt(root: string, log: (line: string) => void): Promise<void> {
  if (!spaBuildIsStale(root)) return;
  log('Building the browser app (dist/client is missing or older than its sources)…');
  const { build } = await import('vite');
  await build({ root, logLevel: 'warn', configFile: join(root, 'vite.config.ts') });
}
