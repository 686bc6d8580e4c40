import * as tf from '@tensorflow/tfjs-core';
import {
  activeUnits,
  importanceSampledNLL,
  klToPrior,
  modelObjective,
  mutualInformation,
  perplexity,
} from '@vaekit/objectives';
import type { DataSplit } from '../data/training-data';
import type { TrainableModel } from '../model/trainable-model';

/** Evaluation metrics of a model on a data split (nats per example unless stated). */
export interface EvaluationResult {
  /** Importance-sampled negative log-likelihood `-IWAE_K` (Burda et al. 2015). */
  nll: number;
  /** The ELBO (one posterior sample per example). */
  elbo: number;
  /** `E_x KL(q(z|x) || p(z))`. */
  kl: number;
  /** Mutual information `I_q(x; z)` (He et al. 2019's aggregate-posterior estimator). */
  mutualInformation: number;
  /** Active units: dimensions with `Cov_x E_q[z_u] > 0.01` (Burda et al. 2015). */
  activeUnits: number;
  /** Per-token perplexity `exp(total NLL / total tokens)`, end token counted (text only). */
  perplexity?: number;
  /** Examples and importance samples used. */
  examples: number;
  k: number;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Importance samples for the NLL (5000 for images and 500 for text in the papers). */
  k: number;
  /** Evaluate the first `examples` examples of the split (all when larger). */
  examples: number;
  /** Seed of the posterior draws. */
  seed: number;
  /** Examples per forward pass. */
  batchSize: number;
  /** Called after each batch with the number of examples done (for progress bars). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Evaluate a model on (the head of) a split: NLL by importance sampling with `k` samples
 * (chunked, so memory stays bounded), ELBO, KL to the prior, mutual information, active units,
 * and for text the per-token perplexity. Metrics follow He et al. 2019 and Zhu et al. 2020.
 *
 * @example
 * ```ts
 * const r = evaluate(model, data.test, 'image', { k: 5000, examples: 10000, seed: 0, batchSize: 100 });
 * console.log(r.nll, r.kl, r.activeUnits);
 * ```
 */
export function evaluate(
  model: TrainableModel,
  split: DataSplit,
  kind: 'image' | 'text',
  options: EvaluateOptions,
): EvaluationResult {
  const total = Math.min(options.examples, split.size);
  const all = split.head(total);
  let nll = 0;
  let elbo = 0;
  let kl = 0;
  let mi = 0;
  let tokens = 0;
  const means: tf.Tensor[] = [];
  try {
    for (let start = 0; start < total; start += options.batchSize) {
      const size = Math.min(options.batchSize, total - start);
      const seed = options.seed + start;
      const sums = tf.tidy(() => {
        const x = tf.slice(all, start, size);
        const chunkSize = Math.max(1, Math.floor(50_000 / size));
        const n = importanceSampledNLL(model, x, { k: options.k, chunkSize, seed });
        const bound = modelObjective(model, x, {
          objective: 'elbo',
          k: 1,
          seed,
          training: false,
        }).bound;
        const klx = klToPrior(model, x, { seed });
        const info = size >= 2 ? mutualInformation(model, x, { seed }) : tf.scalar(0);
        means.push(tf.keep(model.encode(x, { training: false }).mean()));
        // Tokens predicted per sentence: the words and <eos> (not <bos>, not padding, id 0).
        const count =
          kind === 'text'
            ? tf.sub(tf.sum(tf.cast(tf.notEqual(x, 0), 'float32')), size)
            : tf.scalar(0);
        return tf.stack([tf.sum(n), tf.sum(bound), tf.sum(klx), tf.mul(info, size), count]);
      });
      const [a, b, c, d, e] = sums.dataSync();
      sums.dispose();
      nll += a!;
      elbo += b!;
      kl += c!;
      mi += d!;
      tokens += e!;
      options.onProgress?.(start + size, total);
    }
    let count = 0;
    if (total >= 2) {
      const stacked = tf.concat(means, 0);
      count = activeUnits(stacked).count;
      stacked.dispose();
    }
    const result: EvaluationResult = {
      nll: nll / total,
      elbo: elbo / total,
      kl: kl / total,
      mutualInformation: mi / total,
      activeUnits: count,
      examples: total,
      k: options.k,
    };
    if (kind === 'text') result.perplexity = perplexity(nll, tokens);
    return result;
  } finally {
    all.dispose();
    tf.dispose(means);
  }
}
