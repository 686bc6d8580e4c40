import * as tf from '@tensorflow/tfjs-core';
import { checkPositiveInteger } from './internal/validate';
import { checkPosterior, combineLogWeights, logWeightTerms } from './internal/log-weight-terms';
import type { LatentVariableModel } from './model';
import { modelCallOptions } from './internal/seed';

/** Options of {@link importanceLogWeights}. */
export interface LogWeightsOptions {
  /** Samples per example `K` (default 1). */
  k?: number;
  /** Seed of the posterior draws (same seed, same backend: same draws). */
  seed?: number;
  /** Passed to `encode` and `decode`. */
  training?: boolean;
}

/**
 * Importance log-weights of a batch under a latent-variable model, shape `[K, B]`: the input of
 * every bound in this package. The `K` draws per example are decoded in one `[K * B, ...]` batch.
 *
 * Mathematical details:
 * ```
 * log w_{k,b} = log p(x_b | z_{k,b}) + log p(z_{k,b}) - log q(z_{k,b} | x_b),   z_{k,b} ~ q(z | x_b)
 * ```
 * Reference: Burda et al. 2015, "Importance Weighted Autoencoders".
 *
 * @param model the model ({@link LatentVariableModel}).
 * @param x a batch of shape `[B, ...]`.
 * @example
 * ```ts
 * const lw = importanceLogWeights(model, x, { k: 50, seed: 0 }); // [50, B]
 * iwae(lw);                                                        // [B]
 * ```
 */
export function importanceLogWeights(
  model: LatentVariableModel,
  x: tf.Tensor,
  { k = 1, seed, training }: LogWeightsOptions = {},
): tf.Tensor {
  checkPositiveInteger(k, 'k');
  return tf.tidy(() => {
    const q = model.encode(x, modelCallOptions(training, seed, 1));
    checkPosterior(q, x);
    return combineLogWeights(logWeightTerms(model, x, q, k, seed, training));
  });
}
