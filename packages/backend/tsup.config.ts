import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

// `shims` gives the CommonJS build an `import.meta.url`, used to resolve optional native backends.
export default defineConfig(packageBuild({ shims: true }));
