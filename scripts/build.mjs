// `npm run build [-- --server-only | --client-only]`: bundles the server, its ledger worker and the
// CLIs with esbuild into dist/server/*.mjs (plain ES modules that `node` runs as they are), then
// the SPA with Vite into dist/client, with Brotli and gzip copies of its assets. Packages with
// native code or files loaded at run time stay in node_modules; the rest of the server is bundled,
// so a start parses one file instead of hundreds and needs no TypeScript loader.
import { build } from 'esbuild';
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root, SERVER_ENTRIES } from './build-config.mjs';
import { precompressDirectory } from './precompress.mjs';

const args = new Set(process.argv.slice(2));
const server = !args.has('--client-only');
const client = !args.has('--server-only');

// Kept out of the bundle: native addons, pino (its transports and thread-stream load files by
// path on worker threads) and the build tools themselves (never loaded by the server).
const EXTERNAL = ['better-sqlite3', '@node-rs/argon2', 'pino', 'pino-*', 'thread-stream', 'esbuild', 'vite', 'tsx'];

if (server) {
  const started = Date.now();
  rmSync(join(root, 'dist/server'), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: SERVER_ENTRIES,
    outdir: 'dist/server',
    // One flat folder: a module finds its neighbours (the ledger worker) next to import.meta.url.
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external: EXTERNAL,
    // Some bundled packages are CommonJS and call require(); give them one in ESM output.
    banner: { js: "import { createRequire as __markdeskCreateRequire } from 'node:module'; const require = __markdeskCreateRequire(import.meta.url);" },
    // No whitespace and no comments: a loaded module's source stays in memory for as long as the
    // server runs (V8 compiles functions lazily from it), and a single non-ASCII character in a
    // comment of a dependency makes V8 keep the whole file as two bytes per character. Names are
    // kept, and the source map points stack traces at the sources.
    minifyWhitespace: true,
    charset: 'ascii',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  console.log(`Built the server into dist/server in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

if (client) {
  const started = Date.now();
  const vite = await import('vite');
  await vite.build({ root, logLevel: 'warn', configFile: join(root, 'vite.config.ts') });
  // The chunk manifest (for the bench's bytes per route) goes beside the served folder, not in it.
  renameSync(join(root, 'dist/client/.vite/manifest.json'), join(root, 'dist/client-manifest.json'));
  rmSync(join(root, 'dist/client/.vite'), { recursive: true, force: true });
  // Brotli and gzip copies of the assets, served as they are by the server (src/server/http/spa.ts).
  precompressDirectory(join(root, 'dist/client'));
  console.log(`Built the browser app into dist/client in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
