// The node options `npm start` gives the server (package.json: "start": "exec node <options>
// scripts/start.mjs"; `exec` so that npm's shell does not stay between npm and the server): the
// bench starts its servers with the same ones, so that it measures the server as it is run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function serverNodeOptions(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = (pkg.scripts.start ?? '').split(/\s+/).filter(Boolean);
  if (words[0] === 'exec') words.shift();
  if (words[0] !== 'node') throw new Error(`package.json's start script does not run node: ${pkg.scripts.start}`);
  // The options are the words between `node` and the script (findIndex has no start index: its
  // second argument is `this`, which once made this return no options at all).
  const script = words.slice(1).findIndex((word) => !word.startsWith('-'));
  return words.slice(1, script === -1 ? undefined : script + 1);
}
