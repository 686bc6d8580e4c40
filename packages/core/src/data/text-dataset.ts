import { Rng } from '../random/rng';
import { type LengthOverflow, capLength } from './cap-length';
import { type TextBatch, padSequences, textBatchTensors } from './pad-sequences';
import { type TokenizeOptions, tokenize } from './tokenize';
import { Vocabulary, type VocabularyOptions } from './vocabulary';

/** Options of {@link TextDataset.fromSentences}. */
export interface TextDatasetOptions {
  /** An existing vocabulary (e.g. the training set's, for validation/test); else one is built. */
  vocabulary?: Vocabulary;
  /** Options for building the vocabulary from these sentences. */
  vocabularyOptions?: VocabularyOptions;
  /** Tokenisation options (default: lower-case, punctuation split). */
  tokenize?: TokenizeOptions;
  /** Longest sentence kept, in words (default: no cap); see {@link capLength}. */
  maxLength?: number;
  /** `'drop'` (default) or `'truncate'` sentences over `maxLength`. */
  overflow?: LengthOverflow;
}

/** Options of {@link TextDataset.batches}. */
export interface TextEpochOptions {
  /** Sentences per batch, a positive integer. */
  batchSize: number;
  /** Seeded random order (default `true`). */
  shuffle?: boolean;
  /** Drop the last, smaller batch (default `false`). */
  dropRemainder?: boolean;
  /** Word-dropout rate of the decoder inputs (default `0`); see {@link padSequences}. */
  wordDropout?: number;
  /** Skip the first batches (resume mid-epoch from the generator state saved at its start). */
  startBatch?: number;
}

/** A padded text batch with the dataset indices of its sentences. */
export interface IndexedTextBatch extends TextBatch {
  indices: Uint32Array;
  batch: number;
}

/**
 * Encoded sentences for sentence VAEs, iterated in seeded, padded batches (tensors created on
 * demand). Like {@link ImageDataset}, an epoch draws one 32-bit word from the {@link Rng}; the
 * shuffle and each batch's word dropout are derived from it (`Rng.derive(seed, 0)`,
 * `Rng.derive(seed, 1, batch)`), so saving the generator state at an epoch start plus the
 * batch index resumes exactly.
 *
 * @example
 * ```ts
 * const train = TextDataset.fromSentences(loadBrownCorpus(), {
 *   vocabularyOptions: { maxSize: 20000 }, maxLength: 50,
 * });
 * for (const b of train.batches(new Rng(1), { batchSize: 32, wordDropout: 0.25 })) {
 *   // b.inputs, b.targets: int32 [32, T]; b.mask float32 [32, T]
 *   b.inputs.dispose(); b.targets.dispose(); b.lengths.dispose(); b.mask.dispose();
 * }
 * ```
 */
export class TextDataset {
  readonly vocabulary: Vocabulary;
  /** Word ids of each sentence (no specials). */
  readonly sentences: readonly (readonly number[])[];
  /** Sentences removed by the length cap (too long, or empty after tokenisation). */
  readonly dropped: number;
  /** Sentences truncated by the length cap. */
  readonly truncated: number;

  /**
   * @param sentences encoded sentences (word ids from `vocabulary`, no specials).
   */
  constructor(
    sentences: readonly (readonly number[])[],
    vocabulary: Vocabulary,
    stats: { dropped?: number; truncated?: number } = {},
  ) {
    for (const [i, s] of sentences.entries()) {
      for (const id of s) {
        if (!Number.isInteger(id) || id < 0 || id >= vocabulary.size) {
          throw new Error(
            `sentences[${i}] has id ${id}, outside the vocabulary [0, ${vocabulary.size})`,
          );
        }
      }
    }
    this.sentences = sentences;
    this.vocabulary = vocabulary;
    this.dropped = stats.dropped ?? 0;
    this.truncated = stats.truncated ?? 0;
  }

  /**
   * Tokenises, caps and encodes raw sentences (building the vocabulary unless given).
   *
   * @example
   * ```ts
   * const train = TextDataset.fromSentences(split.train, { maxLength: 40 });
   * const valid = TextDataset.fromSentences(split.validation, { vocabulary: train.vocabulary, maxLength: 40 });
   * ```
   */
  static fromSentences(
    sentences: readonly string[],
    options: TextDatasetOptions = {},
  ): TextDataset {
    const tokens = sentences.map((s) => tokenize(s, options.tokenize));
    const capped = capLength(tokens, options.maxLength ?? Infinity, options.overflow ?? 'drop');
    const vocabulary =
      options.vocabulary ?? Vocabulary.build(capped.sentences, options.vocabularyOptions);
    return new TextDataset(
      capped.sentences.map((s) => vocabulary.encode(s)),
      vocabulary,
      capped,
    );
  }

  /**
   * Number of sentences.
   *
   * @example
   * ```ts
   * dataset.size;
   * ```
   */
  get size(): number {
    return this.sentences.length;
  }

  /**
   * Iterates one epoch of padded batches (see {@link padSequences}).
   *
   * @example
   * ```ts
   * for (const { inputs, targets, mask, lengths } of dataset.batches(rng, { batchSize: 64 })) {
   *   tf.dispose([inputs, targets, mask, lengths]);
   * }
   * ```
   */
  *batches(rng: Rng, options: TextEpochOptions): Generator<IndexedTextBatch, void, undefined> {
    const {
      batchSize,
      shuffle = true,
      dropRemainder = false,
      wordDropout = 0,
      startBatch = 0,
    } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    }
    if (!(wordDropout >= 0 && wordDropout <= 1)) {
      throw new Error(`wordDropout must be in [0, 1], got ${wordDropout}`);
    }
    const seed = rng.nextUint32();
    const n = this.size;
    const order = shuffle
      ? Rng.derive(seed, 0).permutation(n)
      : Uint32Array.from({ length: n }, (_, i) => i);
    const numBatches = dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
    if (!Number.isInteger(startBatch) || startBatch < 0 || startBatch > numBatches) {
      throw new Error(`startBatch must be an integer in [0, ${numBatches}], got ${startBatch}`);
    }
    for (let b = startBatch; b < numBatches; b++) {
      const indices = order.slice(b * batchSize, Math.min(n, (b + 1) * batchSize));
      const padded = padSequences(
        Array.from(indices, (i) => this.sentences[i]!),
        wordDropout > 0 ? { wordDropout, rng: Rng.derive(seed, 1, b) } : {},
      );
      yield { ...textBatchTensors(padded), indices, batch: b };
    }
  }
}
