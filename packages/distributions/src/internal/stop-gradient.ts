import * as tf from '@tensorflow/tfjs-core';

const identityWithZeroGradient = tf.customGrad(((input: tf.Tensor) => ({
  value: tf.clone(input),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * Identity in the forward pass, zero gradient in the backward pass (TensorFlow's
 * `tf.stop_gradient`, which tfjs lacks): `d stopGradient(x) / dx = 0`.
 *
 * @example
 * ```ts
 * tf.grad((x) => tf.sum(tf.mul(stopGradient(x), x)))(tf.tensor([3])); // [3], not [6]
 * ```
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return identityWithZeroGradient(x) as T;
}
