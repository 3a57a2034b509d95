import fastifyCompress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';
import { constants } from 'node:zlib';

/** Answers smaller than this go as they are: compressing them saves less than it costs. */
export const COMPRESS_MIN_BYTES = 1024;

/**
 * Compresses the answers of every route registered after it (JSON above all: a heavy chat user's
 * conversation list shrinks about tenfold) with Brotli or gzip, whichever the client's
 * Accept-Encoding prefers. Brotli runs at quality 4, fast enough for answers made per request; the
 * SPA's files are compressed once at build time and sent as they are (http/spa.ts), and an answer
 * that already has a Content-Encoding is never compressed again. Request bodies are not
 * decompressed: every route reads plain bodies within its own size limit.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, {
    globalCompression: true,
    globalDecompression: false,
    encodings: ['br', 'gzip'],
    threshold: COMPRESS_MIN_BYTES,
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
}
