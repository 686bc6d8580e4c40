import * as tf from '@tensorflow/tfjs-core';
import { shiftedMean } from '../internal/shifted-mean';
import { checkLogWeights, checkUnitInterval } from '../internal/validate';
import { logMeanExp } from '../log-mean-exp';

/** Options of {@link ciwae}. */
export interface CiwaeOptions {
  /** Mixing weight `beta` in [0, 1]: 1 gives the ELBO, 0 gives IWAE_K. */
  beta: number;
}

/**
 * The combination bound `CIWAE(beta)`: a convex combination of the ELBO and `IWAE_K`
 * computed from the same `K` log-weights.
 *
 * Mathematical details:
 * ```
 * CIWAE(beta) = beta * (1/K) sum_k log w_k + (1 - beta) * log( (1/K) sum_k w_k )
 * CIWAE(1) = ELBO;   CIWAE(0) = IWAE_K
 * ```
 * Reference: Rainforth et al. 2018, "Tighter Variational Bounds are Not Necessarily Better".
 *
 * @param logWeights log-weights of shape `[K, B]` (samples first, batch second).
 * @returns the per-example bound, shape `[B]`.
 * @throws Error naming `logWeights` (not rank 2) or `beta` (outside [0, 1]).
 * @example
 * ```ts
 * ciwae(tf.tensor2d([[0], [Math.log(3)]]), { beta: 0.5 }).arraySync();
 * // [0.6212] = 0.5 * (log 3) / 2 + 0.5 * log 2
 * ```
 */
export function ciwae(logWeights: tf.Tensor, { beta }: CiwaeOptions): tf.Tensor {
  checkLogWeights(logWeights);
  checkUnitInterval(beta, 'beta');
  return tf.tidy(() =>
    tf.add(tf.mul(shiftedMean(logWeights, 0), beta), tf.mul(logMeanExp(logWeights, 0), 1 - beta)),
  );
}
