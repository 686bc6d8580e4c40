import * as tf from '@tensorflow/tfjs-core';
import { DiagonalNormal, type Distribution } from '@vaekit/distributions';

/**
 * `KL(q(z|x) || p(z))` per latent dimension, shape `[B, d]`, for a factorised pair: a diagonal
 * Gaussian posterior against a diagonal Gaussian prior (`StandardNormal` included). Summing the
 * last axis gives `klDivergence(q, p)`. This is what {@link freeBitsKL} needs.
 *
 * Mathematical details:
 * ```
 * KL_j = log(s2_j / s1_j) + (s1_j^2 + (m1_j - m2_j)^2) / (2 s2_j^2) - 1/2
 *      = 1/2 (mu_j^2 + sigma_j^2 - log sigma_j^2 - 1)      against N(0, 1)
 * ```
 * Reference: Kingma & Welling 2014, "Auto-Encoding Variational Bayes", appendix B; used per
 * dimension by the free-bits objective of Kingma et al. 2016, "Improved Variational Inference
 * with Inverse Autoregressive Flow".
 *
 * @param posterior `q(z|x)` with batchShape `[B]`, eventShape `[d]`.
 * @param prior `p(z)`, batchShape broadcasting to `[B]`.
 * @throws Error when the pair is not factorised per dimension (e.g. a von Mises-Fisher
 * posterior): free bits needs a factorised KL.
 * @example
 * ```ts
 * const q = new DiagonalNormal({ loc: tf.tensor2d([[1, 0]]), scale: tf.ones([2]) });
 * perDimensionKL(q, new StandardNormal({ dim: 2 })).arraySync(); // [[0.5, 0]]
 * ```
 */
export function perDimensionKL(posterior: Distribution, prior: Distribution): tf.Tensor {
  if (!(posterior instanceof DiagonalNormal) || !(prior instanceof DiagonalNormal)) {
    throw new Error(
      `free bits needs a factorised KL per latent dimension, available for a DiagonalNormal posterior and a DiagonalNormal (or StandardNormal) prior; got KL(${posterior.constructor.name} || ${prior.constructor.name})`,
    );
  }
  if (posterior.eventShape[0] !== prior.eventShape[0]) {
    throw new Error(
      `prior must have the posterior's event size ${posterior.eventShape[0]}, got ${prior.eventShape[0]}`,
    );
  }
  return tf.tidy(() => {
    const ratio = tf.div(posterior.scale, prior.scale);
    const diff = tf.div(tf.sub(posterior.loc, prior.loc), prior.scale);
    const perDim = tf.mul(
      tf.sub(tf.add(tf.square(ratio), tf.square(diff)), tf.add(tf.mul(tf.log(ratio), 2), 1)),
      0.5,
    );
    return tf.broadcastTo(perDim, [...posterior.batchShape, ...posterior.eventShape]);
  });
}
