import react from '@vitejs/plugin-react';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// The tests that run a second time on PostgreSQL (project `postgres`): the ones written against
// openTestStore (src/server/testing/test-store.ts) or the BFF harness, which pick the engine from
// MARKDESK_TEST_STORE. Only when MARKDESK_TEST_DATABASE_URL names a server; the global setup says
// so in one line otherwise.
const POSTGRES_SUITE = [
  'src/server/store/postgres/**/*.test.ts',
  'src/server/store/{audit,audit-search,audit-head,labels,text-storage}.test.ts',
  'src/server/jobs/store.test.ts',
  'src/server/insights/survey-runner.test.ts',
  'src/server/routes/{marks,labels,audit,jobs,session,groups,job-follow-ups,admin-activity,audit-undo-request,preferences,conversations,odd-rows,text}.test.ts',
  'src/server/services/{concurrency,reconcile,last-change,group-race,mark-writer}.test.ts',
  'src/server/auth/{login-throttle,sessions,staff,mfa}.test.ts',
  'src/server/insights/{survey,effect-activity}.test.ts',
  'src/server/jobs/{guards,groups-columns,leases}.test.ts',
];
const postgresProjects = process.env.MARKDESK_TEST_DATABASE_URL?.trim()
  ? [
      {
        test: {
          name: 'postgres',
          environment: 'node',
          include: POSTGRES_SUITE,
          env: { MARKDESK_TEST_STORE: 'postgres' },
          testTimeout: 60_000,
        },
      },
    ]
  : [];

// The SPA is built into dist/client and served by the BFF (src/server) on the same origin.
// `test` holds Vitest's projects: node code (shared, server, emulator), the SPA under jsdom, and
// the store's suite again on PostgreSQL.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist/client',
    emptyOutDir: true,
    sourcemap: false,
    // The entry's own chunks are preloaded from index.html, where the browser finds them at once.
    // A page's chunks are not preloaded from script: Vite's helper inserted a <link rel=modulepreload>
    // per chunk as the page's import started, about 45 for the Marks page, which cost the main thread
    // 90–340 ms on a slow laptop (CPU profiles at 4× throttling) before the first paint. The browser
    // fetches a page's chunks itself, side by side, as soon as it has read the page's first one: one
    // round trip later.
    modulePreload: { resolveDependencies: (_file, dependencies, { hostType }) => (hostType === 'html' ? dependencies : []) },
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
          // PostgreSQL's own tests run in the `postgres` project only.
          exclude: ['src/server/store/postgres/**'],
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
      ...postgresProjects,
    ],
  },
});
