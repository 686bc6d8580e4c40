import * as tf from '@tensorflow/tfjs-core';
import { shiftedMean } from '../internal/shifted-mean';
import { checkLogWeights } from '../internal/validate';
import type { ObjectiveSpec, ObjectiveTerms } from '../objective-spec';

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

/**
 * The ELBO in the objective registry: `elbo(logWeights)` per example. With a KL weight `beta`
 * (`klWeight`, beta-VAE and KL annealing) the networks ascend the weighted bound instead, and its
 * DReG surrogate is the same weighted mean with `log q` at stopped parameters: the `K = 1` case
 * of DReG, the "sticking the landing" estimator. (The analytic-KL ELBO, used when a closed-form
 * KL is registered, is built by {@link modelObjective} itself: it replaces the sampled KL, not
 * the bound.)
 *
 * Mathematical details:
 * ```
 * bound        = (1/K) sum_k log w_k
 * decoderBound = (1/K) sum_k [log p(x|z_k) + beta (log p(z_k) - log q(z_k|x))]   (beta != 1)
 * dregSurrogate = the same with log q(z_k|x) at stopped parameters
 * ```
 * Reference: Kingma & Welling 2014, "Auto-Encoding Variational Bayes"; Roeder, Wu & Duvenaud
 * 2017, "Sticking the Landing"; Higgins et al. 2017 (beta-VAE); Bowman et al. 2016 (annealing).
 *
 * @example
 * ```ts
 * elboObjective.bound(logWeights, resolveObjectiveOptions({ objective: 'elbo', k: 4 })); // [B]
 * ```
 */
export const elboObjective: ObjectiveSpec = {
  name: 'elbo',
  label: 'ELBO',
  reference: 'Kingma & Welling 2014, "Auto-Encoding Variational Bayes"',
  description: 'evidence lower bound (analytic KL when registered; klWeight, freeBits apply)',
  uses: ['k', 'klWeight', 'freeBits', 'kl'],
  defaultK: 1,
  bound: (logWeights) => elbo(logWeights),
  decoderBound: (terms, { klWeight }) =>
    klWeight === 1
      ? terms.bound
      : tf.mean(weightedLogWeights(terms, terms.logPosterior, klWeight), 0),
  dregSurrogate: (terms, { klWeight }) =>
    tf.mean(weightedLogWeights(terms, terms.logPosteriorDetached, klWeight), 0),
};

/** Weighted log-weights: `log p(x|z) + klWeight * (log p(z) - log q(z|x))`, `[K, B]`. */
function weightedLogWeights(
  terms: ObjectiveTerms,
  logPosterior: tf.Tensor,
  klWeight: number,
): tf.Tensor {
  return tf.add(terms.logLikelihood, tf.mul(tf.sub(terms.logPrior, logPosterior), klWeight));
}
