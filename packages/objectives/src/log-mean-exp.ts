import * as tf from '@tensorflow/tfjs-core';
import { check } from './internal/validate';
import { stopGradient } from '@vaekit/distributions/internal';

/**
 * Numerically stable `log(mean(exp(x)))` along `axis` (default 0, the sample axis of `[K, B]`
 * log-weights): the one core every importance-weighted bound in this package shares.
 *
 * Mathematical details:
 * ```
 * logMeanExp(x) = m + log( (1/K) sum_k exp(x_k - m) ),   m = max_k x_k
 * ```
 * The shift `m` sits behind a stop-gradient (the result does not depend on it), so the gradient
 * is the softmax of `x` along `axis` divided by nothing else: `d/dx_k = exp(x_k) / sum_j exp(x_j)`.
 * Entries of `-Infinity` (zero weights) are allowed; if all are, the result is `-Infinity` and
 * the gradient 0 (a set of impossible samples gives no gradient; computing `log` of the zero mean
 * directly would give `Infinity * exp(-Infinity) = NaN`, so the zero mean is replaced by 1 before
 * the `log` and the value selected as `-Infinity`).
 * Stable for inputs of any magnitude that float32 can hold (e.g. log-weights around -1e4) and
 * for thousands of terms.
 *
 * Reference: Burda, Grosse & Salakhutdinov 2015, "Importance Weighted Autoencoders" (the IWAE
 * bound is `logMeanExp` of the log-weights).
 *
 * @param x the values, any rank >= 1.
 * @param axis the axis to reduce (negative counts from the end); default 0.
 * @returns `x`'s shape without `axis`.
 * @example
 * ```ts
 * logMeanExp(tf.tensor2d([[-1e4], [-1e4 + Math.log(3)]])).arraySync(); // [-9999.3069] = -1e4 + log 2
 * ```
 */
export function logMeanExp(x: tf.Tensor, axis = 0): tf.Tensor {
  check(x.rank >= 1, 'x', 'a tensor of rank >= 1', `shape [${x.shape.join(', ')}]`);
  check(
    Number.isInteger(axis) && axis >= -x.rank && axis < x.rank,
    'axis',
    `an integer in [${-x.rank}, ${x.rank - 1}] for a rank-${x.rank} tensor`,
    axis,
  );
  return tf.tidy(() => {
    const rawMax = stopGradient(tf.max(x, axis, true));
    // A shift of -Infinity (every entry is -Infinity) or NaN would poison x - m: use 0 there.
    const shift = tf.where(tf.isFinite(rawMax), rawMax, tf.zerosLike(rawMax));
    const meanExp = tf.mean(tf.exp(tf.sub(x, shift)), axis);
    // meanExp is 0 only when every entry is -Infinity (else the maximum contributes exp(0) = 1).
    // There, d log(meanExp) = 1/0 times d exp = 0 would be NaN: take the log of 1 instead (the
    // where sends 0 back through it) and select -Infinity. Elsewhere the value is bit-identical.
    // (0 >= meanExp, not equal(meanExp, 0): Equal has no gradient in tfjs, GreaterEqual a zero one.)
    const empty = tf.greaterEqual(0, meanExp);
    const logMean = tf.where(
      empty,
      tf.fill(meanExp.shape, Number.NEGATIVE_INFINITY),
      tf.log(tf.where(empty, tf.onesLike(meanExp), meanExp)),
    );
    return tf.add(logMean, tf.squeeze(shift, [axis < 0 ? axis + x.rank : axis]));
  });
}
