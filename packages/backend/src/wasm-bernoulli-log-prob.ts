import * as tf from '@tensorflow/tfjs-core';
import { WasmAddedKernel } from './wasm-added-kernel';
import type { KernelArgs } from './wasm-kernel-replacement';
import { type WasmBackendInternals, wasmKernels } from './wasm-kernels';

/**
 * The kernel name `@vaekit/layers` looks for: each row's Bernoulli log-likelihood
 * `sum_k x_k l_k - softplus(l_k)` of float32 `logits` and `x` of one shape `[rows, cols]`,
 * returning `[rows]`. (The same string as `BERNOULLI_LOG_PROB_KERNEL` of
 * `@vaekit/distributions/internal`; a test in `@vaekit/layers` checks that this one is found.)
 */
export const BERNOULLI_LOG_PROB_KERNEL = 'VaekitBernoulliLogProb';

/**
 * Register vaekit's fused Bernoulli log-likelihood on wasm (`vk_bernoulli_log_prob` in
 * wasm/kernels.c): one pass over the logits and the data, where the chain of ops
 * `sum(x * l - softplus(l), -1)` makes three passes and three `[rows, cols]` temporaries. Every
 * importance-sampled likelihood evaluates it on `K x B x 784` values (the NLL with K = 5000: 5,000
 * x 784 per digit). It does the chain's float32 operations in the chain's order with
 * `softplus-simd`'s softplus, so its results are bit-identical to the chain's on wasm with that
 * fix (tested). `bernoulliLogProb` (`@vaekit/layers`) uses it when it is registered.
 *
 * Registered only once the wasm backend is initialised and vaekit's kernels instantiate on its
 * memory (see {@link WasmAddedKernel}). Idempotent.
 *
 * @returns the kernel names registered by this call (empty when already registered).
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmBernoulliLogProb(); // ['VaekitBernoulliLogProb']
 * ```
 */
export function registerWasmBernoulliLogProb(): string[] {
  return kernel.register();
}

/** Whether {@link registerWasmBernoulliLogProb} has registered the kernel (in any module copy). */
export function isWasmBernoulliLogProbRegistered(): boolean {
  return kernel.active;
}

function bernoulliLogProbKernel(args: KernelArgs): tf.TensorInfo {
  const { logits, x } = args.inputs as Record<string, tf.TensorInfo>;
  if (
    logits === undefined ||
    x === undefined ||
    logits.dtype !== 'float32' ||
    x.dtype !== 'float32' ||
    logits.shape.length !== 2 ||
    !tf.util.arraysEqual(logits.shape, x.shape)
  ) {
    throw new Error(
      `${BERNOULLI_LOG_PROB_KERNEL} needs float32 logits and x of one shape [rows, cols], got ${logits?.dtype} [${logits?.shape}] and ${x?.dtype} [${x?.shape}]`,
    );
  }
  const [rows, cols] = logits.shape as [number, number];
  const kernels = wasmKernels(args.backend)!;
  const out = (args.backend as WasmBackendInternals).makeOutput([rows], 'float32');
  if (rows > 0) {
    kernels.exports.vk_bernoulli_log_prob(
      kernels.offset(logits),
      kernels.offset(x),
      kernels.offset(out),
      rows,
      cols,
    );
  }
  return out;
}

const kernel = new WasmAddedKernel(BERNOULLI_LOG_PROB_KERNEL, bernoulliLogProbKernel);
