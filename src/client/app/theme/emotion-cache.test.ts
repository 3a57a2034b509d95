import { afterEach, describe, expect, it } from 'vitest';
import { createEmotionCache, readCspNonce } from './emotion-cache';

afterEach(() => document.head.querySelectorAll('meta[property="csp-nonce"]').forEach((meta) => meta.remove()));

function addNonceMeta(nonce: string) {
  const meta = document.createElement('meta');
  meta.setAttribute('property', 'csp-nonce');
  meta.setAttribute('nonce', nonce);
  document.head.append(meta);
}

describe('Emotion under the strict CSP', () => {
  it('takes the nonce the server wrote into <meta property="csp-nonce">', () => {
    addNonceMeta('r4nd0m');
    expect(readCspNonce()).toBe('r4nd0m');
    const cache = createEmotionCache();
    expect(cache.key).toBe('md');
    expect(cache.nonce).toBe('r4nd0m');
  });

  it('works without a nonce (dev server, tests)', () => {
    expect(readCspNonce()).toBeUndefined();
    expect(createEmotionCache().nonce).toBeUndefined();
  });
});
