import type * as tf from '@tensorflow/tfjs-core';
import { dregIwaeSurrogate } from '../dreg-surrogate';
import { checkLogWeights } from '../internal/validate';
import { logMeanExp } from '../log-mean-exp';
import type { ObjectiveSpec } from '../objective-spec';

/**
 * The importance-weighted bound `IWAE_K` per example.
 *
 * Mathematical details:
 * ```
 * IWAE_K = log( (1/K) sum_{k=1..K} w_k ) = logMeanExp_k(log w_k)
 * ELBO <= IWAE_K <= IWAE_{K+1} <= log p(x)   (in expectation);  IWAE_K -> log p(x) as K -> inf
 * ```
 * Computed with the stable {@link logMeanExp}: log-weights around -1e4 and K in the thousands
 * are fine.
 *
 * Reference: Burda, Grosse & Salakhutdinov 2015, "Importance Weighted Autoencoders".
 *
 * @param logWeights log-weights of shape `[K, B]` (samples first, batch second).
 * @returns the per-example bound, shape `[B]`.
 * @throws Error naming `logWeights` when it is not rank 2.
 * @example
 * ```ts
 * iwae(tf.tensor2d([[0], [Math.log(3)]])).arraySync(); // [0.6931] = log((1 + 3) / 2)
 * ```
 */
export function iwae(logWeights: tf.Tensor): tf.Tensor {
  checkLogWeights(logWeights);
  return logMeanExp(logWeights, 0);
}

/**
 * IWAE in the objective registry: `iwae(logWeights)` per example, ascended by both networks;
 * its DReG surrogate is Tucker et al.'s for one group of `K`.
 *
 * Mathematical details:
 * ```
 * bound         = IWAE_K = log (1/K) sum_k w_k
 * dregSurrogate = sum_k sg(w~_k^2) log w_k
 * ```
 * Reference: Burda, Grosse & Salakhutdinov 2015, "Importance Weighted Autoencoders"; Tucker et
 * al. 2018 (DReG).
 *
 * @example
 * ```ts
 * iwaeObjective.bound(logWeights, resolveObjectiveOptions({ objective: 'iwae', k: 8 })); // [B]
 * ```
 */
export const iwaeObjective: ObjectiveSpec = {
  name: 'iwae',
  label: 'IWAE',
  reference: 'Burda, Grosse & Salakhutdinov 2015, "Importance Weighted Autoencoders"',
  description: 'importance-weighted bound log mean_k w_k over K samples',
  uses: ['k'],
  bound: (logWeights) => iwae(logWeights),
  dregSurrogate: (terms) => dregIwaeSurrogate(terms.logWeightsDetached, 1),
};
