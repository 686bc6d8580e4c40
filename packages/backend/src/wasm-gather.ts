import * as tf from '@tensorflow/tfjs-core';
import {
  type KernelArgs,
  type KernelFunc,
  type WasmBackend,
  WasmKernelReplacement,
} from './wasm-kernel-replacement';

const replacement = new WasmKernelReplacement('gather-rows', {
  [tf.GatherV2]: (previous) => (args) => gatherKernel(args, previous),
});

/**
 * Work around the slow `GatherV2` kernel of `@tensorflow/tfjs-backend-wasm` 4.x.
 *
 * The wasm kernel computes every output element's source address from strides, one element at a
 * time: gathering 640 rows of a `[5000, 256]` embedding table (an LSTM text VAE's token lookup)
 * takes about 10-20 ms, where copying the rows takes well under one. Token embeddings gather on
 * every forward pass.
 *
 * This replaces the kernel by one that copies each gathered slice (the trailing axes after the
 * gather axis) as one contiguous run, from a view of the wasm heap. It copies the same elements
 * to the same places, so outputs are bit-identical to the original kernel's, and it checks
 * indices the same way (an index outside `[0, dim - 1]` throws). String tensors go to the
 * original kernel.
 *
 * Idempotent; a no-op when the wasm backend is not registered.
 *
 * @returns the kernel names that were replaced by this call (empty when already replaced).
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmGatherFix(); // ['GatherV2']
 * ```
 */
export function registerWasmGatherFix(): string[] {
  return replacement.register();
}

/** Whether {@link registerWasmGatherFix} has replaced the wasm `GatherV2` kernel in this process. */
export function isWasmGatherFixRegistered(): boolean {
  return replacement.active;
}

/** The wasm kernel that {@link registerWasmGatherFix} replaced (for tests that compare with it). */
export function originalWasmGatherKernel(): KernelFunc | undefined {
  return replacement.previousKernel(tf.GatherV2);
}

function gatherKernel(args: KernelArgs, original: KernelFunc): tf.TensorInfo {
  const x = args.inputs['x'] as tf.TensorInfo;
  const indices = args.inputs['indices'] as tf.TensorInfo;
  const batchDims = (args.attrs!['batchDims'] as number | undefined) ?? 0;
  // batchDims > 0: the original kernel (whose results then differ from the cpu backend's when
  // axes lie between the batch axes and the gather axis: left as it is, not ours to change).
  if (x.dtype === 'string' || batchDims !== 0) return original(args as never) as tf.TensorInfo;
  const backend = args.backend as WasmBackend;
  const axis = tf.util.parseAxisParam(args.attrs!['axis'] as number, x.shape)[0]!;
  const dim = x.shape[axis]!;
  const ids = backend.typedArrayFromHeap(indices);
  for (let i = 0; i < ids.length; ++i) {
    const index = ids[i]!;
    tf.util.assert(
      index <= dim - 1 && index >= 0,
      () => `GatherV2: the index value ${index} is not in [0, ${dim - 1}]`,
    );
  }
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(
    x as tf.Tensor,
    indices as tf.Tensor,
    axis,
    batchDims,
  );
  const { batchSize, outerSize, dimSize, sliceSize } = info;
  const perBatch = indices.shape.reduce((a, b) => a * b, 1) / batchSize;
  const out = backend.makeOutput(info.outputShape, x.dtype);
  if (tf.util.sizeFromShape(x.shape) === 0 || tf.util.sizeFromShape(info.outputShape) === 0)
    return out;
  // Views after the output is allocated (allocation may grow the heap and detach old views).
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const idx = backend.typedArrayFromHeap(indices);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let outer = 0; outer < outerSize; outer++) {
      const base = (b * outerSize + outer) * dimSize * sliceSize;
      for (let i = 0; i < perBatch; i++) {
        const from = base + idx[b * perBatch + i]! * sliceSize;
        if (sliceSize === 1) dst[o] = src[from]!;
        else dst.set(src.subarray(from, from + sliceSize), o);
        o += sliceSize;
      }
    }
  }
  return out;
}
