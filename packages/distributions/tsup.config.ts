import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

export default defineConfig(
  packageBuild({
    // `@vaekit/distributions/internal` (dist/internal.*): deriveSeed and stopGradient, for the
    // other vaekit packages. No split chunks: dist/index.* holds every KL registration (listed in
    // package.json `sideEffects`), dist/internal.* its own copy of two stateless helpers.
    entry: { index: 'src/index.ts', internal: 'src/internal.ts' },
    splitting: false,
  }),
);
