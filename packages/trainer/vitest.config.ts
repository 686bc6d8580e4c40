import { packageTests } from '../../vitest.base';

// Training runs are backend-independent code over the numerics tested in the other packages;
// they run on wasm, the backend users get by default (cpu is ~10x slower).
export default packageTests({ backends: ['wasm'], timeoutMs: 120_000 });
