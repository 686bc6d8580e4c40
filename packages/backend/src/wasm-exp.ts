import * as tf from '@tensorflow/tfjs-core';
import { type KernelFunc, WasmKernelReplacement } from './wasm-kernel-replacement';
import { unaryKernel } from './wasm-unary';

const replacement = new WasmKernelReplacement('exp-simd', {
  [tf.Exp]: (previous) => unaryKernel('vk_exp', previous),
});

/**
 * Replace the wasm `Exp` kernel by vaekit's SIMD one (`vk_exp` in wasm/kernels.c). A text VAE
 * exponentiates every logit of its vocabulary softmax (`categoricalLogProb`: 640 tokens x 5,000
 * words a step at batch 32), and tfjs-backend-wasm 4.x does it one value at a time through libm's
 * `exp` (about 13 ns a value here: 42 ms of a ~330 ms training step).
 *
 * ```
 * e^x = 2^n e^r,   x = n ln2 + r,   |r| <= ln2 / 2
 * ```
 * four values at a time, branch-free: Cody-Waite reduction with ln2 in two parts, e^r by its
 * degree-7 Taylor polynomial (truncation < 6e-9 relative), 2^n as two exponent-field scalings (so
 * subnormal results round once), in float32 arithmetic: the exponential of `softplus-simd`.
 *
 * **Not bit-identical** to the kernel it replaces, though as accurate: within **1 ulp** of the
 * exactly rounded `e^x` on every input tested (every 2^12-th float32 and 1M values on
 * [-104, 89]: 93.5% exactly rounded), as tfjs's kernel is; the two differ in the last bit where
 * either is not exactly rounded. +inf gives +inf, -inf and `x < -103.97` give 0, `x > 88.72` gives +inf,
 * NaN gives NaN, as the original. `registerWasmKernelFixes(only)` without `exp-simd` keeps the
 * original.
 *
 * Used for float32 inputs; anything else goes to the kernel it replaced. Idempotent; a no-op
 * when the wasm backend is not registered or the kernels cannot be instantiated.
 *
 * @returns the kernel names replaced by this call (empty when already replaced).
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmExpFix(); // ['Exp']
 * ```
 */
export function registerWasmExpFix(): string[] {
  return replacement.register();
}

/** Whether {@link registerWasmExpFix} has replaced the wasm `Exp` kernel. */
export function isWasmExpFixRegistered(): boolean {
  return replacement.active;
}

/** The kernel that {@link registerWasmExpFix} replaced (for tests that compare with it). */
export function originalWasmExpKernel(): KernelFunc | undefined {
  return replacement.previousKernel(tf.Exp);
}
