import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { withCspNonces } from './security';

const escapeAttribute = (value: string) => value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * index.html with this response's CSP nonces: on every script and stylesheet, and in a
 * `<meta property="csp-nonce">` from which the SPA's Emotion cache takes the nonce for the
 * <style> elements MUI injects (without it the strict CSP would block every MUI style).
 */
export function withNonces(html: string, nonces: { script: string; style: string }): string {
  const script = escapeAttribute(nonces.script);
  const style = escapeAttribute(nonces.style);
  return html
    .replace(/<script\b/g, `<script nonce="${script}"`)
    .replace(/<link rel="stylesheet"/g, `<link rel="stylesheet" nonce="${style}"`)
    .replace(/<style\b/g, `<style nonce="${style}"`)
    .replace('<head>', `<head>\n    <meta property="csp-nonce" nonce="${style}" />`);
}

/** Serves the built SPA's files; returns the sender of index.html (null when there is no build). */
export async function registerSpa(app: FastifyInstance, spaDir: string): Promise<((reply: FastifyReply) => FastifyReply) | null> {
  const indexFile = join(spaDir, 'index.html');
  if (!existsSync(indexFile)) return null;
  const indexHtml = readFileSync(indexFile, 'utf8');

  const sendIndex = (reply: FastifyReply) => {
    const nonces = { script: randomBytes(16).toString('hex'), style: randomBytes(16).toString('hex') };
    const policy = withCspNonces(String(reply.getHeader('content-security-policy')), nonces);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', policy)
      .send(withNonces(indexHtml, nonces));
  };

  await app.register(async (files) => {
    // Hashed file names under /assets never change: cache them for a year. (@fastify/static's
    // setHeaders cannot do this: its own Cache-Control is applied after it.)
    files.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode === 200 && request.url.startsWith('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
      // The same address answers in Brotli, gzip or plain by Accept-Encoding: caches must key on it.
      if (reply.statusCode === 200) reply.header('vary', 'Accept-Encoding');
      return payload;
    });
    await files.register(fastifyStatic, {
      root: spaDir,
      index: false,
      wildcard: false,
      // index.html is only ever sent with this response's nonces (sendIndex).
      allowedPath: (pathName) => pathName !== '/index.html',
      // The build writes file.br and file.gz beside each asset (scripts/precompress.mjs): the one
      // Accept-Encoding allows is sent as it is, with Content-Encoding and Vary set.
      preCompressed: true,
    });
  });
  app.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  return sendIndex;
}
