import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random/rng';
import {
  checkImageSplits,
  checkSentenceCount,
  checkTextSplits,
  heldOutSentences,
} from './check-splits';
import type { ImageDataset } from './image-dataset';
import { sentenceRows } from './pad-sequences';
import { splitSentences } from './split-sentences';
import { TextDataset } from './text-dataset';
import type { Vocabulary } from './vocabulary';
import type { ModelData } from '../model/create-model';

/** One split of the training data, seen uniformly whether it holds images or sentences. */
export interface DataSplit {
  readonly size: number;
  /**
   * Batches of one epoch, in a seeded order; the caller disposes each `x`. With
   * `dropRemainder`, a last batch smaller than `batchSize` is left out (its examples come
   * round in other epochs' orders).
   */
  batches(
    rng: Rng,
    options: { batchSize: number; startBatch?: number; shuffle?: boolean; dropRemainder?: boolean },
  ): Iterable<{ x: tf.Tensor; batch: number }>;
  /** The number of batches of an epoch (without the smaller last one with `dropRemainder`). */
  numBatches(batchSize: number, dropRemainder?: boolean): number;
  /** The first `n` examples (in split order) as one tensor, for evaluation and pictures. */
  head(n: number): tf.Tensor;
}

/** Train, validation and test splits plus what the model builder needs to know. */
export interface TrainingData {
  kind: 'image' | 'text';
  train: DataSplit;
  validation: DataSplit;
  test: DataSplit;
  /** Image height and width (images). */
  imageShape?: [number, number];
  /** The vocabulary (text). */
  vocabulary?: Vocabulary;
  /** The sentence length cap in tokens (text). */
  maxLength?: number;
  /** One line for logs, e.g. `mnist: 55000 train / 5000 validation / 10000 test images 28x28`. */
  summary: string;
}

/** Options of {@link imageTrainingData}. */
export interface ImageTrainingDataOptions {
  /** `'bernoulli'` trains on dynamically binarised pixels (Salakhutdinov & Murray 2008). */
  likelihood: 'bernoulli' | 'gaussian';
  /** The data's name in the summary line, e.g. `mnist`. */
  name: string;
}

/**
 * Training data from image splits: the training split is dynamically binarised for a
 * Bernoulli likelihood (each epoch redraws each pixel), validation and test splits use one
 * fixed binarisation, so evaluations compare like with like across steps.
 *
 * @throws Error naming the data (`options.name`) when the images are smaller than 1x1 pixel,
 *   the splits' image sizes differ, or there are fewer than 2 training, 1 validation or 1 test
 *   images.
 * @example
 * ```ts
 * const data = imageTrainingData({ ...splitImageSet(set), test }, { likelihood: 'bernoulli', name: 'digits' });
 * ```
 */
export function imageTrainingData(
  splits: { train: ImageDataset; validation: ImageDataset; test: ImageDataset },
  options: ImageTrainingDataOptions,
): TrainingData {
  checkImageSplits(splits, options.name);
  const binarize = options.likelihood === 'bernoulli' ? 'dynamic' : 'none';
  const { height, width } = splits.train;
  return {
    kind: 'image',
    train: imageSplit(splits.train, binarize),
    validation: imageSplit(splits.validation, binarize === 'dynamic' ? 'static' : 'none'),
    test: imageSplit(splits.test, binarize === 'dynamic' ? 'static' : 'none'),
    imageShape: [height, width],
    summary: `${options.name}: ${splits.train.size} train / ${splits.validation.size} validation / ${splits.test.size} test images ${height}x${width}${binarize === 'dynamic' ? ', dynamically binarised' : ''}`,
  };
}

/** Options of {@link textTrainingData}. */
export interface TextTrainingDataOptions {
  /** Sentence length cap in tokens (longer sentences are dropped, see {@link capLength}). */
  maxLength: number;
  /** Vocabulary cap (special tokens included) and minimum count. */
  vocabSize: number;
  minCount: number;
  /** The data's name in the summary line, e.g. `brown`. */
  name: string;
  /**
   * Use this vocabulary instead of building one on the training split (`vocabSize` and
   * `minCount` are then ignored): a saved run's own, so a reopened model reads the ids it was
   * trained on.
   */
  vocabulary?: Vocabulary;
}

/**
 * Training data from sentences: a fixed 90/5/5 split (seed 0, whatever the run's seed, so runs
 * with different seeds are evaluated on the same sentences; at least 1 validation and 1 test
 * sentence), {@link tokenize}d, with the vocabulary built on the training split (or the one
 * given). Sentences longer than `maxLength` words are dropped.
 *
 * @throws Error naming the data (`options.name`) when it cannot train a model: fewer than 4
 *   sentences, every split but one emptied by `maxLength` (naming the value that keeps 90% of
 *   the sentences), or no word as frequent as `minCount`.
 *
 * @example
 * ```ts
 * const data = textTrainingData(lines, { maxLength: 30, vocabSize: 10000, minCount: 1, name: 'my-corpus' });
 * data.vocabulary!.size;
 * ```
 */
