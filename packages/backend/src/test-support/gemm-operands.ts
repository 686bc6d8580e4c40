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
