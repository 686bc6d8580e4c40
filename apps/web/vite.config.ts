import { defineConfig } from 'vite';

/**
 * `@vaekit/backend` loads WebGL and WebGPU with bare `import()`s meant for Node and bundlers
 * that leave them alone; the app imports WebGL itself (src/engine/backend.ts), so those two
 * imports are left external (never reached in the app).
 */
const external = (id: string, importer: string | undefined) =>
  importer !== undefined &&
  /[\\/]packages[\\/]backend[\\/]/.test(importer) &&
  /^@tensorflow\/tfjs-backend-web(gl|gpu)$|^node:/.test(id);

/**
 * The @vaekit packages are bundled from their TypeScript sources (the `@vaekit/source` export
 * condition, as the tests use), so `build` needs no `dist/` of the packages and always matches
 * the checkout. `base: './'` lets the built app be served from any path (a static host's
 * sub-folder, or a file server on 127.0.0.1 for the browser tests).
 */
export default defineConfig({
  base: './',
  resolve: {
    conditions: ['@vaekit/source', 'module', 'browser', 'development|production'],
    dedupe: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'],
  },
  worker: { format: 'es', rollupOptions: { external } },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 3000,
    reportCompressedSize: false,
    rollupOptions: { external },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
