import type * as tf from '@tensorflow/tfjs-core';
import { seededTensor } from './bits';

/** A matmul operand: seeded values uniform in [-3, 3). */
export function gemmOperand(shape: number[], seed: number): tf.Tensor {
  return seededTensor(shape, seed, { float: (u) => (u() * 2 - 1) * 3 });
}

/**
 * Products `[m, k, n]` for the GEMM tests: single elements, sizes below, at and above the 4x8
 * tile, an L2-sized block of rows, and an empty inner dimension.
 */
export const GEMM_SHAPES: readonly [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 8],
  [5, 9, 17],
  [37, 300, 45],
  [128, 784, 64],
  [13, 0, 6],
];

/** The operands of `A B` (each 2-D, stored transposed when asked) read as `A[i][p]`, `B[p][j]`. */
export interface ProductOperands {
  m: number;
  k: number;
  n: number;
  left(i: number, p: number): number;
  right(p: number, j: number): number;
}

/** `a` and `b` read as the factors of `op(a) op(b)`, for reference products in plain JS. */
export function productOperands(
  a: tf.Tensor,
  b: tf.Tensor,
  transposeA: boolean,
  transposeB: boolean,
): ProductOperands {
  const [ra, ca] = a.shape as [number, number];
  const [rb, cb] = b.shape as [number, number];
  const m = transposeA ? ca : ra;
  const k = transposeA ? ra : ca;
  const n = transposeB ? rb : cb;
  const A = a.dataSync();
  const B = b.dataSync();
  return {
    m,
    k,
    n,
    left: (i, p) => (transposeA ? A[p * m + i]! : A[i * k + p]!),
    right: (p, j) => (transposeB ? B[j * k + p]! : B[p * n + j]!),
  };
}
