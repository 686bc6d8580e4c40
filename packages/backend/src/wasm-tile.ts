import * as tf from '@tensorflow/tfjs-core';
import {
  type KernelArgs,
  type KernelFunc,
  type WasmBackend,
  WasmKernelReplacement,
} from './wasm-kernel-replacement';

const replacement = new WasmKernelReplacement('tile-rows', {
  [tf.Tile]: (previous) => (args) => tileKernel(args, previous),
});

/**
 * Work around the slow `Tile` kernel of `@tensorflow/tfjs-backend-wasm` 4.x.
 *
 * The wasm kernel maps every output element back to its input element with index arithmetic,
 * one element at a time: tiling a `[128, 784]` batch 50 times (`tf.tile(x, [50, 1])`, what an
 * importance-weighted bound with K = 50 does to score each draw against its image) takes
 * hundreds of milliseconds, longer than the decoder's matmuls.
 *
 * This replaces the kernel by one that copies whole rows (the input's innermost axis), each
 * repeated along that axis, from a view of the wasm heap: the same elements in the same places,
 * so outputs are bit-identical to the original kernel's. String tensors go to the original.
 *
 * Idempotent; a no-op when the wasm backend is not registered.
 *
 * @returns the kernel names that were replaced by this call (empty when already replaced).
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmTileFix(); // ['Tile']
 * ```
 */
export function registerWasmTileFix(): string[] {
  return replacement.register();
}

/** Whether {@link registerWasmTileFix} has replaced the wasm `Tile` kernel in this process. */
export function isWasmTileFixRegistered(): boolean {
  return replacement.active;
}

/** The wasm kernel that {@link registerWasmTileFix} replaced (for tests that compare with it). */
export function originalWasmTileKernel(): KernelFunc | undefined {
  return replacement.previousKernel(tf.Tile);
}

function tileKernel(args: KernelArgs, original: KernelFunc): tf.TensorInfo {
  const x = args.inputs['x'] as tf.TensorInfo;
  if (x.dtype === 'string') return original(args as never) as tf.TensorInfo;
  const backend = args.backend as WasmBackend;
  const reps = args.attrs!['reps'] as number[];
  const rank = x.shape.length;
  const outShape = x.shape.map((n, i) => n * reps[i]!);
  const out = backend.makeOutput(outShape, x.dtype);
  const total = tf.util.sizeFromShape(outShape);
  if (total === 0) return out;
  // Views after the output is allocated (allocation may grow the heap and detach old views).
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  if (rank === 0) {
    dst[0] = src[0]!;
    return out;
  }
  const rowLength = x.shape[rank - 1]!;
  const rowReps = reps[rank - 1]!;
  const strides = tf.util.computeStrides(x.shape);
  const rows = total / (rowLength * rowReps);
  // Output row r (over axes 0 .. rank-2, row-major) comes from input row (r_i mod shape_i)_i.
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let o = 0;
  for (let r = 0; r < rows; r++) {
    let from = 0;
    for (let a = 0; a < rank - 1; a++) from += (index[a]! % x.shape[a]!) * strides[a]!;
    const row = src.subarray(from, from + rowLength);
    for (let k = 0; k < rowReps; k++) {
      dst.set(row, o);
      o += rowLength;
    }
    for (let a = rank - 2; a >= 0; a--) {
      index[a]!++;
      if (index[a]! < outShape[a]!) break;
      index[a] = 0;
    }
  }
  return out;
}
