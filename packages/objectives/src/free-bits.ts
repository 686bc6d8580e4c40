import * as tf from '@tensorflow/tfjs-core';
import { check, checkNonNegative } from './internal/validate';

/**
 * The free-bits KL term: each latent dimension's batch-mean KL is floored at `lambda` nats, so
 * the optimiser gains nothing by pushing a dimension's KL below `lambda` (its gradient is zero
 * there) and the posterior is kept from collapsing onto the prior.
 *
 * Mathematical details:
 * ```
 * KL_j       = (1/B) sum_b KL(q(z_j | x_b) || p(z_j))      (batch-mean KL of dimension j)
 * freeBitsKL = sum_j max(lambda, KL_j)
 * ```
 * With `lambda = 0` this is the batch-mean KL. Add it, times the KL weight, to the negative
 * mean reconstruction term to form the loss.
 *
 * Reference: Kingma, Salimans, Jozefowicz, Chen, Sutskever & Welling 2016, "Improved Variational
 * Inference with Inverse Autoregressive Flow" (NeurIPS), section on free bits.
 *
 * @param klPerDimension per-example, per-dimension KL of shape `[B, d]` (see
 * {@link perDimensionKL}).
 * @param lambda the floor in nats per dimension, `>= 0`.
 * @returns a scalar.
 * @example
 * ```ts
 * freeBitsKL(tf.tensor2d([[0.1, 2], [0.3, 4]]), 0.5).arraySync(); // 3.5 = max(0.5, 0.2) + max(0.5, 3)
 * ```
 */
export function freeBitsKL(klPerDimension: tf.Tensor, lambda: number): tf.Scalar {
  check(
    klPerDimension.rank === 2,
    'klPerDimension',
    'a rank-2 tensor of shape [B, d]',
    `shape [${klPerDimension.shape.join(', ')}]`,
  );
  checkNonNegative(lambda, 'lambda');
  return tf.tidy(() => tf.sum(tf.maximum(tf.mean(klPerDimension, 0), lambda)) as tf.Scalar);
}
