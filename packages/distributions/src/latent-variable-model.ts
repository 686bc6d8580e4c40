import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from './distribution';

/**
 * Anything with a log-density over observations, such as a `Distribution` or a categorical
 * likelihood over tokens.
 *
 * @example
 * ```ts
 * const likelihood: Likelihood = new DiagonalNormal({ loc, scale });
 * likelihood.logProb(x); // [N]
 * ```
 */
export interface Likelihood {
  /** `log p(x | z)` per row: for `x` of shape `[N, ...]`, shape `[N]`. */
  logProb(x: tf.Tensor): tf.Tensor;
}

/**
 * A latent-variable model `p(x, z) = p(z) p(x | z)` with an amortised posterior `q(z | x)`:
 * what every objective and metric of `@vaekit/objectives` works on, and what the VAEs of
 * `@vaekit/layers` implement. Implement it structurally
 * (no base class): an encoder, a prior and a decoder.
 *
 * Mathematical details:
 * ```
 * log w = log p(x | z) + log p(z) - log q(z | x),   z ~ q(z | x)
 * ```
 * Reference: Kingma & Welling 2014, "Auto-Encoding Variational Bayes".
 *
 * @example
 * ```ts
 * const model: LatentVariableModel = {
 *   encode: (x) => DiagonalNormal.fromLogVariance(encMean(x), encLogVar(x)),
 *   prior: new StandardNormal({ dim: 2 }),
 *   decode: (z) => new DiagonalNormal({ loc: decMean(z), scale: tf.scalar(0.1) }),
 * };
 * ```
 */
/** Options the objectives pass to {@link LatentVariableModel.encode} and `decode`. */
export interface ModelCallOptions {
  /** Training mode (batch statistics in batch-norm heads, word dropout). */
  training?: boolean;
  /**
   * Seed of the call's own randomness (e.g. word dropout), derived from the objective's seed so
   * a seeded step is reproducible end to end. Models without randomness ignore it.
   */
  seed?: number;
}

export interface LatentVariableModel {
  /** q(z|x) for a batch x of shape [B, ...]: batchShape [B], eventShape [d]. */
  encode(x: tf.Tensor, options?: ModelCallOptions): Distribution;
  /** p(z), batchShape [] (broadcasts), eventShape [d]. */
  readonly prior: Distribution;
  /** p(x|z) for z of shape [N, d]: the result's logProb(x) with x of shape [N, ...] returns [N]. */
  decode(z: tf.Tensor, options?: ModelCallOptions): Likelihood;
}
