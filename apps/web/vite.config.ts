import { defineConfig } from 'vite';

// A Node file (not part of apps/web/tsconfig.json, which is browser-only).
const here = (p: string): string => decodeURIComponent(new URL(p, import.meta.url).pathname);

/**
 * The Tongke web app. No React plugin: Vite 8's built-in oxc transform compiles JSX with the
 * automatic runtime. `@tongke/contracts` maps to the browser-safe entry (no decorators).
 */
export default defineConfig({
  root: here('.'),
  publicDir: here('./public'),
  resolve: {
    alias: { '@tongke/contracts': here('../../libs/contracts/src/shared.ts') },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    // Rural schools run old browsers (e.g. Chromium 87-based school machines): lower the syntax.
    target: ['es2020', 'chrome87', 'edge88', 'firefox78', 'safari14'],
    sourcemap: true,
    // One chunk, so no preload polyfill is needed.
    modulePreload: { polyfill: false },
    // Budget: the whole app (React, React Router, i18next and ours) is ~390 kB minified, ~120 kB
    // gzipped, cached for a year. Warn when it grows past 420 kB.
    chunkSizeWarningLimit: 420,
    rolldownOptions: {
      onwarn(warning, warn) {
        // React Router's "use client" directive is meaningless in a client-only bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: 'http://localhost:3000', changeOrigin: false } },
  },
  preview: {
    proxy: { '/api': { target: 'http://localhost:3000', changeOrigin: false } },
  },
});
