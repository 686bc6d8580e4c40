export { registerWasmMatMulFix, isWasmMatMulFixRegistered } from './wasm-matmul';
export {
  BACKEND_CHOICES,
  registerGradients,
  selectBackend,
  type BackendChoice,
  type BackendSelection,
  type SelectBackendOptions,
} from './select-backend';
