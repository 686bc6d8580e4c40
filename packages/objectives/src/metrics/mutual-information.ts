import * as tf from '@tensorflow/tfjs-core';
import { checkPosterior } from '../internal/log-weight-terms';
import { logMeanExp } from '../log-mean-exp';
import type { LatentVariableModel } from '../model';

/** Options of {@link mutualInformation}. */
export interface MutualInformationOptions {
  /** Seed of the one draw per example. */
  seed?: number;
}

/**
 * The mutual information `I_q(x; z)` between data and latent under the encoder's joint
 * `q(x, z) = p_data(x) q(z|x)`, estimated on a batch with the aggregate posterior `q(z)`
 * replaced by the mixture of the batch's posteriors (He et al. 2019's estimator).
 *
 * Mathematical details:
 * ```
 * I_q(x; z) = E_x E_{q(z|x)}[log q(z|x)] - E_{q(z)}[log q(z)]
 *   E_x E_q[log q(z|x)]  ~  -(1/B) sum_i H[q(z|x_i)]             (closed-form entropy)
 *   log q(z_i)           ~  log( (1/B) sum_j q(z_i | x_j) ),  z_i ~ q(z | x_i), one per example
 *   I                    ~  -(1/B) sum_i H[q(z|x_i)] - (1/B) sum_i log q(z_i)
 * ```
 * `I <= log B` for this estimator (up to noise); it is 0 when every posterior is the same and
 * `log B` when the posteriors do not overlap. The `[B, B]` table of `log q(z_i | x_j)` costs
 * `B * B * d` memory: evaluate on batches (He et al. use the test set in batches) and average.
 *
 * Reference: He, Spokoyny, Neubig & Berg-Kirkpatrick 2019, "Lagging Inference Networks and
 * Posterior Collapse in Variational Autoencoders" (ICLR), appendix; Hoffman & Johnson 2016,
 * "ELBO surgery".
 *
 * @returns a scalar, in nats.
 * @example
 * ```ts
 * mutualInformation(model, xBatch, { seed: 0 }).dataSync()[0]; // e.g. 3.4 nats (<= log B)
 * ```
 */
export function mutualInformation(
  model: LatentVariableModel,
  x: tf.Tensor,
  { seed }: MutualInformationOptions = {},
): tf.Scalar {
  return tf.tidy(() => {
    const q = model.encode(x, { training: false });
    checkPosterior(q, x);
    const b = x.shape[0]!;
    const negativeEntropy = tf.neg(tf.mean(q.entropy()));
    const z = q.sample(1, seed === undefined ? {} : { seed }); // [1, B, ...event]
    // [B, 1, ...event] against batch [B]: logProb(i, j) = log q(z_i | x_j).
    const table = q.logProb(tf.reshape(z, [b, 1, ...z.shape.slice(2)]));
    const logAggregate = logMeanExp(table, 1);
    return tf.sub(negativeEntropy, tf.mean(logAggregate)) as tf.Scalar;
  });
}
