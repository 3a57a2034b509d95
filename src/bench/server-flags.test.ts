import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverNodeOptions } from './server-flags';

const root = join(import.meta.dirname, '../..');

describe('serverNodeOptions', () => {
  it('gives the bench the node options of npm start, every one of them and nothing else', () => {
    const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    const options = serverNodeOptions(root);
    expect(options.length).toBeGreaterThan(0);
    expect(`exec node ${options.join(' ')} scripts/start.mjs`).toBe(start);
  });
});
