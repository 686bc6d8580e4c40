import { isWasmGatherFixRegistered, registerWasmGatherFix } from './wasm-gather';
import { isWasmMatMulFixRegistered, registerWasmMatMulFix } from './wasm-matmul';
import { isWasmSliceFixRegistered, registerWasmSliceFix } from './wasm-slice';
import { isWasmTileFixRegistered, registerWasmTileFix } from './wasm-tile';

/** vaekit's kernel-level workarounds for slow paths of `@tensorflow/tfjs-backend-wasm`. */
const FIXES = [
  { name: 'transposed-matmul', register: registerWasmMatMulFix, active: isWasmMatMulFixRegistered },
  { name: 'slice-from-heap', register: registerWasmSliceFix, active: isWasmSliceFixRegistered },
  { name: 'gather-rows', register: registerWasmGatherFix, active: isWasmGatherFixRegistered },
  { name: 'tile-rows', register: registerWasmTileFix, active: isWasmTileFixRegistered },
] as const;

/**
 * Register every wasm kernel fix of vaekit (idempotent; {@link selectBackend} calls it when it
 * activates wasm): the transposed-matmul fix ({@link registerWasmMatMulFix}), the slicing fix
 * ({@link registerWasmSliceFix}), the gather fix ({@link registerWasmGatherFix}) and the tile fix
 * ({@link registerWasmTileFix}). Each replaces kernels by ones whose results equal the original
 * kernels' (bit for bit where no arithmetic is involved), only faster.
 *
 * @returns the kernel names replaced by this call.
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmKernelFixes(); // ['BatchMatMul', '_FusedMatMul', 'Slice', 'Unpack', 'SplitV', 'GatherV2', 'Tile']
 * ```
 */
export function registerWasmKernelFixes(): string[] {
  return FIXES.flatMap((fix) => fix.register());
}

/**
 * The names of the wasm kernel fixes active in this process (for logs and benchmark reports).
 *
 * @example
 * ```ts
 * registeredWasmKernelFixes(); // ['transposed-matmul', 'slice-from-heap', 'gather-rows', 'tile-rows'] after selectBackend('wasm')
 * ```
 */
export function registeredWasmKernelFixes(): string[] {
  return FIXES.filter((fix) => fix.active()).map((fix) => fix.name);
}
