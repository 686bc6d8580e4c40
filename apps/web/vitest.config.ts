import { defineConfig } from 'vitest/config';

// Unit tests of the app's modules and of the data script's pure parts (scripts/), from the
// @vaekit packages' sources (the `@vaekit/source` export condition, as the build uses); the
// model-parity test runs TensorFlow.js on its cpu backend. tests/e2e.mjs drives the built app in
// Chromium.
export default defineConfig({
  resolve: { conditions: ['@vaekit/source'] },
  ssr: { resolve: { conditions: ['@vaekit/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
