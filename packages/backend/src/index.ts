export { registerWasmMatMulFix, isWasmMatMulFixRegistered } from './wasm-matmul';
export {
  BACKEND_CHOICES,
  selectBackend,
  type BackendChoice,
  type BackendSelection,
  type SelectBackendOptions,
} from './select-backend';
