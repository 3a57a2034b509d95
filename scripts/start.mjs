// `npm start`: runs the built server (dist/server/main.mjs) with plain node, building it first
// when it is missing or older than its sources, so `npm ci && npm start` stays one command.
//
// The build runs in a child process that has exited before the server starts: esbuild and Vite
// never live in the server's memory. Then this process becomes the server by importing the
// bundle (node has no exec()): one process and no supervisor in between, so signals (SIGTERM
// from npm, systemd or a container runtime) reach the server's own handlers directly and its
// exit code is the process's. A deployment may skip this script: `node dist/server/main.mjs`.
//
// package.json starts this with `--v8-pool-size=1 --max-semi-space-size=1` (V8's options must be
// on node's command line): one V8 helper thread instead of four, and a young generation of 1 MB
// semi-spaces instead of up to 16 MB. Measured idle in live mode after 60 s: ~86 MB resident
// instead of 96–104 MB. A deployment running main.mjs directly should pass the same options.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, SERVER_OUTPUT } from './build-config.mjs';
import { ensureBuilt } from './ensure-built.mjs';

if (!ensureBuilt()) {
  console.error('Markdesk cannot start: the build failed (see above).');
  process.exit(1);
}
await import(pathToFileURL(join(root, SERVER_OUTPUT)).href);
