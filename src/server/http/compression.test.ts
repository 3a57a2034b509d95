// Compressed answers, checked with real requests: JSON is compressed per request by the encoding
// the client accepts; the SPA's files are sent as the build compressed them; either way the bytes
// decompress to exactly what an uncompressed request gets.
import type { LightMyRequestResponse } from 'fastify';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDirectory } from '../../../scripts/precompress.mjs';
import { DEMO_HEAVY_USER } from '../../emulator/demo/demo-data';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import { COMPRESS_MIN_BYTES } from './compression';

const INDEX_HTML = '<!doctype html><html lang="en"><head><title>Markdesk</title></head><body><div id="root"></div><script type="module" src="/assets/app.js"></script></body></html>\n';
// Repetitive like real bundled code, and far over the size worth compressing.
const APP_JS = Array.from({ length: 2000 }, (_, index) => `export const value${index} = { index: ${index}, label: "row ${index % 17}" };\n`).join('');
const TINY_JS = 'console.log(1);\n';

let bff: TestBff;
let spaDir: string;
let cookie: string;

beforeAll(async () => {
  spaDir = mkdtempSync(join(tmpdir(), 'markdesk-compress-'));
  mkdirSync(join(spaDir, 'assets'));
  writeFileSync(join(spaDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(spaDir, 'assets', 'app.js'), APP_JS);
  writeFileSync(join(spaDir, 'assets', 'tiny.js'), TINY_JS);
  precompressDirectory(spaDir);
  bff = await startTestBff({ spaDir, emulator: { demoData: true } });
  cookie = await bff.signIn('viewer');
});
afterAll(async () => {
  await bff.close();
  rmSync(spaDir, { recursive: true, force: true });
});

const decoded = (response: LightMyRequestResponse): Buffer => {
  const encoding = response.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(response.rawPayload);
  if (encoding === 'gzip') return gunzipSync(response.rawPayload);
  return response.rawPayload;
};

describe('the build step', () => {
  it('writes Brotli and gzip copies of each asset worth it, never of index.html', () => {
    expect(brotliDecompressSync(readFileSync(join(spaDir, 'assets', 'app.js.br'))).toString()).toBe(APP_JS);
    expect(gunzipSync(readFileSync(join(spaDir, 'assets', 'app.js.gz'))).toString()).toBe(APP_JS);
    expect(() => readFileSync(join(spaDir, 'assets', 'tiny.js.br'))).toThrow();
    expect(() => readFileSync(join(spaDir, 'index.html.br'))).toThrow();
  });
});

describe('JSON answers', () => {
  const conversations = (acceptEncoding?: string) =>
    bff.inject({
      method: 'GET',
      url: `/api/chat-users/${DEMO_HEAVY_USER}/conversations`,
      headers: { cookie, ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }) },
    });

  it('compress a heavy user’s conversations with the preferred encoding, decompressing to the same bytes', async () => {
    const plain = await conversations();
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(100_000);

    for (const [acceptEncoding, expected] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0.5, gzip;q=1', 'gzip'],
    ] as const) {
      const response = await conversations(acceptEncoding);
      expect(response.statusCode, acceptEncoding).toBe(200);
      expect(response.headers['content-encoding'], acceptEncoding).toBe(expected);
      expect(String(response.headers.vary), acceptEncoding).toMatch(/accept-encoding/i);
      expect(response.rawPayload.length, acceptEncoding).toBeLessThan(plain.rawPayload.length / 4);
      expect(decoded(response).equals(plain.rawPayload), acceptEncoding).toBe(true);
    }
  });

  it('are sent plain when the client accepts no encoding we offer, or the answer is small', async () => {
    const identity = await conversations('identity');
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.json()).toMatchObject({ userId: DEMO_HEAVY_USER });

    const small = await bff.inject({ method: 'GET', url: '/api/session', headers: { cookie, 'accept-encoding': 'br, gzip' } });
    expect(small.statusCode).toBe(200);
    expect(small.rawPayload.length).toBeLessThan(COMPRESS_MIN_BYTES);
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('compress errors like any answer and keep their shape', async () => {
    const response = await bff.inject({ method: 'GET', url: '/api/nothing-here', headers: { 'accept-encoding': 'gzip' } });
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(decoded(response).toString())).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('the SPA’s files', () => {
  const asset = (path: string, acceptEncoding?: string) =>
    bff.inject({ method: 'GET', url: path, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });

  it('are sent as the build compressed them, by Accept-Encoding, and decompress to the file', async () => {
    for (const [acceptEncoding, expected, suffix] of [
      ['gzip, deflate, br', 'br', '.br'],
      ['gzip', 'gzip', '.gz'],
    ] as const) {
      const response = await asset('/assets/app.js', acceptEncoding);
      expect(response.statusCode, acceptEncoding).toBe(200);
      expect(response.headers['content-encoding'], acceptEncoding).toBe(expected);
      expect(response.headers['content-type'], acceptEncoding).toMatch(/javascript/);
      expect(response.headers['cache-control'], acceptEncoding).toBe('public, max-age=31536000, immutable');
      expect(String(response.headers.vary), acceptEncoding).toMatch(/accept-encoding/i);
      // The stored file itself, not compressed again per request.
      expect(response.rawPayload.equals(readFileSync(join(spaDir, 'assets', `app.js${suffix}`))), acceptEncoding).toBe(true);
      expect(decoded(response).toString(), acceptEncoding).toBe(APP_JS);
    }
  });

  it('are sent plain to a client that accepts no compression', async () => {
    const response = await asset('/assets/app.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.body).toBe(APP_JS);
  });

  it('send a file without compressed copies as it is', async () => {
    const response = await asset('/assets/tiny.js', 'br, gzip');
    expect(response.statusCode).toBe(200);
    expect(decoded(response).toString()).toBe(TINY_JS);
  });

  it('never send index.html without its nonces, compressed or not', async () => {
    for (const path of ['/index.html', '/index.html.br', '/index.html.gz']) {
      const response = await asset(path, 'br, gzip');
      expect(decoded(response).toString(), path).toMatch(/nonce="/);
    }
  });
});
