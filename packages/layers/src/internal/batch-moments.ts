import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { check } from './validate';

/**
 * Batch mean and biased variance of `x` over every axis but the last (as Keras batch norm), after
 * checking that the batch holds at least two rows: a batch of one has no spread to normalise.
 */
export function batchMoments(
  x: tf.Tensor,
  layer: string,
): { mean: tf.Tensor; variance: tf.Tensor } {
  const rows = x.size / x.shape[x.rank - 1]!;
  check(
    rows >= 2,
    `${layer} in training mode: the batch`,
    'at least 2 rows (batch statistics of one row are degenerate; call with training: false to use the running statistics)',
    `shape [${x.shape.join(', ')}]`,
  );
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  return tf.moments(x, axes);
}

/** `moving <- momentum * moving + (1 - momentum) * value`, as Keras batch norm does. */
export function updateMovingAverage(
  variable: tfl.LayerVariable,
  value: tf.Tensor,
  momentum: number,
): void {
  tf.tidy(() => {
    const old = variable.read();
    variable.write(tf.add(tf.mul(old, momentum), tf.mul(value, 1 - momentum)));
  });
}
