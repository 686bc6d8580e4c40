import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random/rng';
import { Vocabulary } from './vocabulary';

/** Options of {@link padSequences}. */
export interface PadOptions {
  /**
   * Word dropout (Bowman et al., "Generating sentences from a continuous space", 2016): each
   * decoder-input word (never `<bos>` or padding) is replaced by `<unk>` with this probability,
   * drawn from `rng`. Targets are never changed. Default `0`.
   */
  wordDropout?: number;
  /** Generator for word dropout (required when `wordDropout > 0`). */
  rng?: Rng;
  /** Pad to this many time steps instead of the longest sentence + 1 (must be large enough). */
  timeSteps?: number;
}

/** Padded token ids of a batch as typed arrays, row-major `[batchSize, timeSteps]`. */
export interface PaddedSequences {
  /** Decoder inputs: `<bos> w1 … wn <pad> …`. */
  inputs: Int32Array;
  /** Targets: `w1 … wn <eos> <pad> …`. */
  targets: Int32Array;
  /** Steps per sentence, `n + 1` (the words plus `<bos>`/`<eos>`). */
  lengths: Int32Array;
  /** `1` on the first `lengths[i]` steps of row `i`, `0` on padding. */
  mask: Float32Array;
  batchSize: number;
  timeSteps: number;
}

/** A padded batch as tensors; the caller owns (and must dispose) them. */
export interface TextBatch {
  /** int32 `[B, T]` decoder inputs (`<bos>` prefix). */
  inputs: tf.Tensor2D;
  /** int32 `[B, T]` targets (`<eos>` suffix). */
  targets: tf.Tensor2D;
  /** int32 `[B]` steps per sentence (words + 1). */
  lengths: tf.Tensor1D;
  /** float32 `[B, T]`, 1 on real steps, 0 on padding. */
  mask: tf.Tensor2D;
}

/**
 * Pads encoded sentences (word ids, without specials) into teacher-forcing arrays:
 * for a sentence `w1 … wn`, `inputs = <bos> w1 … wn` and `targets = w1 … wn <eos>`, both
 * `n + 1` steps, padded with `<pad>` (id 0) to `T = max(n) + 1`.
 *
 * @example
 * ```ts
 * const p = padSequences([[7, 8], [9]]);
 * // inputs  [[2, 7, 8], [2, 9, 0]], targets [[7, 8, 3], [9, 3, 0]]
 * // lengths [3, 2], mask [[1, 1, 1], [1, 1, 0]]
 * ```
 */
export function padSequences(
  sentences: readonly (readonly number[])[],
  options: PadOptions = {},
): PaddedSequences {
  const { wordDropout = 0, rng } = options;
  if (!(wordDropout >= 0 && wordDropout <= 1)) {
    throw new Error(`wordDropout must be in [0, 1], got ${wordDropout}`);
  }
  if (wordDropout > 0 && rng === undefined) {
    throw new Error('rng is required when wordDropout > 0');
  }
  const batchSize = sentences.length;
  const longest = sentences.reduce((m, s) => Math.max(m, s.length), 0);
  const timeSteps = options.timeSteps ?? longest + 1;
  if (!Number.isInteger(timeSteps) || timeSteps < longest + 1) {
    throw new Error(
      `timeSteps must be an integer >= ${longest + 1} (longest sentence + 1), got ${timeSteps}`,
    );
  }
  const inputs = new Int32Array(batchSize * timeSteps);
  const targets = new Int32Array(batchSize * timeSteps);
  const mask = new Float32Array(batchSize * timeSteps);
  const lengths = new Int32Array(batchSize);
  sentences.forEach((s, i) => {
    const row = i * timeSteps;
    inputs[row] = Vocabulary.BOS;
    for (let t = 0; t < s.length; t++) {
      const w = s[t]!;
      inputs[row + t + 1] = wordDropout > 0 && rng!.next() < wordDropout ? Vocabulary.UNK : w;
      targets[row + t] = w;
    }
    targets[row + s.length] = Vocabulary.EOS;
    lengths[i] = s.length + 1;
    mask.fill(1, row, row + s.length + 1);
  });
  return { inputs, targets, lengths, mask, batchSize, timeSteps };
}

/**
 * The tensors of {@link padSequences}' arrays: int32 inputs/targets/lengths, float32 mask.
 *
 * @example
 * ```ts
 * const { inputs, targets, lengths, mask } = textBatchTensors(padSequences(ids));
 * ```
 */
export function textBatchTensors(padded: PaddedSequences): TextBatch {
  const shape: [number, number] = [padded.batchSize, padded.timeSteps];
  return {
    inputs: tf.tensor2d(padded.inputs, shape, 'int32'),
    targets: tf.tensor2d(padded.targets, shape, 'int32'),
    lengths: tf.tensor1d(padded.lengths, 'int32'),
    mask: tf.tensor2d(padded.mask, shape, 'float32'),
  };
}

/**
 * The rows a text VAE reads, encoder input and decoder targets in one:
 * `<bos> w_1 .. w_n <eos> <pad> ..`, int32 `[B, max(n) + 2]` (the `<bos>` column of
 * {@link padSequences}' inputs followed by its targets). The caller disposes the tensor.
 *
 * @example
 * ```ts
 * sentenceRows([[7, 8], [9]]); // [[2, 7, 8, 3], [2, 9, 3, 0]]
 * ```
 */
export function sentenceRows(sentences: readonly (readonly number[])[]): tf.Tensor2D {
  const p = padSequences(sentences);
  const width = p.timeSteps + 1;
  const rows = new Int32Array(p.batchSize * width);
  for (let i = 0; i < p.batchSize; i++) {
    rows[i * width] = Vocabulary.BOS;
    rows.set(p.targets.subarray(i * p.timeSteps, (i + 1) * p.timeSteps), i * width + 1);
  }
  return tf.tensor2d(rows, [p.batchSize, width], 'int32');
}
