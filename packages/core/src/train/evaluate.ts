import * as tf from '@tensorflow/tfjs-core';
import {
  type LatentVariableModel,
  activeUnits,
  importanceSampledNLL,
  klToPrior,
  modelObjective,
  mutualInformation,
  perplexity,
} from '@vaekit/objectives';
import type { DataSplit } from '../data/training-data';

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
  /**
   * Text: the vocabulary size, the decoder's outputs per token. Required for text: with the
   * sentence length it sets how many importance samples are decoded at once (see
   * {@link nllChunkSize}).
   */
  vocabSize?: number;
  /** Called after each batch with the number of examples done (for progress bars). */
  onProgress?: (done: number, total: number) => void;
}

/** Rows of decoded samples in one NLL chunk: 50,000, as long as they fit {@link MAX_DECODED_FLOATS}. */
const NLL_CHUNK_ROWS = 50_000;

/**
 * The most decoder outputs one NLL chunk may hold (2^27 floats: 512 MiB for the logits, which
 * the likelihood's log-softmax and its intermediates copy a few times over).
 */
export const MAX_DECODED_FLOATS = 2 ** 27;

/**
 * Importance samples per NLL chunk for a batch of `size` examples: 50,000 decoded rows a chunk
 * (`floor(50000 / size)` samples), fewer where the decoder's outputs for them would exceed
 * {@link MAX_DECODED_FLOATS}: an image decodes to its pixels, a sentence of T tokens to `T * V`
 * logits (V = 5,000 and T = 32: 160,000 floats each, so 50,000 rows would need 32 GB, past the
 * 4 GB a wasm heap can address).
 *
 * @param outputsPerExample the decoder's outputs for one example (pixels; tokens x vocabulary).
 * @example
 * ```ts
 * nllChunkSize(100, 784);        // 500 (images: 50,000 rows)
 * nllChunkSize(32, 32 * 5000);   // 26 (text: 133M logits)
 * ```
 */
export function nllChunkSize(size: number, outputsPerExample: number): number {
  return Math.max(
    1,
    Math.min(
      Math.floor(NLL_CHUNK_ROWS / size),
      Math.floor(MAX_DECODED_FLOATS / (size * outputsPerExample)),
    ),
  );
}

/**
 * Evaluate a model on (the head of) a split: NLL by importance sampling with `k` samples
 * (chunked by {@link nllChunkSize}, so memory stays bounded for any K), ELBO, KL to the prior,
 * mutual information, active units, and for text the per-token perplexity. Metrics follow He et
 * al. 2019 and Zhu et al. 2020. Batch `b` (examples `b * batchSize` on) draws with seed
 * `seed + b * batchSize`, so any split of the batches over threads ({@link evaluatePart} and
 * {@link combineEvaluation}, as `vaekit eval --threads` does) gives the same result bit for bit.
 *
 * @example
 * ```ts
 * const r = evaluate(model, data.test, 'image', { k: 5000, examples: 10000, seed: 0, batchSize: 100 });
 * console.log(r.nll, r.kl, r.activeUnits);
 * ```
 */
export function evaluate(
  model: LatentVariableModel,
  split: DataSplit,
  kind: 'image' | 'text',
  options: EvaluateOptions,
): EvaluationResult {
  const total = Math.min(options.examples, split.size);
  const all = split.head(total);
  try {
    const part = evaluatePart(model, all, kind, { ...options, first: 0 });
    return combineEvaluation([part], kind, options.k);
  } finally {
    all.dispose();
  }
}

/** The sums of one evaluated batch: NLL, ELBO, KL, mutual information x size, tokens. */
export type BatchSums = [nll: number, elbo: number, kl: number, mi: number, tokens: number];

/** What {@link evaluatePart} measured on a run of whole batches of a split. */
export interface EvaluationPart {
  /** Each batch's sums, in order. */
  batches: BatchSums[];
  /** The posterior means of the part's examples, `[examples, latentDim]` row-major. */
  means: Float32Array;
  latentDim: number;
}

/** Options of {@link evaluatePart}: {@link EvaluateOptions} and where the part starts. */
export interface EvaluatePartOptions extends Omit<EvaluateOptions, 'examples'> {
  /**
   * The split index of `x`'s first example, a multiple of `batchSize`: batch seeds are
   * `seed + index` of their first example, as in {@link evaluate}.
   */
  first: number;
}

