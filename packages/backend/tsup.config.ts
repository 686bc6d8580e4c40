import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

export default defineConfig(
  packageBuild({
    // `shims` gives the CommonJS build an `import.meta.url`, used to find optional native backends.
    shims: true,
    // tfjs-core's gradient definitions are ES modules Node cannot load from CommonJS: bundle
    // them (they register into tfjs-core's global registry); the rest of tfjs stays external.
    noExternal: [/register_all_gradients/],
    splitting: true,
  }),
);
