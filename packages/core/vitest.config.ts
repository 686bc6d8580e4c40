import { packageTests } from '../../vitest.base';

// The training core is backend-independent code over the numerics tested in the math packages;
// it runs on wasm, the backend users get by default (cpu is ~10x slower).
export default packageTests({ backends: ['wasm'], timeoutMs: 120_000 });