/**
 * The per-batch sums and posterior means of examples `x` (whole batches of a split from
 * `options.first` on), for {@link combineEvaluation}. `onProgress` gets split indices.
 */
export function evaluatePart(
  model: LatentVariableModel,
  x: tf.Tensor,
  kind: 'image' | 'text',
  options: EvaluatePartOptions,
): EvaluationPart {
  if (kind === 'text' && !(Number.isInteger(options.vocabSize) && options.vocabSize! > 0)) {
    throw new Error(
      `evaluate: vocabSize (a positive integer, the decoder's outputs per token) is required for text, got ${options.vocabSize}`,
    );
  }
  if (!Number.isInteger(options.first / options.batchSize)) {
    throw new Error(
      `evaluatePart: first (${options.first}) must be a multiple of batchSize (${options.batchSize})`,
    );
  }
  const total = x.shape[0]!;
  const perExample = tf.util.sizeFromShape(x.shape.slice(1));
  const outputsPerExample = kind === 'text' ? perExample * options.vocabSize! : perExample;
  const batches: BatchSums[] = [];
  const means: Float32Array[] = [];
  let latentDim = 0;
  for (let start = 0; start < total; start += options.batchSize) {
    const size = Math.min(options.batchSize, total - start);
    const seed = options.seed + options.first + start;
    const [sums, mean] = tf.tidy(() => {
      const xb = tf.slice(x, start, size);
      const chunkSize = nllChunkSize(size, outputsPerExample);
      const n = importanceSampledNLL(model, xb, { k: options.k, chunkSize, seed });
      const bound = modelObjective(model, xb, {
        objective: 'elbo',
        k: 1,
        seed,
        training: false,
      }).bound;
      const klx = klToPrior(model, xb, { seed });
      const info = size >= 2 ? mutualInformation(model, xb, { seed }) : tf.scalar(0);
      // Tokens predicted per sentence: the words and <eos> (not <bos>, not padding, id 0).
      const count =
        kind === 'text'
          ? tf.sub(tf.sum(tf.cast(tf.notEqual(xb, 0), 'float32')), size)
          : tf.scalar(0);
      return [
        tf.stack([tf.sum(n), tf.sum(bound), tf.sum(klx), tf.mul(info, size), count]),
        model.encode(xb, { training: false }).mean(),
      ];
    });
    batches.push(Array.from(sums.dataSync()) as BatchSums);
    latentDim = mean.shape[1]!;
    means.push(mean.dataSync() as Float32Array);
    tf.dispose([sums, mean]);
    options.onProgress?.(options.first + start + size, options.first + total);
  }
  const all = new Float32Array(means.reduce((n, m) => n + m.length, 0));
  let at = 0;
  for (const m of means) {
    all.set(m, at);
    at += m.length;
  }
  return { batches, means: all, latentDim };
}

/**
 * The metrics of consecutive parts of one evaluation ({@link evaluatePart}), in order: the
 * batches' sums added in batch order and active units over all the means, exactly as
 * {@link evaluate} computes them in one pass.
 */
export function combineEvaluation(
  parts: readonly EvaluationPart[],
  kind: 'image' | 'text',
  k: number,
): EvaluationResult {
  let nll = 0;
  let elbo = 0;
  let kl = 0;
  let mi = 0;
  let tokens = 0;
  for (const part of parts) {
    for (const [a, b, c, d, e] of part.batches) {
      nll += a;
      elbo += b;
      kl += c;
      mi += d;
      tokens += e;
    }
  }
  const latentDim = parts.find((p) => p.latentDim > 0)?.latentDim ?? 0;
  const total = parts.reduce((n, p) => n + (latentDim > 0 ? p.means.length / latentDim : 0), 0);
  let count = 0;
  if (total >= 2) {
    const values = new Float32Array(total * latentDim);
    let at = 0;
    for (const part of parts) {
      values.set(part.means, at);
      at += part.means.length;
    }
    const stacked = tf.tensor2d(values, [total, latentDim]);
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
    k,
  };
  if (kind === 'text') result.perplexity = perplexity(nll, tokens);
  return result;
}
