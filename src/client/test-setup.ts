import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import { LANGUAGES, loadDictionary } from './lib/i18n/translate';

// The app fetches one dictionary before its first render (main.tsx); tests render either language at once.
await Promise.all(LANGUAGES.map(loadDictionary));

// Pages are lazy chunks transformed on first use; on a 2-core machine busy with another CPU-heavy
// process (the suite must pass beside `npm run bench`) that took over 5 s. Waiting longer costs
// nothing when the page comes at once; the test's own timeout (vite.config.ts) bounds it.
configure({ asyncUtilTimeout: 15_000 });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  // Remembered language, theme and recent users must not leak from one test into the next.
  window.localStorage.clear();
});
