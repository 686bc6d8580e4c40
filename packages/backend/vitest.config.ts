import { packageTests } from '../../vitest.base';

// @vaekit/test-utils depends on this package, so its tests use a local set-up (no cycle).
export default packageTests({ setupFile: './src/test-setup.ts' });
