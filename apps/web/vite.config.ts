import { type Plugin, defineConfig } from 'vite';

/**
 * `@vaekit/backend` loads WebGL, WebGPU and `node:module` with bare `import()`s meant for Node
 * and for bundlers that leave them alone. The app imports WebGL itself (src/engine/backend.ts)
 * and never reaches those branches, so they resolve to a stub that throws when loaded.
 */
function stubBackendImports(): Plugin {
  const STUB = '\0vaekit-unavailable:';
  return {
    name: 'vaekit-stub-backend-imports',
    enforce: 'pre',
    resolveId(source, importer) {
      if (
        importer !== undefined &&
        /[\\/]packages[\\/]backend[\\/]/.test(importer) &&
        /^@tensorflow\/tfjs-backend-web(gl|gpu)$|^node:/.test(source)
      ) {
        return STUB + source;
      }
      return null;
    },
    load(id) {
      if (!id.startsWith(STUB)) return null;
      const name = id.slice(STUB.length);
      return `throw new Error(${JSON.stringify(`${name} is not bundled with the vaekit web app`)});`;
    },
  };
}

/**
 * Served cross-origin isolated, so tfjs-backend-wasm can run its threaded build (it needs
 * SharedArrayBuffer): the digit VAE trains at ~111 steps/s against ~85 without (Chromium, 2
 * cores, `tests/measure-kernels.mjs` with `ISOLATE=1`). The app loads nothing cross-origin. A
 * static host needs the same two headers for threads; without them the app runs single-threaded.
 */
const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

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
  plugins: [stubBackendImports()],
  // Pre-bundled together in development, so the page does not reload when the worker finds them.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-layers',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
    ],
  },
  worker: { format: 'es', plugins: () => [stubBackendImports()] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 3000,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1', headers: CROSS_ORIGIN_ISOLATION },
  preview: { host: '127.0.0.1', headers: CROSS_ORIGIN_ISOLATION },
});
