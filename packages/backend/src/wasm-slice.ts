import * as tf from '@tensorflow/tfjs-core';
import {
  type KernelArgs,
  type KernelFunc,
  type WasmBackend,
  WasmKernelReplacement,
} from './wasm-kernel-replacement';

const replacement = new WasmKernelReplacement('slice-from-heap', {
  [tf.Slice]: (previous) => (args) => sliceKernel(args, previous),
  [tf.Unpack]: (previous) => (args) => unpackKernel(args, previous),
  [tf.SplitV]: (previous) => (args) => splitVKernel(args, previous),
});

/**
 * Work around the quadratic slicing of `@tensorflow/tfjs-backend-wasm` 4.x.
 *
 * The wasm `Slice` kernel, which `Unpack` (`tf.unstack`) and `SplitV` (`tf.split`) call for each
 * of their outputs, reads its input with `readSync`: a copy of the WHOLE input out of the wasm
 * heap, for every slice. Unstacking a `[T, B, H]` tensor into its `T` steps so moves `T` times
 * the tensor (O(T^2)); an LSTM unstacks its inputs and gradients every step of training.
 *
 * This replaces the three kernels by ones that copy the same elements, in the same order,
 * straight from a view of the heap: the outputs are bit-identical to the original kernels'
 * (a slice copies values, no arithmetic), at the cost of the output alone. String tensors go to
 * the original kernels.
 *
 * Idempotent; a no-op when the wasm backend is not registered.
 *
 * @returns the kernel names that were replaced by this call (empty when already replaced).
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * await tf.setBackend('wasm');
 * registerWasmSliceFix(); // ['Slice', 'Unpack', 'SplitV']
 * ```
 */
export function registerWasmSliceFix(): string[] {
  return replacement.register();
}

/** Whether {@link registerWasmSliceFix} has replaced the wasm slicing kernels in this process. */
export function isWasmSliceFixRegistered(): boolean {
  return replacement.active;
}

/** The wasm kernel that {@link registerWasmSliceFix} replaced (for tests that compare with it). */
export function originalWasmSliceKernel(kernelName: string): KernelFunc | undefined {
  return replacement.previousKernel(kernelName);
}

/**
 * `x[begin : begin + size]` into a new wasm tensor, copied from the heap. The source view is
 * taken after the output is allocated: allocation may grow the heap, which detaches old views.
 */
function sliceFromHeap(
  x: tf.TensorInfo,
  begin: number[],
  size: number[],
  backend: WasmBackend,
): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const total = tf.util.sizeFromShape(size);
  if (total === 0) return out;
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const offset = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(offset, offset + total));
    return out;
  }
  // Row-major order over the output: contiguous runs along the last axis.
  const rank = x.shape.length;
  const run = size[rank - 1]!;
  const outer = total / run;
  const index = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < outer; r++) {
    let offset = begin[rank - 1]!;
    for (let a = 0; a < rank - 1; a++) offset += (begin[a]! + index[a]!) * strides[a]!;
    dst.set(src.subarray(offset, offset + run), r * run);
    for (let a = rank - 2; a >= 0; a--) {
      index[a]!++;
      if (index[a]! < size[a]!) break;
      index[a] = 0;
    }
  }
  return out;
}

function sliceKernel(args: KernelArgs, original: KernelFunc): tf.TensorInfo {
  const x = args.inputs['x'] as tf.TensorInfo;
  if (x.dtype === 'string') return original(args as never) as tf.TensorInfo;
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as tf.Tensor,
    args.attrs!['begin'] as number | number[],
    args.attrs!['size'] as number | number[],
  );
  return sliceFromHeap(x, begin, size, args.backend as WasmBackend);
}

function unpackKernel(args: KernelArgs, original: KernelFunc): tf.TensorInfo[] {
  const value = args.inputs['value'] as tf.TensorInfo;
  if (value.dtype === 'string') return original(args as never) as tf.TensorInfo[];
  const rank = value.shape.length;
  let axis = args.attrs!['axis'] as number;
  if (axis < 0) axis += rank;
  const size = value.shape.slice();
  size[axis] = 1;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const outputs: tf.TensorInfo[] = [];
  for (let i = 0; i < value.shape[axis]!; i++) {
    const begin = new Array<number>(rank).fill(0);
    begin[axis] = i;
    const { dataId, dtype } = sliceFromHeap(value, begin, size, args.backend as WasmBackend);
    outputs.push({ dataId, dtype, shape: outShape });
  }
  return outputs;
}

function splitVKernel(args: KernelArgs, original: KernelFunc): tf.TensorInfo[] {
  const x = args.inputs['x'] as tf.TensorInfo;
  if (x.dtype === 'string') return original(args as never) as tf.TensorInfo[];
  const axis = tf.util.parseAxisParam(args.attrs!['axis'] as number, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(
    x as tf.Tensor,
    args.attrs!['numOrSizeSplits'] as number | number[],
    axis,
  );
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis] = s;
    const out = sliceFromHeap(x, begin.slice(), size, args.backend as WasmBackend);
    begin[axis]! += s;
    return out;
  });
}
