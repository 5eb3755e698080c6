import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** Served by the API under /ui/ (services/api/src/ui-static.ts); /api is the same origin. */
export default defineConfig({
  base: '/ui/',
  plugins: [react()],
  // The workspace root holds another React (a test tool's); every import must reach this one.
  resolve: { dedupe: ['react', 'react-dom', 'scheduler'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      output: {
        // Heavy libraries in chunks of their own, loaded by the views that need them.
        manualChunks: (id) => {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts';
          if (id.includes('node_modules/@codemirror') || id.includes('node_modules/@lezer') || id.includes('node_modules/codemirror')) return 'codemirror';
          if (/node_modules\/(react|react-dom|scheduler|react-router)\//.test(id)) return 'react';
          return undefined;
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
