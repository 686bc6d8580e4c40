import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// Two entries, `@vaekit/layers` and `@vaekit/layers/internal`, sharing chunks in both formats (so
// each class, and each registry, exists once however a program imports them).
export default defineConfig(
  packageBuild({
    entry: { index: 'src/index.ts', internal: 'src/internal/index.ts' },
    splitting: true,
  }),
);
