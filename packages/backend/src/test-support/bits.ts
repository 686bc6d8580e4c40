/** Helpers shared by this package's tests (not part of the published API). */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Whether this test run is on the wasm backend (`VAEKIT_TEST_BACKEND`, which the set-up
 * activates), known when tests are collected: `it.runIf(onWasm)` for wasm-only tests, which then
 * report as skipped on cpu.
 */
export const onWasm = process.env.VAEKIT_TEST_BACKEND === 'wasm';

/** A small seeded uniform generator on [0, 1) (Mulberry32), for reproducible test inputs. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@link seededTensor}. */
export interface SeededTensorOptions {
  dtype?: 'float32' | 'int32' | 'bool';
  /** Element `i` of a float32 tensor, drawing from `u` (default: uniform on [-1, 1)). */
  float?: (u: () => number, i: number) => number;
}

/**
 * A tensor of seeded random values, one draw per element in order: bool 0/1, int32 uniform in
 * [-1e9, 1e9), float32 from `options.float`.
 */
export function seededTensor(
  shape: number[],
  seed: number,
  { dtype = 'float32', float = (u) => u() * 2 - 1 }: SeededTensorOptions = {},
): tf.Tensor {
  const u = mulberry32(seed);
  const length = shape.reduce((a, b) => a * b, 1);
  if (dtype === 'bool') {
    return tf.tensor(
      Uint8Array.from({ length }, () => (u() < 0.5 ? 1 : 0)),
      shape,
      'bool',
    );
  }
  if (dtype === 'int32') {
    return tf.tensor(
      Int32Array.from({ length }, () => Math.floor(u() * 2e9 - 1e9)),
      shape,
      'int32',
    );
  }
  return tf.tensor(
    Float32Array.from({ length }, (_, i) => float(u, i)),
    shape,
  );
}

/**
 * Run a kernel function directly on the active backend (a replaced kernel, to compare with its
 * replacement): its outputs as tensors. Throws when there is no such kernel.
 */
export function runKernel(
  kernelName: string,
  kernel: tf.KernelConfig['kernelFunc'] | undefined,
  inputs: Record<string, tf.Tensor | null>,
  attrs: Record<string, unknown>,
): tf.Tensor[] {
  if (kernel === undefined) throw new Error(`${kernelName} was not replaced`);
  const out = kernel({
    inputs: inputs as tf.NamedTensorInfoMap,
    attrs: attrs as tf.NamedAttrMap,
    backend: tf.backend(),
  });
  const infos = (Array.isArray(out) ? out : [out]) as tf.TensorInfo[];
  return infos.map((info) => tf.engine().makeTensorFromTensorInfo(info));
}

/** A tensor's values as raw bytes. */
export function tensorBytes(t: tf.Tensor): Buffer {
  const x = t.dataSync() as Float32Array;
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength);
}

/** Bit-for-bit equality of two tensors (so NaN equals NaN and -0 differs from 0). */
export function expectBitIdentical(actual: tf.Tensor, expected: tf.Tensor): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toBe(expected.dtype);
  expect(Buffer.compare(tensorBytes(actual), tensorBytes(expected))).toBe(0);
}

const ulpF32 = new Float32Array(1);
const ulpI32 = new Int32Array(ulpF32.buffer);

/** A float32 as an integer that counts float32 values: adjacent same-sign floats differ by 1. */
function ordinal(v: number): number {
  ulpF32[0] = v;
  return ulpI32[0]!;
}

/**
 * How many float32 values lie between `got` and `Math.fround(exact)` (both of one sign, or
 * zero): 0 when `got` is the exactly rounded value. Equal infinities and NaNs count as 0.
 */
export function ulpDistance(got: number, exact: number): number {
  const want = Math.fround(exact);
  if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)) || got === want) return 0;
  return Math.abs(ordinal(got) - ordinal(want));
}

/**
 * The float32 values of a unary elementwise kernel on `xs`: the registered one, or with
 * `replaced`, that kernel function (the tfjs kernel a fix replaced; throws when there is none).
 */
export function unaryValues(
  kernelName: string,
  xs: Float32Array,
  replaced?: { kernel: tf.KernelConfig['kernelFunc'] | undefined },
): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor1d(xs);
    const y =
      replaced === undefined
        ? (tf.engine().runKernel(kernelName, { x }) as tf.Tensor)
        : runKernel(kernelName, replaced.kernel, { x }, {})[0]!;
    return y.dataSync() as Float32Array;
  });
}

/** For each x: {@link ulpDistance} of `ys[i]` from `exact(xs[i])`. */
export function ulpErrors(
  xs: Float32Array,
  ys: Float32Array,
  exact: (x: number) => number,
): Int32Array {
  const out = new Int32Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = ulpDistance(ys[i]!, exact(xs[i]!));
  return out;
}
