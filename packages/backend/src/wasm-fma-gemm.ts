import * as tf from '@tensorflow/tfjs-core';
import { relaxedSimdSupported } from './relaxed-simd';
import { gemmKernel } from './wasm-gemm';
import { type KernelFunc, WasmKernelReplacement } from './wasm-kernel-replacement';
import { wasmFmaGemm } from './wasm-kernels';

/**
 * Whether the registered kernels use the fused build (else they hand every product to the exact
 * kernel they replaced): a registered kernel cannot be given back, so `selectBackend('wasm')`
 * after `selectBackend('wasm-fma')` in the same thread turns it off instead. On `globalThis`, as
 * tfjs's kernel registry, so every copy of this module in a process agrees.
 */
const ENABLED = Symbol.for('@vaekit/backend:fma-gemm-enabled');
const state = globalThis as { [ENABLED]?: boolean };

const fusedWhenEnabled = (backend: unknown) =>
  state[ENABLED] === false ? undefined : wasmFmaGemm(backend);

const replacement = new WasmKernelReplacement('fma-gemm', {
  [tf.BatchMatMul]: (previous) => gemmKernel(previous, false, fusedWhenEnabled),
  [tf._FusedMatMul]: (previous) => gemmKernel(previous, true, fusedWhenEnabled),
});

/**
 * Replace the wasm `BatchMatMul` and `_FusedMatMul` kernels by vaekit's GEMM built with fused
 * multiply-adds (WebAssembly relaxed SIMD, `f32x4.relaxed_madd`): the `wasm-fma` backend of
 * `selectBackend`. Not one of the default fixes, because its products are not tfjs's bit for bit.
 *
 * The same `vk_matmul` as `simd-gemm` (same packing, same 4x8 tiles, every output summed in the
 * same order, `acc = bias; acc = acc + a_k b_k` for k = 0..K-1), with each multiply-add rounded
 * once instead of twice where the CPU has FMA (x86-64 with FMA3, every ARM64); elsewhere the engine
 * emits the multiply and the add and the results equal `simd-gemm`'s. Each output is within the
 * standard bound of a float32 dot product (Higham, *Accuracy and Stability of Numerical
 * Algorithms*, 2002, section 3.1), as the exact kernel's:
 * ```
 * |c - c_exact| <= gamma_K (|bias| + sum_k |a_k b_k|),   gamma_K = K u / (1 - K u),  u = 2^-24
 * ```
 * (tested against a float64 product on random shapes, both layouts, bias and relu). Results
 * therefore depend on the machine (FMA or not), where the exact kernels give the same bits
 * everywhere.
 *
 * Measured (`bench/gemm.ts`, Intel Xeon with AVX-512, one thread): 1.2-1.3x the exact kernel
 * (640x256 by 256x5000 42.9 -> 33.8 ms; 128x784 by 784x512 2.7 -> 2.2 ms): Intel cores issue a
 * 128-bit multiply and an add on the same two ports an FMA uses, so fusing halves the issued
 * arithmetic; AMD Zen cores add on separate ports and gain less.
 *
 * Registered only where {@link relaxedSimdSupported} (Node 20.16+, 22+, Chrome 114+, Firefox 120+);
 * idempotent; products it does not handle go to the kernel it replaced.
 *
 * @returns the kernel names replaced by this call (empty when already replaced, or without
 *   relaxed SIMD).
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmFmaGemm(); // ['BatchMatMul', '_FusedMatMul']
 * ```
 */
export function registerWasmFmaGemm(): string[] {
  if (!relaxedSimdSupported()) return [];
  state[ENABLED] = true;
  return replacement.register();
}

/**
 * Whether the wasm matmul kernels compute with fused multiply-adds now: {@link registerWasmFmaGemm}
 * has replaced them and {@link disableWasmFmaGemm} has not turned them off since.
 */
export function isWasmFmaGemmRegistered(): boolean {
  return replacement.active && state[ENABLED] !== false;
}

/**
 * Send every product back to the exact kernel the fused one replaced (until the next
 * {@link registerWasmFmaGemm}): `selectBackend('wasm')` calls it, so that plain wasm is exact
 * again after `wasm-fma` in the same thread.
 */
export function disableWasmFmaGemm(): void {
  state[ENABLED] = false;
}

/**
 * The fused multiply-add kernel for `kernelName` (`BatchMatMul` or `_FusedMatMul`) on top of
 * `previous`, without registering it (for tests that compare it with the exact kernel in a
 * process whose registered kernels must stay exact).
 */
export function fmaGemmKernel(
  kernelName: typeof tf.BatchMatMul | typeof tf._FusedMatMul,
  previous: KernelFunc,
): KernelFunc {
  return gemmKernel(previous, kernelName === tf._FusedMatMul, wasmFmaGemm) as unknown as KernelFunc;
}
