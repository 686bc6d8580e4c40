import * as tf from '@tensorflow/tfjs-core';

/**
 * One draw per row from `softmax(logits / temperature)` (`logits` `[M, V]`) by the Gumbel-max
 * trick, `argmax_v (logits_v / temperature - log(-log u_v))`, `u ~ U(0, 1)`: int32 ids `[M]`.
 * (tf.multinomial is not used: with a seed, the cpu backend restarts its generator for every
 * row, so all rows of a batch would share one uniform draw.)
 *
 * Reference: Gumbel 1954; Maddison, Tarlow & Minka 2014, "A* Sampling".
 */
export function gumbelMax(
  logits: tf.Tensor2D,
  temperature: number,
  seed: number | undefined,
): tf.Tensor1D {
  return tf.tidy(() => {
    const u = tf.randomUniform(logits.shape, 0, 1, 'float32', seed);
    const perturbed = tf.sub(tf.div(logits, temperature), tf.log(tf.neg(tf.log(u))));
    return tf.cast(tf.argMax(perturbed, 1), 'int32') as tf.Tensor1D;
  });
}
