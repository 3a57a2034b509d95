// The BFF serves a strict CSP: styles need the per-response nonce it writes into
// <meta property="csp-nonce" nonce="…"> (Vite's html.cspNonce convention). Emotion must stamp that
// nonce on every <style> it inserts, or the browser drops all of MUI's styles.
import createCache, { type EmotionCache } from '@emotion/cache';

/** Browsers hide the attribute once parsed; the `.nonce` property keeps it. Absent in dev and tests. */
export function readCspNonce(doc: Document = document): string | undefined {
  const meta = doc.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  if (!meta) return undefined;
  const nonce = meta.nonce || meta.getAttribute('nonce') || '';
  return nonce === '' ? undefined : nonce;
}

export function createEmotionCache(nonce: string | undefined = readCspNonce()): EmotionCache {
  return nonce === undefined ? createCache({ key: 'md' }) : createCache({ key: 'md', nonce });
}
