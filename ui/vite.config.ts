import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    // In the browser the UI talks to a hub; `npm run dev` proxies to one on :8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    // The one larger chunk is the time zone data of the Intl polyfill (1.3 MB), loaded only
    // where the engine lacks Lao or Khmer data (src/lib/intl.ts).
    chunkSizeWarningLimit: 1400,
  },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
