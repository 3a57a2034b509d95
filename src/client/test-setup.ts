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
  // Each mounted app makes its own Emotion cache (ThemeModeProvider), whose <style> elements stay in
  // <head> after the unmount: thousands of them by the end of a file, and jsdom's getComputedStyle
  // (which every role query calls) reads them all, so each test ran slower than the one before
  // (MarksPage.test.tsx: 10 s for a test alone, 50 s at the end of its file). The next app's cache
  // inserts what it needs again.
  document.head.querySelectorAll('style[data-emotion^="md"]').forEach((element) => element.remove());
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  // Remembered language, theme and recent users must not leak from one test into the next.
  window.localStorage.clear();
});
