/**
 * `@vaekit/backend/internal`: the per-kernel parts of vaekit's wasm kernel fixes, for tests,
 * benchmarks and debugging. Not a stable API: it may change in any release. Applications use
 * `registerWasmKernelFixes` (with `WASM_KERNEL_FIXES` names to pick fixes) from the package root,
 * which `selectBackend` calls on wasm.
 *
 * @packageDocumentation
 */
export { ADAM_STEP_KERNEL } from './adam-step';
export { isWasmGatherFixRegistered, registerWasmGatherFix } from './wasm-gather';
export {
  isWasmGemmFixRegistered,
  previousWasmGemmKernel,
  registerWasmGemmFix,
} from './wasm-gemm';
export {
  BERNOULLI_LOG_PROB_KERNEL,
  isWasmBernoulliLogProbRegistered,
  registerWasmBernoulliLogProb,
} from './wasm-bernoulli-log-prob';
export {
  CATEGORICAL_LOG_PROB_GRAD_KERNEL,
  CATEGORICAL_LOG_PROB_KERNEL,
  isWasmCategoricalLogProbRegistered,
  registerWasmCategoricalLogProb,
} from './wasm-categorical-log-prob';
export {
  isWasmExpFixRegistered,
  originalWasmExpKernel,
  registerWasmExpFix,
} from './wasm-exp';
export {
  disableWasmFmaGemm,
  fmaGemmKernel,
  isWasmFmaGemmRegistered,
  registerWasmFmaGemm,
} from './wasm-fma-gemm';
export { isWasmIdentityFixRegistered, registerWasmIdentityFix } from './wasm-identity';
export { isWasmMatMulFixRegistered, registerWasmMatMulFix } from './wasm-matmul';
export { isWasmSliceFixRegistered, registerWasmSliceFix } from './wasm-slice';
export {
  isWasmStandardNormalKLRegistered,
  registerWasmStandardNormalKL,
  STANDARD_NORMAL_KL_KERNEL,
} from './wasm-standard-normal-kl';
export {
  isWasmSoftplusFixRegistered,
  originalWasmSoftplusKernel,
  registerWasmSoftplusFix,
} from './wasm-softplus';
export { isWasmSumFixRegistered, registerWasmSumFix } from './wasm-sum';
export { isWasmTileFixRegistered, registerWasmTileFix } from './wasm-tile';
