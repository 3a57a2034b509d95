// Build-time compression of the browser app: every compressible file of dist/client gets a
// Brotli (.br, quality 11) and a gzip (.gz, level 9) sibling, written once here so the server never
// compresses a static file per request; it picks the variant the browser's Accept-Encoding allows.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Files worth compressing: text formats (images and fonts are compressed already). */
export const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|map|webmanifest)$/;

/** Smaller files go as they are: the headers would cost more than the bytes saved. */
export const MIN_BYTES = 1024;

/** Writes `file.br` and `file.gz` beside every compressible file of `dir` (recursively); returns how many. */
export function precompressDirectory(dir, root = dir) {
  let count = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) {
      count += precompressDirectory(path, root);
      continue;
    }
    // index.html is never sent as a file: the server adds this response's CSP nonces to it.
    if (!COMPRESSIBLE.test(name) || stat.size < MIN_BYTES || (dir === root && name === 'index.html')) continue;
    const content = readFileSync(path);
    const brotli = brotliCompressSync(content, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
    });
    const gzip = gzipSync(content, { level: constants.Z_BEST_COMPRESSION });
    // A variant that saves nothing is left out; the server then sends the file itself.
    if (brotli.length < content.length) writeFileSync(`${path}.br`, brotli);
    if (gzip.length < content.length) writeFileSync(`${path}.gz`, gzip);
    count += 1;
  }
  return count;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('Usage: node scripts/precompress.mjs <directory>');
    process.exit(2);
  }
  console.log(`Compressed ${precompressDirectory(dir)} file(s) in ${dir}.`);
}
