import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

// Built to static files the api serves at /console; every asset is bundled, nothing from a CDN.
export default defineConfig({
  root: here,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: resolve(here, '../../dist/console'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // Reproducible output: no inline map comments pointing at this machine's paths.
    sourcemap: false,
  },
  server: { proxy: { '/graphql': 'http://localhost:3000', '/documents': 'http://localhost:3000', '/socket.io': { target: 'ws://localhost:3000', ws: true } } },
});
