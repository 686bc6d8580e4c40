import { defineConfig } from 'vitest/config';

// Unit tests of the app's pure modules (no TensorFlow.js, no browser); tests/e2e.mjs drives
// the built app in Chromium.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
