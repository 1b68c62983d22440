import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  plugins: [
    svelte(),
    // In a browser (a tablet on the hub) the app's files are kept by a service worker, so a
    // page reloaded while the network is down still opens, with its outbox. The API is never
    // cached. The desktop and Android apps carry their files and do not register it.
    VitePWA({
      injectRegister: false,
      registerType: 'autoUpdate',
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,svg,ico,woff2}'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/calendar\//],
        maximumFileSizeToCacheInBytes: 3_000_000,
        // The first page a tablet opens is kept too, not only those after it.
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
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
