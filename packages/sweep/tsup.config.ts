import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// shims: `import.meta.url` (used to locate the pool's worker entry) in the CJS build. The worker
// is its own entry: `child_process.fork` starts dist/sweep-worker.js by file name.
export default defineConfig(
  packageBuild({
    shims: true,
    entry: {
      index: 'src/index.ts',
      'sweep-worker': 'src/sweep-worker.ts',
    },
  }),
);
