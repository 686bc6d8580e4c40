import type * as tf from '@tensorflow/tfjs-core';
import { WasmAddedKernel } from './wasm-added-kernel';
import type { KernelArgs } from './wasm-kernel-replacement';
import { type WasmBackendInternals, wasmKernels } from './wasm-kernels';

/**
 * The kernel names `@vaekit/layers` looks for (the same strings as `CATEGORICAL_LOG_PROB_KERNEL`
 * and `CATEGORICAL_LOG_PROB_GRAD_KERNEL` of `@vaekit/distributions/internal`; a test in
 * `@vaekit/layers` checks that these are found).
 *
 * Forward, for float32 `logits` `[rows, cols]` and int32 `targets` `[rows]`: returns
 * `[shifted, max, total, picked]`, with `max_r = max_v l[r, v]`, `shifted[r, v] = e^(l[r, v] - max_r)`,
 * `total_r = sum_v shifted[r, v]` and `picked_r = l[r, targets_r]` (NaN for a target outside
 * `[0, cols)`), so that `log softmax(l)[r, targets_r] = picked_r - (max_r + log total_r)`.
 */
export const CATEGORICAL_LOG_PROB_KERNEL = 'VaekitCategoricalLogProb';

/**
 * Backward, from the forward kernel's `shifted` and `total`, the incoming gradient `scale`
 * (`[rows]`) and `targets`: `d[r, v] = (v == targets_r ? scale_r : 0) - shifted[r, v] * (scale_r
 * / total_r)`, the gradient of `scale_r log softmax(l)[r, targets_r]` in the logits.
 */
export const CATEGORICAL_LOG_PROB_GRAD_KERNEL = 'VaekitCategoricalLogProbGrad';

/**
 * Register vaekit's fused categorical log-likelihood kernels on wasm (`vk_softmax_stats` and
 * `vk_softmax_grad` in wasm/kernels.c). The text VAE's token likelihood is a log-softmax over a
 * vocabulary of thousands for every token of a batch (`[640, 5000]` for 32 sentences of 20
 * tokens): as tfjs ops, the forward pass is a max, a subtraction, the exponential and a sum
 * (four passes over the logits and two `[rows, cols]` temporaries) and the backward pass a
 * scatter, a product and a difference (three more). These kernels do each in one call, two
 * passes and one, with the float32 operations of those ops in the same order and `exp-simd`'s
 * exponential: bit-identical to the ops on wasm with that fix (tested).
 * `categoricalLogProb` (`@vaekit/layers`) uses them when both are registered.
 *
 * Registered only once the wasm backend is initialised and vaekit's kernels instantiate on its
 * memory (see {@link WasmAddedKernel}). Idempotent.
 *
 * @returns the kernel names registered by this call (empty when already registered).
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmCategoricalLogProb(); // ['VaekitCategoricalLogProb', 'VaekitCategoricalLogProbGrad']
 * ```
 */
export function registerWasmCategoricalLogProb(): string[] {
  return [...forward.register(), ...backward.register()];
}

/** Whether {@link registerWasmCategoricalLogProb} has registered both kernels (in any module copy). */
export function isWasmCategoricalLogProbRegistered(): boolean {
  return forward.active && backward.active;
}

function isMatrix(t: tf.TensorInfo | undefined): t is tf.TensorInfo {
  return t !== undefined && t.dtype === 'float32' && t.shape.length === 2;
}

function isRows(t: tf.TensorInfo | undefined, dtype: tf.DataType, rows: number): boolean {
  return t !== undefined && t.dtype === dtype && t.shape.length === 1 && t.shape[0] === rows;
}

function forwardKernel(args: KernelArgs): tf.TensorInfo[] {
  const { logits, targets } = args.inputs as Record<string, tf.TensorInfo>;
  if (!isMatrix(logits) || !isRows(targets, 'int32', logits.shape[0]!) || logits.shape[1] === 0) {
    throw new Error(
      `${CATEGORICAL_LOG_PROB_KERNEL} needs float32 logits [rows, cols > 0] and int32 targets [rows], got ${logits?.dtype} [${logits?.shape}] and ${targets?.dtype} [${targets?.shape}]`,
    );
  }
  const [rows, cols] = logits.shape as [number, number];
  const kernels = wasmKernels(args.backend)!;
  const backend = args.backend as WasmBackendInternals;
  const shifted = backend.makeOutput([rows, cols], 'float32');
  const max = backend.makeOutput([rows], 'float32');
  const total = backend.makeOutput([rows], 'float32');
  const picked = backend.makeOutput([rows], 'float32');
  if (rows > 0) {
    kernels.exports.vk_softmax_stats(
      kernels.offset(logits),
      kernels.offset(targets!),
      kernels.offset(shifted),
      kernels.offset(max),
      kernels.offset(total),
      kernels.offset(picked),
      rows,
      cols,
    );
  }
  return [shifted, max, total, picked];
}

function backwardKernel(args: KernelArgs): tf.TensorInfo {
  const { shifted, total, scale, targets } = args.inputs as Record<string, tf.TensorInfo>;
  const rows = shifted?.shape[0] ?? -1;
  if (
    !isMatrix(shifted) ||
    !isRows(total, 'float32', rows) ||
    !isRows(scale, 'float32', rows) ||
    !isRows(targets, 'int32', rows)
  ) {
    throw new Error(
      `${CATEGORICAL_LOG_PROB_GRAD_KERNEL} needs float32 shifted [rows, cols], float32 total and scale [rows] and int32 targets [rows], got ${[shifted, total, scale, targets].map((t) => `${t?.dtype} [${t?.shape}]`).join(', ')}`,
    );
  }
  const cols = shifted.shape[1]!;
  const kernels = wasmKernels(args.backend)!;
  const out = (args.backend as WasmBackendInternals).makeOutput([rows, cols], 'float32');
  if (rows > 0 && cols > 0) {
    kernels.exports.vk_softmax_grad(
      kernels.offset(shifted),
      kernels.offset(total!),
      kernels.offset(scale!),
      kernels.offset(targets!),
      kernels.offset(out),
      rows,
      cols,
    );
  }
  return out;
}

const forward = new WasmAddedKernel(CATEGORICAL_LOG_PROB_KERNEL, forwardKernel);
const backward = new WasmAddedKernel(CATEGORICAL_LOG_PROB_GRAD_KERNEL, backwardKernel);
