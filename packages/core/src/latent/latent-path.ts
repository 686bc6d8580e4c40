import * as tf from '@tensorflow/tfjs-core';

/**
 * `steps` evenly spaced points from latent `a` to latent `b` (both `[d]`), ends included:
 * linear `(1-t) a + t b` for Euclidean latents, or for latents on the unit sphere the
 * great-circle path `slerp(a, b; t) = sin((1-t) w)/sin w a + sin(t w)/sin w b`, `w` the angle
 * between them (Shoemake 1985, "Animating rotation with quaternion curves"), which stays on
 * the sphere. Nearly parallel ends (`w < 1e-6`) fall back to the linear path.
 *
 * @param spherical the latents live on the sphere (vMF, Power Spherical): use slerp.
 * @returns `[steps, d]`.
 * @example
 * ```ts
 * latentPath(tf.tensor1d([1, 0]), tf.tensor1d([0, 1]), 3, true); // [[1, 0], [0.707, 0.707], [0, 1]]
 * ```
 */
export function latentPath(
  a: tf.Tensor1D,
  b: tf.Tensor1D,
  steps: number,
  spherical: boolean,
): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 2) {
    throw new Error(`steps must be an integer >= 2, got ${steps}`);
  }
  if (a.rank !== 1 || b.rank !== 1 || a.shape[0] !== b.shape[0]) {
    throw new Error(
      `a and b must be latents of one dimension, got shapes [${a.shape}] and [${b.shape}]`,
    );
  }
  return tf.tidy(() => {
    const t = tf.reshape(tf.linspace(0, 1, steps), [steps, 1]);
    const linear = () => tf.add(tf.mul(tf.sub(1, t), a), tf.mul(t, b)) as tf.Tensor2D;
    if (!spherical) return linear();
    const cos = Math.min(1, Math.max(-1, tf.sum(tf.mul(a, b)).dataSync()[0]!));
    const omega = Math.acos(cos);
    if (omega < 1e-6) return linear();
    const wa = tf.div(tf.sin(tf.mul(tf.sub(1, t), omega)), Math.sin(omega));
    const wb = tf.div(tf.sin(tf.mul(t, omega)), Math.sin(omega));
    return tf.add(tf.mul(wa, a), tf.mul(wb, b)) as tf.Tensor2D;
  });
}
