import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const backend = process.env.VOLANT_DEV_BACKEND ?? 'http://127.0.0.1:8080';

// The Rust binary serves web/dist under a strict CSP (script-src 'self'): no inline script, no CDN.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/healthz': { target: backend },
      '/readyz': { target: backend },
    },
  },
  preview: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/healthz': { target: backend },
      '/readyz': { target: backend },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 600,
  },
});
