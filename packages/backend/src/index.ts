export {
  BACKEND_CHOICES,
  activeBackendChoice,
  registerGradients,
  selectBackend,
  type BackendChoice,
  type BackendSelection,
  type SelectBackendOptions,
} from './select-backend';
export { relaxedSimdSupported } from './relaxed-simd';
export {
  DEFAULT_WASM_KERNEL_FIXES,
  WASM_KERNEL_FIXES,
  registerWasmKernelFixes,
  registeredWasmKernelFixes,
} from './wasm-kernel-fixes';
export { AdamWithClipping, type NamedTensor } from './adam-with-clipping';
export {
  adamStep,
  globalNormSquared,
  type AdamStepResult,
  type AdamStepScalars,
} from './adam-step';
