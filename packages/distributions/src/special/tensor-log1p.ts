/**
 * `log(1 + u)` on float32 tensors with full relative accuracy for small `u`. `tf.log1p` is not
 * enough: the wasm backend evaluates it as `log(1 + u)`, which returns 0 for `|u| < 6e-8`.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * `log(1 + u)` for `u > -1` by Kahan's trick: with `w = fl(1 + u)`, `log(w) * u / (w - 1)` is
 * accurate to a few ulps (the rounding of `1 + u` cancels between `log(w)` and `w - 1`), and
 * `w = 1` means `log(1 + u) = u` to working precision (Goldberg 1991, Theorem 4). Internal.
 */
export function log1pF32(u: tf.Tensor): tf.Tensor {
  const w = tf.add(u, 1);
  const wMinusOne = tf.sub(w, 1);
  const rounded = tf.equal(wMinusOne, 0);
  const safeDenominator = tf.where(rounded, tf.onesLike(wMinusOne), wMinusOne);
  return tf.where(rounded, u, tf.mul(tf.log(w), tf.div(u, safeDenominator)));
}
