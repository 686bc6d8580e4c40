export { registerWasmMatMulFix, isWasmMatMulFixRegistered } from './wasm-matmul';
export { registerWasmGemmFix, isWasmGemmFixRegistered, previousWasmGemmKernel } from './wasm-gemm';
export { registerWasmSliceFix, isWasmSliceFixRegistered } from './wasm-slice';
export { registerWasmGatherFix, isWasmGatherFixRegistered } from './wasm-gather';
export { registerWasmTileFix, isWasmTileFixRegistered } from './wasm-tile';
export { registerWasmSumFix, isWasmSumFixRegistered } from './wasm-sum';
export { registerWasmIdentityFix, isWasmIdentityFixRegistered } from './wasm-identity';
export {
  WASM_KERNEL_FIXES,
  registerWasmKernelFixes,
  registeredWasmKernelFixes,
} from './wasm-kernel-fixes';
export {
  BACKEND_CHOICES,
  registerGradients,
  selectBackend,
  type BackendChoice,
  type BackendSelection,
  type SelectBackendOptions,
} from './select-backend';
export {
  ADAM_STEP_KERNEL,
  adamStep,
  globalNormSquared,
  type AdamStepResult,
  type AdamStepScalars,
} from './adam-step';
export { AdamWithClipping, type NamedTensor } from './adam-with-clipping';
