import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * Gzipped size of the JavaScript a first visit loads: the entry script of index.html and every
 * module it preloads. Lazily loaded route chunks are not counted (they load on navigation).
 */
export function initialJavaScriptGzipBytes(distDir: string): { bytes: number; files: string[] } {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1]!);
  const bytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(join(distDir, file.replace(/^\//, '')))).length, 0);
  return { bytes, files };
}
