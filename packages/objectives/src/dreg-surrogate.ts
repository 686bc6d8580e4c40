import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '@vaekit/distributions/internal';
import { checkGroups, checkLogWeights } from './internal/validate';
import { logMeanExp } from './log-mean-exp';

/**
 * Tucker et al.'s doubly reparameterised (DReG) surrogate for `M` groups of IWAE bounds, per
 * example `[B]`: differentiated in the encoder's parameters, it gives the DReG estimator of the
 * gradient of `MIWAE(M, K/M)` (`IWAE_K` for `M = 1`). Build an {@link ObjectiveSpec}'s
 * `dregSurrogate` from it.
 *
 * Mathematical details (`log w` with `log q(z|x)` evaluated at stopped posterior parameters,
 * `z` still reparameterised; `w~` normalised within each group of `k = K/M`; `sg` stop-gradient):
 * ```
 * s = (1/M) sum_m sum_j sg(w~_{m,j}^2) log w_{m,j},   w~_{m,j} = w_{m,j} / sum_j' w_{m,j'}
 * grad_phi s = DReG estimate of grad_phi MIWAE(M, k)           (Tucker et al. 2018, eq. 7)
 * ```
 * Reference: Tucker, Lawson, Gu & Maddison 2018, "Doubly Reparameterized Gradient Estimators for
 * Monte Carlo Objectives".
 *
 * @param logWeightsDetached `[K, B]` log-weights with the posterior's parameters stopped
 *   ({@link DregTerms.logWeightsDetached}).
 * @param groups `M`, a positive integer dividing `K` (default 1).
 * @returns the surrogate per example, `[B]`; its value is not a bound.
 * @throws Error naming `logWeights` (not rank 2) or `groups` (not a positive divisor of K).
 * @example
 * ```ts
 * // Two equal weights: w~ = 1/2 each, s = 2 * (1/4) * log w.
 * dregIwaeSurrogate(tf.tensor2d([[-1], [-1]])).arraySync(); // [-0.5]
 * ```
 */
export function dregIwaeSurrogate(logWeightsDetached: tf.Tensor, groups = 1): tf.Tensor {
  const kTotal = checkLogWeights(logWeightsDetached);
  checkGroups(groups, kTotal);
  return tf.tidy(() => {
    const b = logWeightsDetached.shape[1]!;
    const k = kTotal / groups;
    const grouped = tf.reshape(logWeightsDetached, [groups, k, b]);
    const logNormaliser = tf.add(tf.expandDims(logMeanExp(grouped, 1), 1), Math.log(k));
    const normalised = stopGradient(tf.exp(tf.sub(grouped, logNormaliser)));
    return tf.mean(tf.sum(tf.mul(tf.square(normalised), grouped), 1), 0);
  });
}
