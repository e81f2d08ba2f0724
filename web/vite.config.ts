// The web UI: `npm run build:web` writes web/dist (served by the API on its port);
// `npm run dev:web` serves it with hot reload and proxies /api to the running API.
import { defineConfig } from 'vite';

export default defineConfig({
  root: __dirname,
  build: { outDir: 'dist', emptyOutDir: true },
  oxc: { jsx: { runtime: 'automatic' } },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://localhost:3000',
      '/healthz': 'http://localhost:3000',
      '/openapi.json': 'http://localhost:3000',
    },
  },
});
