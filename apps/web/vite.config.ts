import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dev server proxies the API so the SPA and API share an origin (cookies, no CORS).
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/api': 'http://localhost:8787', '/healthz': 'http://localhost:8787' },
  },
  // The manifest lets scripts/check-bundle-size.ts sum each route's initial chunks.
  build: { target: 'es2022', sourcemap: true, manifest: true, chunkSizeWarningLimit: 600 },
});
