import * as tf from '@tensorflow/tfjs-core';
import {
  type KernelArgs,
  type KernelFunc,
  type WasmBackend,
  WasmKernelReplacement,
} from './wasm-kernel-replacement';
import { wasmKernels } from './wasm-kernels';

const replacement = new WasmKernelReplacement('sum-leading-axes', {
  [tf.Sum]: (previous) => (args) => sumKernel(args, previous),
});

/**
 * Work around the transposing `Sum` of `@tensorflow/tfjs-backend-wasm` 4.x over leading axes.
 *
 * The wasm kernel reduces along innermost axes only: for any other axes it first transposes
 * the whole input (kept axes first), then sums each row of the transposed copy from its first
 * element to its last. Every bias gradient is such a sum (over the batch axis of `[N, units]`):
 * for a 5000-word output layer over 640 tokens, the transpose makes it several times slower
 * than the sum itself.
 *
 * This replaces the kernel, for float32 sums over a leading block of axes (`[0, .., k-1]` in that
 * order, of a rank-`r` input, `k < r`), by one that reads the input in place, row by row, adding each row
 * into the running sums in float32 (SIMD, four columns at a time, in vaekit's kernels module:
 * `vk_sum_rows`; in JavaScript with `Math.fround` where that module cannot run): each output is
 * the same sequence of float32 additions, in the same order, as the original kernel's, so
 * results are bit-identical. Other sums (innermost axes, other dtypes) go to the original kernel.
 *
 * Idempotent; a no-op when the wasm backend is not registered.
 *
 * @returns the kernel names that were replaced by this call (empty when already replaced).
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmSumFix(); // ['Sum']
 * ```
 */
export function registerWasmSumFix(): string[] {
  return replacement.register();
}

/** Whether {@link registerWasmSumFix} has replaced the wasm `Sum` kernel in this process. */
export function isWasmSumFixRegistered(): boolean {
  return replacement.active;
}

/** The wasm kernel that {@link registerWasmSumFix} replaced (for tests that compare with it). */
export function originalWasmSumKernel(): KernelFunc | undefined {
  return replacement.previousKernel(tf.Sum);
}

function sumKernel(args: KernelArgs, original: KernelFunc): tf.TensorInfo {
  const x = args.inputs['x'] as tf.TensorInfo;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(args.attrs!['axis'] as number | number[], x.shape);
  // Axes listed as 0, 1, .., k-1 in that order (the original sums in the listed order).
  const leading = axes.length < rank && axes.every((a, i) => a === i);
  if (x.dtype !== 'float32' || !leading || tf.util.sizeFromShape(x.shape) === 0) {
    return original(args as never) as tf.TensorInfo;
  }
  const backend = args.backend as WasmBackend;
  const keptShape = x.shape.slice(axes.length);
  const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length));
  const columns = tf.util.sizeFromShape(keptShape);
  const keepDims = args.attrs!['keepDims'] === true;
  const out = backend.makeOutput(keptShape, 'float32');
  const kernels = wasmKernels(backend);
  if (kernels !== undefined) {
    // SIMD column sums in vaekit's kernels module (the same float32 additions, in the same order).
    kernels.exports.vk_sum_rows(kernels.offset(x), kernels.offset(out), rows, columns);
  } else {
    // Views after the output is allocated (allocation may grow the heap and detach old views).
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    const acc = new Float32Array(columns);
    for (let r = 0; r < rows; r++) {
      const offset = r * columns;
      for (let j = 0; j < columns; j++) acc[j] = Math.fround(acc[j]! + src[offset + j]!);
    }
    dst.set(acc);
  }
  if (keepDims) out.shape = x.shape.map((n, i) => (i < axes.length ? 1 : n));
  return out;
}
