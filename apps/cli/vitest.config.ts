import { packageTests } from '../../vitest.base';

// The CLI drives whole runs; one backend (wasm, the default users get) is enough here.
export default packageTests({ backends: ['wasm'], timeoutMs: 300_000 });
