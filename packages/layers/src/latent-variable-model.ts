import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '@vaekit/distributions';

/**
 * A decoder's output distribution `p(x | z)` for a batch of latents: anything with a
 * `logProb(x)` returning one log-likelihood per row, shape `[N]`.
 */
export interface Likelihood {
  /** `log p(x_n | z_n)` for data `x` `[N, ...]`, shape `[N]`. */
  logProb(x: tf.Tensor): tf.Tensor;
}

/** Options of {@link LatentVariableModel.encode} and {@link LatentVariableModel.decode}. */
export interface ModelCallOptions {
  /** Training mode (batch statistics in BN-VAE heads, word dropout). Default false. */
  training?: boolean;
  /** Seed of the call's randomness (word dropout), for reproducible steps. */
  seed?: number;
}

/**
 * The shape of a VAE as the objectives see it: an encoder `q(z|x)`, a prior `p(z)` and a decoder
 * `p(x|z)`. {@link ImageVAE} and {@link TextVAE} implement it (structurally the same interface as
 * `@vaekit/objectives`' `LatentVariableModel`).
 *
 * ```
 * ELBO(x) = E_{z ~ q(z|x)}[ log p(x|z) ] - KL(q(z|x) || p(z))
 * ```
 * Reference: Kingma & Welling 2014, "Auto-Encoding Variational Bayes".
 */
export interface LatentVariableModel {
  /** `q(z | x)`: batch shape `[B]`, event shape `[d]`. */
  encode(x: tf.Tensor, options?: ModelCallOptions): Distribution;
  /** The prior `p(z)` (event shape `[d]`). */
  readonly prior: Distribution;
  /** `p(x | z)` for latents `z` `[N, d]`. */
  decode(z: tf.Tensor, options?: ModelCallOptions): Likelihood;
}
