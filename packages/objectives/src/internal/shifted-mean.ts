import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '@vaekit/distributions/internal';

/**
 * `mean(x, axis)` computed as `m + mean(x - m)` with `m` the (stop-gradient) maximum along
 * `axis`: float32 sums of thousands of values around -1e4 lose digits (the wasm backend
 * accumulates in float32), sums of their deviations do not. Same value and gradient as
 * `tf.mean`; a non-finite maximum falls back to a shift of 0.
 */
export function shiftedMean(x: tf.Tensor, axis: number): tf.Tensor {
  const rawMax = stopGradient(tf.max(x, axis, true));
  const shift = tf.where(tf.isFinite(rawMax), rawMax, tf.zerosLike(rawMax));
  return tf.add(tf.mean(tf.sub(x, shift), axis), tf.squeeze(shift, [axis]));
}
