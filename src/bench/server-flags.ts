// The node options `npm start` gives the server (package.json: "start": "node <options>
// scripts/start.mjs"): the bench starts its servers with the same ones, so that it measures the
// server as it is run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function serverNodeOptions(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = (pkg.scripts.start ?? '').split(/\s+/).filter(Boolean);
  if (words[0] !== 'node') return [];
  const script = words.findIndex((word) => !word.startsWith('-'), 1);
  return words.slice(1, script === -1 ? undefined : script);
}
