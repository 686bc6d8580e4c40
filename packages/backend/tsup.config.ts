import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

export default defineConfig(
  packageBuild({
    // `@vaekit/backend/internal`: the per-kernel wasm fixes (dist/internal.*), sharing their
    // modules (and so their registration state) with the root entry through split chunks.
    entry: { index: 'src/index.ts', internal: 'src/internal.ts' },
    // `shims` gives the CommonJS build an `import.meta.url`, used to find optional native backends.
    shims: true,
    // tfjs-core's gradient definitions are ES modules Node cannot load from CommonJS: bundle
    // them (they register into tfjs-core's global registry); the rest of tfjs stays external.
    noExternal: [/register_all_gradients/],
    splitting: true,
  }),
);
