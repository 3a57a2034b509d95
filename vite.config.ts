import react from '@vitejs/plugin-react';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// The SPA is built into dist/client and served by the BFF (src/server) on the same origin.
// `test` holds Vitest's two projects: node code (shared, server, emulator) and the SPA under jsdom.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist/client',
    emptyOutDir: true,
    sourcemap: false,
    // Which chunks each module needs, for the bench's bytes per route; scripts/build.mjs moves it
    // out of dist/client (to dist/client-manifest.json), so the server never sends it.
    manifest: true,
  },
  server: {
    // `npm run dev`: Vite serves the SPA and forwards /api to a running BFF.
    proxy: { '/api': process.env.MARKDESK_DEV_API ?? 'http://127.0.0.1:8080' },
  },
  test: {
    // One test file per core. Vitest's default keeps a core free, which on a 2-core machine runs
    // the files one after another: 15 minutes instead of 5, most of it spent waiting on child
    // processes and timers rather than computing.
    maxWorkers: availableParallelism(),
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/{shared,server,emulator,bench}/**/*.test.ts'],
          globalSetup: ['src/server/testing/vitest-global-setup.ts'],
          testTimeout: 60_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'client',
          environment: 'jsdom',
          include: ['src/client/**/*.test.{ts,tsx}'],
          setupFiles: ['src/client/test-setup.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
