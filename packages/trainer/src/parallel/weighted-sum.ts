import * as tf from '@tensorflow/tfjs-core';

/**
 * One variable's data-parallel gradient: the size-weighted sum of its shards' gradients,
 *
 * ```
 * g = sum_i w_i g_i,   w_i = b_i / B   (b_i examples in shard i, B in the batch)
 * ```
 * as float32 operations in this order: `g_0 w_0`, then `+ g_i w_i` for i = 1, 2, ... Shards
 * whose loss does not reach the variable (`null`) are left out; shard 0 must have a gradient.
 * Every thread that sums the same float32 values with this function gets the same bits, which
 * keeps the replicas of a replicated optimizer equal. The caller owns the result; the parts are
 * not disposed.
 *
 * Reference: the synchronous data parallelism of Dean et al. 2012, "Large Scale Distributed Deep
 * Networks".
 *
 * @example
 * ```ts
 * weightedSum([g0, g1], [0.5, 0.5]); // (g0 + g1) / 2, rounded as g0 * 0.5 + g1 * 0.5
 * ```
 */
export function weightedSum(parts: (tf.Tensor | null)[], weights: number[]): tf.Tensor {
  const [first, ...rest] = parts;
  if (first === null || first === undefined) {
    throw new Error('weightedSum: shard 0 must have a gradient');
  }
  return tf.tidy(() => {
    let sum = tf.mul(first, weights[0]!);
    for (const [i, part] of rest.entries()) {
      if (part !== null) sum = tf.add(sum, tf.mul(part, weights[i + 1]!));
    }
    return sum;
  });
}

/** Shard weights `b_i / B` of {@link weightedSum} from the shard sizes. */
export function shardWeights(sizes: number[]): number[] {
  const total = sizes.reduce((a, s) => a + s, 0);
  return sizes.map((s) => s / total);
}
