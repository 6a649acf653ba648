import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console's build: static files only (console/dist), served by CloudFront from a private bucket
 * in AWS and by `npm start` locally; the API URL and sign-in settings come from /config.json at run
 * time, so one build serves every stage. No inline scripts or styles: the CSP is default-src 'self'.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // A module preload polyfill would be an inline script under a strict CSP; every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: { host: '127.0.0.1' },
});
