import * as tf from '@tensorflow/tfjs-core';
import { type KernelArgs, type KernelFunc, WasmKernelReplacement } from './wasm-kernel-replacement';
import {
  type FmaGemmExports,
  type WasmBackendInternals,
  type WasmKernels,
  wasmKernels,
} from './wasm-kernels';

const replacement = new WasmKernelReplacement('simd-gemm', {
  [tf.BatchMatMul]: (previous) => gemmKernel(previous, false),
  [tf._FusedMatMul]: (previous) => gemmKernel(previous, true),
});

/**
 * Replace the wasm `BatchMatMul` and `_FusedMatMul` kernels by vaekit's own SIMD GEMM
 * (`vk_matmul` in wasm/kernels.c), bit-identical to tfjs's and 1.3-2.8x faster.
 *
 * tfjs-backend-wasm 4.x multiplies with XNNPACK, which (1) has no transposed-operand path (tfjs
 * falls back to a naive loop; {@link registerWasmMatMulFix} transposes explicitly instead, and the
 * wasm `Transpose` of a `[512, 784]` matrix alone takes 2.7 ms), (2) packs the right operand into
 * a new cached operator whenever its tensor is new (every training step: weights change), and (3)
 * runs batched products (rank 3+) in a naive loop that adds the bias once per block of 48.
 *
 * `vk_matmul` reads both operands in place in either layout (no transposes), packs the right
 * operand into 8-column panels and the left one in L2-sized blocks of rows, and computes 4x8
 * output tiles with 128-bit SIMD (about 50 GFLOP/s on one core here). Every output is
 * summed in XNNPACK's order (`acc = bias; acc += a_k * b_k` for k = 0..K-1, float32 multiply then
 * float32 add), so products are bit-identical to the original kernel's for every layout
 * (tested on random shapes); batched products equal the original applied to each matrix.
 *
 * Measured (`bench/gemm.ts`, new weights each call as in training): 128x784 by 784x512 5.5 ->
 * 2.0 ms; its transposed-operand forms 5.7 -> 2.3 ms and 3.8 -> 2.1 ms; 6400x512 by 512x784
 * (IWAE, K = 50) 129 -> 99 ms; the weight gradient 512x6400 by 6400x784 232 -> 115 ms.
 *
 * Used for float32 operands, linear/relu/relu6 activations and a bias of N values, when each
 * operand's batch is 1 or the output's; anything else goes to the kernel it replaced. Idempotent;
 * a no-op when the wasm backend is not registered or the kernels cannot be instantiated.
 *
 * @returns the kernel names replaced by this call (empty when already replaced).
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * registerWasmGemmFix(); // ['BatchMatMul', '_FusedMatMul']
 * ```
 */
export function registerWasmGemmFix(): string[] {
  return replacement.register();
}

/** Whether {@link registerWasmGemmFix} has replaced the wasm matmul kernels in this process. */
export function isWasmGemmFixRegistered(): boolean {
  return replacement.active;
}

/** The kernel that {@link registerWasmGemmFix} replaced (for tests that compare with it). */
export function previousWasmGemmKernel(kernelName: string): KernelFunc | undefined {
  return replacement.previousKernel(kernelName);
}

/**
 * A `BatchMatMul` (or, `fused`, `_FusedMatMul`) kernel that computes the products it handles with
 * `vk_matmul` of the build `kernelsFor` gives for the backend, and hands the rest (and everything,
 * where that build cannot run) to `previous`.
 */
export function gemmKernel(
  previous: KernelFunc,
  fused: boolean,
  kernelsFor: (backend: unknown) => WasmKernels<FmaGemmExports> | undefined = wasmKernels,
): (args: KernelArgs) => unknown {
  return (args: KernelArgs) => {
    const product = planProduct(args, fused);
    const kernels = product === undefined ? undefined : kernelsFor(args.backend);
    if (product === undefined || kernels === undefined) return previous(args);
    const backend = args.backend as WasmBackendInternals;
    const { a, b, bias, m, k, n, batch, batchA, batchB, lo, hi, clamp } = product;
    const out = backend.makeOutput(product.outShape, 'float32');
    if (batch * m * n === 0) return out;
    const scratch = kernels.scratch(kernels.exports.vk_matmul_scratch_floats(m, k, n) * 4);
    const aOffset = kernels.offset(a);
    const bOffset = kernels.offset(b);
    const biasOffset = bias === undefined ? 0 : kernels.offset(bias);
    const outOffset = kernels.offset(out);
    for (let i = 0; i < batch; i++) {
      kernels.exports.vk_matmul(
        aOffset + (batchA === 1 ? 0 : i * m * k * 4),
        bOffset + (batchB === 1 ? 0 : i * k * n * 4),
        biasOffset,
        outOffset + i * m * n * 4,
        scratch,
        m,
        k,
        n,
        product.transposeA ? 1 : 0,
        product.transposeB ? 1 : 0,
        lo,
        hi,
        clamp ? 1 : 0,
      );
    }
    return out;
  };
}

interface Product {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  bias: tf.TensorInfo | undefined;
  transposeA: boolean;
  transposeB: boolean;
  m: number;
  k: number;
  n: number;
  batch: number;
  batchA: number;
  batchB: number;
  outShape: number[];
  lo: number;
  hi: number;
  clamp: boolean;
}

/** The product to compute, or `undefined` when it is one for the replaced kernel. */
function planProduct(args: KernelArgs, fused: boolean): Product | undefined {
  const a = args.inputs['a'] as tf.TensorInfo | undefined;
  const b = args.inputs['b'] as tf.TensorInfo | undefined;
  if (a === undefined || b === undefined) return undefined;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (a.shape.length < 2 || b.shape.length < 2) return undefined;
  const attrs = (args.attrs ?? {}) as {
    transposeA?: boolean;
    transposeB?: boolean;
    activation?: string;
  };
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (k !== kb) return undefined;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  let outer: number[];
  try {
    outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return undefined;
  }
  const batch = tf.util.sizeFromShape(outer);
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  if ((batchA !== 1 && batchA !== batch) || (batchB !== 1 && batchB !== batch)) return undefined;

  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  let clamp = false;
  let bias: tf.TensorInfo | undefined;
  if (fused) {
    if (args.inputs['preluActivationWeights'] != null) return undefined;
    const activation = attrs.activation ?? 'linear';
    if (activation === 'relu') {
      lo = 0;
      clamp = true;
    } else if (activation === 'relu6') {
      lo = 0;
      hi = 6;
      clamp = true;
    } else if (activation !== 'linear') {
      return undefined;
    }
    bias = (args.inputs['bias'] as tf.TensorInfo | null | undefined) ?? undefined;
    if (bias !== undefined) {
      const shape = bias.shape;
      const perColumn =
        bias.dtype === 'float32' &&
        tf.util.sizeFromShape(shape) === n &&
        (shape.length === 0 ? n === 1 : shape[shape.length - 1] === n) &&
        shape.length <= outer.length + 2;
      if (!perColumn) return undefined;
    }
  }
  return {
    a,
    b,
    bias,
    transposeA,
    transposeB,
    m,
    k,
    n,
    batch,
    batchA,
    batchB,
    outShape: [...outer, m, n],
    lo,
    hi,
    clamp,
  };
}
