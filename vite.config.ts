import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The SPA is built into dist/client and served by the BFF (src/server) on the same origin.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist/client',
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    // `npm run dev`: Vite serves the SPA and forwards /api to a running BFF.
    proxy: { '/api': process.env.MARKDESK_DEV_API ?? 'http://127.0.0.1:8080' },
  },
});
