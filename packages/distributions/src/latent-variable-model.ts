import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution, SampleOptions } from './distribution';

/**
 * An observation model `p(x | z)` for a batch of latents: a log-density over observations and a
 * sampler, such as a `Distribution` or a categorical likelihood over tokens.
 *
 * Mathematical details (for `N` latents `z_n`, observations `x` of shape `[N, ...]`):
 * ```
 * logProb(x)[n] = log p(x_n | z_n)            shape [N]
 * sample()      = x~ with x~_n ~ p(x | z_n)    shape [N, ...], like x
 * ```
 * The sampler is what wake-sleep style objectives need (the sleep phase fits `q(z | x~)` to
 * `(z, x~)` drawn from the model: Hinton et al. 1995, "The wake-sleep algorithm for unsupervised
 * neural networks"; Bornschein & Bengio 2015, "Reweighted Wake-Sleep"), and what generating or
 * reconstructing data needs.
 *
 * A {@link Distribution} with batch shape `[N]` and one observation's shape as its event shape
 * is a `Likelihood` as it is: `Distribution.sample({ seed })` (options only) draws once.
 *
 * @example
 * ```ts
 * const likelihood: Likelihood = new DiagonalNormal({ loc, scale }); // loc [N, D]
 * likelihood.logProb(x); // [N]
 * likelihood.sample({ seed: 1 }); // [N, D], like x
 * ```
 */
export interface Likelihood {
  /** `log p(x | z)` per row: for `x` of shape `[N, ...]`, shape `[N]`. */
  logProb(x: tf.Tensor): tf.Tensor;
  /**
   * One draw `x~ ~ p(x | z)` per latent, shaped like the observations `x` (`[N, ...]`), without
   * gradient. The same seed on the same backend gives the same draw; without one, tfjs's global
   * random generator is used.
   */
  sample(options?: SampleOptions): tf.Tensor;
}

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
export interface LatentVariableModel {
  /** q(z|x) for a batch x of shape [B, ...]: batchShape [B], eventShape [d]. */
  encode(x: tf.Tensor, options?: ModelCallOptions): Distribution;
  /** p(z), batchShape [] (broadcasts), eventShape [d]. */
  readonly prior: Distribution;
  /**
   * p(x|z) for z of shape [N, d]: the result's logProb(x) with x of shape [N, ...] returns [N],
   * and its sample() one draw of shape [N, ...].
   */
  decode(z: tf.Tensor, options?: ModelCallOptions): Likelihood;
}
