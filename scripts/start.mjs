// `npm start`: runs the built server (dist/server/main.mjs) with plain node, building it first
// when it is missing or older than its sources, so `npm ci && npm start` stays one command.
//
// The build runs in a child process that has exited before the server starts: esbuild and Vite
// never live in the server's memory. Then this process becomes the server by importing the
// bundle (node has no exec()): one process and no supervisor in between, so signals (SIGTERM
// from npm, systemd or a container runtime) reach the server's own handlers directly and its
// exit code is the process's. package.json's `start` begins with `exec`: without it npm's shell
// (dash) would sit between npm and this process and not hand npm's SIGTERM on. A deployment may
// skip this script: `node dist/server/main.mjs`.
//
// package.json starts this with `--v8-pool-size=1 --max-semi-space-size=2 --heap-growing-percent=20`
// (V8's options must be on node's command line; the README's "Node options of the server" gives
// the measurements): one V8 helper thread instead of four; a young generation of 2 MB semi-spaces
// instead of up to 16 MB, which keeps the idle server small; and an old generation allowed to grow
// by 20 % between full collections instead of V8's adaptive factor (up to 4×), which stops the
// short-lived objects a bulk job promotes from piling up until a late full collection. A
// deployment running main.mjs directly should pass the same options.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, SERVER_OUTPUT } from './build-config.mjs';
import { ensureBuilt } from './ensure-built.mjs';

if (!ensureBuilt()) {
  console.error('Markdesk cannot start: the build failed (see above).');
  process.exit(1);
}
await import(pathToFileURL(join(root, SERVER_OUTPUT)).href);
