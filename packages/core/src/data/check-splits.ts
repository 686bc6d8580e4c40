import { SPECIAL_TOKEN_NAMES } from '@vaekit/layers';
import { tokenize } from './tokenize';

/** Fewest examples a training split may hold (batch-normalised posteriors need 2 rows). */
export const MIN_TRAIN_EXAMPLES = 2;

/** Fewest sentences a corpus needs: 2 to train on, 1 for validation, 1 for test. */
export const MIN_SENTENCES = MIN_TRAIN_EXAMPLES + 2;

/**
 * Validation (and test) sentences of a corpus of `n`: 5%, at least 1. For `n >= 10` this is
 * `round(0.05 n)`, the split vaekit always made; smaller corpora get one of each instead of none.
 *
 * @example
 * ```ts
 * heldOutSentences(57340); // 2867
 * heldOutSentences(4);     // 1
 * ```
 */
export function heldOutSentences(n: number): number {
  return Math.max(1, Math.round(0.05 * n));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Throws, naming the data, when a corpus of `n` sentences is too small for the fixed 90/5/5
 * split ({@link MIN_SENTENCES}).
 *
 * @example
 * ```ts
 * checkSentenceCount(2, 'text:corpus.txt'); // throws: '... 2 sentences, too few to train on ...'
 * ```
 */
export function checkSentenceCount(n: number, name: string): void {
  if (n < MIN_SENTENCES) {
    throw new Error(
      `${name}: ${plural(n, 'sentence')}, too few to train on: the fixed 90/5/5 split needs at least ${MIN_SENTENCES} (${MIN_TRAIN_EXAMPLES} to train on, 1 for validation, 1 for test); add sentences (a text file holds one per line)`,
    );
  }
}

/** What {@link checkTextSplits} checks. */
export interface TextSplitsToCheck {
  /** The data's name, e.g. `text:corpus.txt`. */
  name: string;
  /** The raw sentences, before the split (to measure them when the length cap emptied a split). */
  sentences: readonly string[];
  sizes: { train: number; validation: number; test: number };
  maxLength: number;
  /** The vocabulary's size and whether it was built here (with `minCount`) or given. */
  vocabularySize: number;
  vocabularyBuilt: boolean;
  minCount: number;
}

/**
 * Throws, naming the data and the setting to change, when the sentence length cap left a split
 * empty (every sentence longer than `maxLength`, or too many) or when `minCount` left the built
 * vocabulary without a word.
 *
 * @example
 * ```ts
 * checkTextSplits({ name, sentences, sizes: { train: 0, validation: 0, test: 0 }, maxLength: 3, ... });
 * // throws: 'text:x.txt: every sentence is longer than maxLength = 3 words ...; raise --max-length ...'
 * ```
 */
export function checkTextSplits(c: TextSplitsToCheck): void {
  const { train, validation, test } = c.sizes;
  if (train < MIN_TRAIN_EXAMPLES || validation < 1 || test < 1) {
    const lengths = c.sentences.map((s) => tokenize(s).length).sort((a, b) => a - b);
    const n = lengths.length;
    const over = lengths.filter((l) => l > c.maxLength).length;
    const keep90 = lengths[Math.max(0, Math.ceil(0.9 * n) - 1)]!;
    const longest = lengths[n - 1]!;
    const raise =
      keep90 === longest
        ? `raise --max-length (maxLength) to ${longest}, which keeps them all`
        : `raise --max-length (maxLength) to ${keep90}, which keeps 90% of them (the longest has ${longest} words)`;
    if (train + validation + test === 0) {
      const range =
        lengths[0] === longest ? `${longest} words each` : `${lengths[0]} to ${longest} words`;
      throw new Error(
        `${c.name}: every sentence is longer than maxLength = ${c.maxLength} words (the ${n} sentences have ${range}) and longer sentences are dropped, so none is left to train on: ${raise}; and check that the text holds one sentence per line`,
      );
    }
    throw new Error(
      `${c.name}: after dropping the ${over} of ${n} sentences longer than maxLength = ${c.maxLength} words, ${train} ${train === 1 ? 'is' : 'are'} left to train on, ${validation} for validation and ${test} for test; training needs at least ${MIN_TRAIN_EXAMPLES}, 1 and 1: ${raise}, or add sentences`,
    );
  }
  if (c.vocabularyBuilt && c.vocabularySize <= SPECIAL_TOKEN_NAMES.length) {
    throw new Error(
      `${c.name}: no word occurs at least minCount = ${c.minCount} times in the ${plural(train, 'training sentence')}, so the vocabulary holds only the special tokens: lower --min-count (minCount)`,
    );
  }
}

/** The image splits {@link checkImageSplits} checks: sizes and image shapes. */
export interface ImageSplitsToCheck {
  train: { size: number; height: number; width: number };
  validation: { size: number; height: number; width: number };
  test: { size: number; height: number; width: number };
}

/**
 * Throws, naming the data, when image splits cannot train a model: images smaller than 1x1
 * pixel, splits of different image sizes, fewer than {@link MIN_TRAIN_EXAMPLES} training
 * images, or an empty validation or test split.
 *
 * @example
 * ```ts
 * checkImageSplits({ train, validation, test }, 'idx:/data/digits');
 * ```
 */
export function checkImageSplits(splits: ImageSplitsToCheck, name: string): void {
  const { train, validation, test } = splits;
  if (!(train.height >= 1 && train.width >= 1)) {
    throw new Error(
      `${name}: the images are ${train.height}x${train.width} pixels; images need at least 1x1 pixel (is the image file damaged?)`,
    );
  }
  for (const [split, set] of [
    ['validation', validation],
    ['test', test],
  ] as const) {
    if (set.height !== train.height || set.width !== train.width) {
      throw new Error(
        `${name}: the ${split} images are ${set.height}x${set.width} pixels but the training images ${train.height}x${train.width}; every split needs images of one size`,
      );
    }
  }
  if (train.size < MIN_TRAIN_EXAMPLES || validation.size < 1 || test.size < 1) {
    throw new Error(
      `${name}: ${train.size} training, ${validation.size} validation and ${test.size} test images; training needs at least ${MIN_TRAIN_EXAMPLES}, 1 and 1: add images`,
    );
  }
}
