import * as tf from '@tensorflow/tfjs-core';
import { shiftedMean } from '../internal/shifted-mean';
import { checkLogWeights } from '../internal/validate';

/**
 * The evidence lower bound estimated from `K` samples per example: the mean of the
 * log-weights over the sample axis.
 *
 * Mathematical details:
 * ```
 * log w_k = log p(x, z_k) - log q(z_k | x),   z_k ~ q(z | x)
 * ELBO    = (1/K) sum_k log w_k          (= IWAE_1 when K = 1)
 * ```
 * Reference: Kingma & Welling 2014, "Auto-Encoding Variational Bayes"; Burda et al. 2015,
 * "Importance Weighted Autoencoders" (ELBO = IWAE_1).
 *
 * @param logWeights log-weights of shape `[K, B]` (samples first, batch second).
 * @returns the per-example bound, shape `[B]`.
 * @throws Error naming `logWeights` when it is not rank 2.
 * @example
 * ```ts
 * elbo(tf.tensor2d([[-1, -2], [-3, -4]])).arraySync(); // [-2, -3]
 * ```
 */
export function elbo(logWeights: tf.Tensor): tf.Tensor {
  checkLogWeights(logWeights);
  return tf.tidy(() => shiftedMean(logWeights, 0));
}
