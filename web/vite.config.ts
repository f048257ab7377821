// Vite builds the pages from web/ into dist/web/, which the Fastify process serves at /.
// In development (`npm run dev:web`) the API runs separately on port 8000 and is proxied, so the pages
// always talk to their own origin, as they do in production.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Absolute paths from this file, whatever the working directory.
const webDir = decodeURIComponent(new URL('.', import.meta.url).pathname);
const outDir = decodeURIComponent(new URL('../dist/web', import.meta.url).pathname);
const api = 'http://127.0.0.1:8000';

export default defineConfig({
  root: webDir,
  plugins: [react()],
  resolve: { alias: { '@/': `${webDir}src/` } },
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: 'assets',
    // Every script and stylesheet is a file under assets/ (the CSP allows 'self' only).
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': api, '/docs': api, '/openapi.json': api },
  },
  preview: {
    proxy: { '/api': api, '/docs': api, '/openapi.json': api },
  },
});
