import { packageTests } from '../../vitest.base';

// Sweeps train real (tiny) runs in child processes; like the trainer's tests they run on wasm,
// the backend users get by default.
export default packageTests({ backends: ['wasm'], timeoutMs: 180_000 });
