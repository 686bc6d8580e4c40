import * as tf from '@tensorflow/tfjs-core';
import { checkPosterior, combineLogWeights, logWeightTerms } from '../internal/log-weight-terms';
import { checkPositiveInteger } from '../internal/validate';
import { logMeanExp } from '../log-mean-exp';
import type { LatentVariableModel } from '../model';
import { deriveSeed } from '@vaekit/distributions/internal';

/** Importance samples for the NLL of image models (Burda et al. 2015 use 5000 on MNIST). */
export const NLL_SAMPLES_IMAGES = 5000;
/** Importance samples for the NLL of text models (He et al. 2019 use 500). */
export const NLL_SAMPLES_TEXT = 500;

/** Options of {@link importanceSampledNLL}. */
export interface ImportanceSampledNLLOptions {
  /** Importance samples per example `K` (default {@link NLL_SAMPLES_IMAGES} = 5000; 500 for text). */
  k?: number;
  /**
   * Samples per chunk: each chunk decodes `chunkSize * B` rows at once, so memory is bounded by
   * the chunk, not by `K`. Default: as many as keep a chunk within 8192 decoded rows (at least 1).
   */
  chunkSize?: number;
  /** Seed of the draws (chunk `j` uses a seed derived from it and `j`). */
  seed?: number;
}

/**
 * The importance-sampled negative log-likelihood per example, `-IWAE_K(x)` with large `K`,
 * computed over chunks of samples with a running log-sum-exp, so its value equals the
 * unchunked `-IWAE_K` on the same draws while memory stays bounded by one chunk.
 *
 * Mathematical details:
 * ```
 * NLL(x) = -log( (1/K) sum_{k=1..K} p(x, z_k) / q(z_k | x) ),   z_k ~ q(z | x)
 * chunk j (n_j samples):  S_j = log sum_{k in j} w_k = logMeanExp(log w_chunk) + log n_j
 * running:                A <- log(exp(A) + exp(S_j))  (= logMeanExp([A, S_j]) + log 2)
 * NLL(x) = -(A - log K)
 * ```
 * `-NLL` is a stochastic lower bound on `log p(x)`, tight as `K -> inf`. The model runs in
 * inference mode (`training: false`). Average over the test set for the reported NLL; for text,
 * see {@link perplexity}.
 *
 * Reference: Burda, Grosse & Salakhutdinov 2015, "Importance Weighted Autoencoders" (K = 5000);
 * He, Spokoyny, Neubig & Berg-Kirkpatrick 2019, "Lagging Inference Networks and Posterior
 * Collapse in Variational Autoencoders" (K = 500 for text).
 *
 * @param model the {@link LatentVariableModel}.
 * @param x a batch `[B, ...]`.
 * @returns the per-example NLL in nats, `[B]`.
 * @example
 * ```ts
 * const nll = importanceSampledNLL(model, xTest, { k: 5000, chunkSize: 500, seed: 0 }); // [B]
 * tf.mean(nll).dataSync()[0]; // e.g. 86.3 nats on binarised MNIST
 * ```
 */
export function importanceSampledNLL(
  model: LatentVariableModel,
  x: tf.Tensor,
  { k = NLL_SAMPLES_IMAGES, chunkSize, seed }: ImportanceSampledNLLOptions = {},
): tf.Tensor {
  checkPositiveInteger(k, 'k');
  const b = x.shape[0] ?? 0;
  if (x.rank < 1 || b < 1) {
    throw new Error(
      `x must be a batch of shape [B, ...] with B >= 1, got shape [${x.shape.join(', ')}]`,
    );
  }
  const chunk = Math.min(
    k,
    chunkSize === undefined
      ? Math.max(1, Math.floor(8192 / b))
      : checkPositiveInteger(chunkSize, 'chunkSize'),
  );
  return tf.tidy(() => {
    const q = model.encode(x, { training: false });
    checkPosterior(q, x);
    let running: tf.Tensor | undefined;
    for (let start = 0, j = 0; start < k; start += chunk, j++) {
      const n = Math.min(chunk, k - start);
      const previous: tf.Tensor | undefined = running;
      running = tf.tidy(() => {
        const terms = logWeightTerms(model, x, q, n, deriveSeed(seed, j), false);
        const chunkLogSum = tf.add(logMeanExp(combineLogWeights(terms), 0), Math.log(n));
        if (previous === undefined) return chunkLogSum;
        return tf.add(logMeanExp(tf.stack([previous, chunkLogSum]), 0), Math.LN2);
      });
      previous?.dispose();
    }
    return tf.neg(tf.sub(running!, Math.log(k)));
  });
}
