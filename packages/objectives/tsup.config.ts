import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

export default defineConfig(
  packageBuild({
    // `@vaekit/objectives/testing` (dist/testing.*): the linear-Gaussian reference model. No
    // split chunks: each entry is one self-contained file.
    entry: { index: 'src/index.ts', testing: 'src/testing.ts' },
    splitting: false,
  }),
);
