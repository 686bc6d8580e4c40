import type * as tf from '@tensorflow/tfjs-core';
import type { ObjectiveOptions, ResolvedObjectiveOptions } from './objective-options';

/**
 * The fields of {@link ObjectiveOptions} that only some objectives use: the sample count `k`,
 * the group count `groups` (MIWAE, PIWAE), the mixing weight `beta` (CIWAE), and the ELBO's KL
 * controls `klWeight`, `freeBits` and `kl`. An {@link ObjectiveSpec} lists the ones it uses, so
 * a CLI can say "--groups does not apply to elbo".
 */
export type ObjectiveOptionName = 'k' | 'groups' | 'beta' | 'klWeight' | 'freeBits' | 'kl';

/**
 * The `[K, B]` log-weight terms of one batch (`K` posterior draws per example), and the spec's
 * own per-example bound of them, as {@link modelObjective} hands them to an
 * {@link ObjectiveSpec}'s `decoderBound` and `encoderBound`.
 *
 * Mathematical details:
 * ```
 * logWeights = logLikelihood + logPrior - logPosterior
 *            = log p(x | z_k) + log p(z_k) - log q(z_k | x),   z_k ~ q(z | x)   [K, B]
 * bound      = spec.bound(logWeights, options)                                  [B]
 * ```
 * Reference: Burda et al. 2015, "Importance Weighted Autoencoders".
 *
 * @example
 * ```ts
 * const decoderBound = (t: ObjectiveTerms) => tf.mean(t.logLikelihood, 0); // reconstruction only
 * ```
 */
export interface ObjectiveTerms {
  /** `log w`, `[K, B]`: differentiable in both networks' parameters. */
  logWeights: tf.Tensor;
  /** `log p(x | z_k)`, `[K, B]`. */
  logLikelihood: tf.Tensor;
  /** `log p(z_k)`, `[K, B]`. */
  logPrior: tf.Tensor;
  /** `log q(z_k | x)`, `[K, B]`, differentiable in the posterior's parameters. */
  logPosterior: tf.Tensor;
  /** The spec's `bound(logWeights, options)`, `[B]`, computed once. */
  bound: tf.Tensor;
}

/**
 * {@link ObjectiveTerms} with `log q(z|x)` also evaluated with the posterior's parameters stopped
 * (the draws `z` still differentiable), as the DReG estimator needs.
 *
 * Mathematical details:
 * ```
 * logPosteriorDetached = log q_{sg(phi)}(z_k | x),   z_k = g(eps_k; phi)
 * logWeightsDetached   = logLikelihood + logPrior - logPosteriorDetached
 * ```
 * Reference: Tucker, Lawson, Gu & Maddison 2018, "Doubly Reparameterized Gradient Estimators for
 * Monte Carlo Objectives".
 *
 * @example
 * ```ts
 * const surrogate = (t: DregTerms) => dregIwaeSurrogate(t.logWeightsDetached, 1); // IWAE's
 * ```
 */
export interface DregTerms extends ObjectiveTerms {
  /** `log q(z_k | x)` with the posterior's parameters stopped, `[K, B]`. */
  logPosteriorDetached: tf.Tensor;
  /** `log w` with `logPosteriorDetached`, `[K, B]`. */
  logWeightsDetached: tf.Tensor;
}

/**
 * Everything vaekit knows about one training objective: its names and paper, which options it
 * takes and how it checks them, its per-example bound of `[K, B]` log-weights, the bounds each
 * network ascends where they differ, and the encoder's DReG surrogate. {@link modelObjective}
 * and {@link objectiveGradients} look objectives up by name in the registry
 * ({@link OBJECTIVES}, {@link registerObjective}); a CLI or web page builds its menus and help
 * from the same records.
 *
 * Mathematical details (`bound` per example; losses are minus batch means; `s` the surrogate):
 * ```
 * decoderLoss = -mean_b decoderBound                       (default decoderBound = bound)
 * encoderLoss = -mean_b encoderBound                       (default encoderBound = decoderBound)
 * under DReG: encoderLoss has the gradient of -mean_b s and the value of -mean_b encoderBound
 * ```
 * Reference: Rainforth et al. 2018, "Tighter Variational Bounds are Not Necessarily Better"
 * (one bound per network); Tucker et al. 2018 (DReG).
 *
 * @example
 * ```ts
 * // IWAE's spec (see bounds/iwae.ts):
 * const spec: ObjectiveSpec = {
 *   name: 'iwae',
 *   label: 'IWAE',
 *   reference: 'Burda, Grosse & Salakhutdinov 2015, "Importance Weighted Autoencoders"',
 *   description: 'importance-weighted bound log mean_k w_k over K samples',
 *   uses: ['k'],
 *   bound: (logWeights) => iwae(logWeights),
 *   dregSurrogate: (terms) => dregIwaeSurrogate(terms.logWeightsDetached, 1),
 * };
 * ```
 */
export interface ObjectiveSpec {
  /** The name `modelObjective` takes as `objective` (e.g. `'iwae'`): lower case, no spaces. */
  readonly name: string;
  /** Human text for menus and tables, e.g. `'IWAE'`. */
  readonly label: string;
  /** The paper the objective comes from: authors, year, title. */
  readonly reference: string;
  /** One line for CLI help. */
  readonly description: string;
  /** The options it uses beyond the common ones (seed, training, gradientEstimator). */
  readonly uses: readonly ObjectiveOptionName[];
  /** `k` when the caller gives none (the ELBO's 1); without it `k` is required. */
  readonly defaultK?: number;
  /**
   * The objective's own option checks, after the common ones (`k` is then a positive integer):
   * throw an Error naming the field and its valid range or choices.
   */
  validate?(options: ObjectiveOptions, k: number): void;
  /** The per-example bound `[B]` of `[K, B]` log-weights (for logging, and the default loss). */
  bound(logWeights: tf.Tensor, options: ResolvedObjectiveOptions): tf.Tensor;
  /**
   * The bound the generative network (decoder, prior) ascends, `[B]`, where it differs from
   * `bound` (the ELBO with a KL weight). Default: `terms.bound`.
   */
  decoderBound?(terms: ObjectiveTerms, options: ResolvedObjectiveOptions): tf.Tensor;
  /**
   * The bound the inference network (encoder) ascends, `[B]`, where it differs from the
   * decoder's (PIWAE's MIWAE). Giving it makes every gradient step two passes, one per
   * network. Default: the decoder's bound (one shared loss).
   */
  encoderBound?(terms: ObjectiveTerms, options: ResolvedObjectiveOptions): tf.Tensor;
  /**
   * The encoder's DReG surrogate per example, `[B]`: a function whose gradient in the encoder's
   * parameters is the doubly reparameterised estimator of the encoder bound's gradient (its value
   * does not matter). Without it, `gradientEstimator: 'dreg'` is refused for this objective.
   */
  dregSurrogate?(terms: DregTerms, options: ResolvedObjectiveOptions): tf.Tensor;
}
