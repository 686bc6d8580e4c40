import * as tf from '@tensorflow/tfjs-core';
import { type KernelFunc, WasmKernelReplacement } from './wasm-kernel-replacement';
import { unaryKernel } from './wasm-unary';

const replacement = new WasmKernelReplacement('softplus-simd', {
  [tf.Softplus]: (previous) => unaryKernel('vk_softplus', previous),
});

/**
 * Replace the wasm `Softplus` kernel by vaekit's SIMD one (`vk_softplus` in wasm/kernels.c):
 * the Bernoulli pixel likelihood, `x l - softplus(l)`, evaluates it on every pixel of every
 * sample, and tfjs-backend-wasm 4.x computes it one value at a time through libm's `exp` and
 * `log` (about 12 ns a value here: 42% of an importance-sampled NLL evaluation).
 *
 * ```
 * softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|)
 * ```
 * four values at a time, branch-free: e^y by Cody-Waite reduction and a degree-7 polynomial,
 * log1p(t) = 2 atanh(t / (2 + t)) by its series, in float32 arithmetic.
 *
 * **Not bit-identical** to the kernel it replaces (the one fix of `registerWasmKernelFixes` that
 * is not). Against the exactly rounded softplus (a float64 reference), on every 16th float32
 * (2^28 inputs): ours is exact for 95.6% and within **3 ulp** for all (99.995% within 1); the
 * original is within 1 ulp except near its cut-offs at |x| = 13.94, where it returns `x` or
 * `e^x` (up to 7 ulp). Results of models that use softplus (Bernoulli likelihoods, softplus
 * scales) change in their last bits; `registerWasmKernelFixes(only)` without `softplus-simd`
 * keeps the original. ±inf and NaN give +inf, 0 and NaN, as the original.
 *
 * Used for float32 inputs; anything else goes to the kernel it replaced. Idempotent; a no-op
 * when the wasm backend is not registered or the kernels cannot be instantiated.
 *
 * @returns the kernel names replaced by this call (empty when already replaced).
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmSoftplusFix(); // ['Softplus']
 * ```
 */
export function registerWasmSoftplusFix(): string[] {
  return replacement.register();
}

/** Whether {@link registerWasmSoftplusFix} has replaced the wasm `Softplus` kernel. */
export function isWasmSoftplusFixRegistered(): boolean {
  return replacement.active;
}

/** The kernel that {@link registerWasmSoftplusFix} replaced (for tests that compare with it). */
export function originalWasmSoftplusKernel(): KernelFunc | undefined {
  return replacement.previousKernel(tf.Softplus);
}
