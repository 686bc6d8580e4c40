import * as tf from '@tensorflow/tfjs-core';
import { WasmAddedKernel } from './wasm-added-kernel';
import type { KernelArgs } from './wasm-kernel-replacement';
import { type WasmBackendInternals, wasmKernels } from './wasm-kernels';

/**
 * The kernel name `@vaekit/distributions` looks for: the per-dimension `KL(N(m, s^2) || N(0, 1))`
 * of float32 `loc` and `scale` tensors of one shape. (The same string as its
 * `STANDARD_NORMAL_KL_KERNEL`; a test in that package checks that this one is found.)
 */
export const STANDARD_NORMAL_KL_KERNEL = 'VaekitStandardNormalKL';

/**
 * Register vaekit's fused kernel for the Gaussian VAE's KL term on wasm
 * (`vk_standard_normal_kl` in wasm/kernels.c):
 * ```
 * KL = (s^2 - 1)/2 - log s + m^2/2 = t (t + 2)/2 - log s + m^2/2,   t = s - 1
 * ```
 * in float64 and rounded once, so it is the exactly rounded KL but for rare near-halfway cases
 * (the cancellation near `s = 1` costs at most ~2e-9 relative in float64), also at near-collapsed
 * dimensions and at scales 1e-30 and 1e30. `@vaekit/distributions`'s
 * `klDiagonalNormalStandardNormal` uses it when it is registered for the active backend instead
 * of its float32 chain of ~60 small kernels (a power series, `log1p`, branches; relative error
 * up to 4e-7), whose hand-written gradient it keeps. Values are therefore not bit-identical to
 * that chain's: they are closer to exact (tested against mpmath).
 *
 * Registered only once the wasm backend is initialised and vaekit's kernels instantiate on its
 * memory (`selectBackend('wasm')` registers it after `tf.ready()`; see {@link WasmAddedKernel}).
 * Idempotent.
 *
 * @returns the kernel names registered by this call (empty when already registered).
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmStandardNormalKL(); // ['VaekitStandardNormalKL']
 * ```
 */
export function registerWasmStandardNormalKL(): string[] {
  return kernel.register();
}

/** Whether {@link registerWasmStandardNormalKL} has registered the kernel (in any module copy). */
export function isWasmStandardNormalKLRegistered(): boolean {
  return kernel.active;
}

function standardNormalKLKernel(args: KernelArgs): tf.TensorInfo {
  const { loc, scale } = args.inputs as Record<string, tf.TensorInfo>;
  if (
    loc === undefined ||
    scale === undefined ||
    loc.dtype !== 'float32' ||
    scale.dtype !== 'float32' ||
    !tf.util.arraysEqual(loc.shape, scale.shape)
  ) {
    throw new Error(
      `${STANDARD_NORMAL_KL_KERNEL} needs float32 loc and scale of one shape, got ${loc?.dtype} [${loc?.shape}] and ${scale?.dtype} [${scale?.shape}]`,
    );
  }
  const kernels = wasmKernels(args.backend)!;
  const backend = args.backend as WasmBackendInternals;
  const out = backend.makeOutput(loc.shape, 'float32');
  const n = tf.util.sizeFromShape(loc.shape);
  if (n > 0) {
    kernels.exports.vk_standard_normal_kl(
      kernels.offset(loc),
      kernels.offset(scale),
      kernels.offset(out),
      n,
    );
  }
  return out;
}

const kernel = new WasmAddedKernel(STANDARD_NORMAL_KL_KERNEL, standardNormalKLKernel);