export function textTrainingData(
  sentences: readonly string[],
  options: TextTrainingDataOptions,
): TrainingData {
  checkSentenceCount(sentences.length, options.name);
  const held = heldOutSentences(sentences.length);
  const split = splitSentences(sentences, { validation: held, test: held, seed: 0 });
  const train = TextDataset.fromSentences(split.train, {
    maxLength: options.maxLength,
    ...(options.vocabulary
      ? { vocabulary: options.vocabulary }
      : { vocabularyOptions: { maxSize: options.vocabSize, minCount: options.minCount } }),
  });
  const datasetOptions = { vocabulary: train.vocabulary, maxLength: options.maxLength };
  const validation = TextDataset.fromSentences(split.validation, datasetOptions);
  const test = TextDataset.fromSentences(split.test, datasetOptions);
  checkTextSplits({
    name: options.name,
    sentences,
    sizes: { train: train.size, validation: validation.size, test: test.size },
    maxLength: options.maxLength,
    vocabularySize: train.vocabulary.size,
    vocabularyBuilt: options.vocabulary === undefined,
    minCount: options.minCount,
  });
  return {
    kind: 'text',
    train: textSplit(train),
    validation: textSplit(validation),
    test: textSplit(test),
    vocabulary: train.vocabulary,
    maxLength: options.maxLength,
    summary: `${options.name}: ${train.size} train / ${validation.size} validation / ${test.size} test sentences of at most ${options.maxLength} words, vocabulary ${train.vocabulary.size}`,
  };
}

/** A {@link DataSplit} of images, binarised as asked. */
export function imageSplit(
  dataset: ImageDataset,
  binarize: 'dynamic' | 'static' | 'none',
): DataSplit {
  return {
    size: dataset.size,
    numBatches: (batchSize, dropRemainder = false) =>
      countBatches(dataset.size, batchSize, dropRemainder),
    *batches(rng, { batchSize, startBatch = 0, shuffle = true, dropRemainder = false }) {
      const options = { batchSize, startBatch, shuffle, binarize, dropRemainder };
      for (const b of dataset.batches(rng, options)) {
        b.labels.dispose();
        yield { x: b.x, batch: b.batch };
      }
    },
    head(n) {
      const plan = {
        order: Uint32Array.from({ length: Math.min(n, dataset.size) }, (_, i) => i),
        seed: 0,
        numBatches: 1,
      };
      const b = dataset.batch(
        {
          ...plan,
          options: {
            batchSize: plan.order.length,
            shuffle: false,
            dropRemainder: false,
            binarize,
            staticSeed: 0,
            layout: 'flat',
          },
        },
        0,
      );
      b.labels.dispose();
      return b.x;
    },
  };
}

/** A {@link DataSplit} of sentences: rows `<bos> w_1 .. w_n <eos> <pad> ..` ({@link sentenceRows}). */
export function textSplit(dataset: TextDataset): DataSplit {
  return {
    size: dataset.size,
    numBatches: (batchSize, dropRemainder = false) =>
      countBatches(dataset.size, batchSize, dropRemainder),
    *batches(rng, { batchSize, startBatch = 0, shuffle = true, dropRemainder = false }) {
      for (const b of dataset.batches(rng, { batchSize, startBatch, shuffle, dropRemainder })) {
        tf.dispose([b.inputs, b.targets, b.lengths, b.mask]);
        yield {
          x: sentenceRows(Array.from(b.indices, (i) => dataset.sentences[i]!)),
          batch: b.batch,
        };
      }
    },
    head(n) {
      return sentenceRows(dataset.sentences.slice(0, n));
    },
  };
}

/**
 * What {@link createModel} needs to know of the data: the image shape, or the vocabulary and
 * the sentence length cap.
 *
 * @example
 * ```ts
 * const model = createModel(config, modelData(loadTrainingData(config)));
 * ```
 */
export function modelData(data: TrainingData): ModelData {
  if (data.kind === 'image') return { kind: 'image', imageShape: data.imageShape! };
  return { kind: 'text', vocabulary: data.vocabulary!, maxLength: data.maxLength! };
}

/** Batches of an epoch of `size` examples: the smaller last one counts unless dropped. */
function countBatches(size: number, batchSize: number, dropRemainder: boolean): number {
  return dropRemainder ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}
