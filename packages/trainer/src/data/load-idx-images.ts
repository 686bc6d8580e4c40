import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageSet } from '@vaekit/core';
import { readIdx } from './read-idx';

/** Which file of an IDX image set: `'train'` (`train-*`) or `'test'` (`t10k-*`). */
export type IdxSplit = 'train' | 'test';

/** Options of {@link loadIdxImages}. */
export interface LoadIdxImagesOptions {
  /** `'train'` reads `train-images-idx3-ubyte[.gz]`, `'test'` reads `t10k-…`. Default `'train'`. */
  split?: IdxSplit;
}

const PREFIX: Record<IdxSplit, string> = { train: 'train', test: 't10k' };

function findFile(dir: string, stem: string): string | undefined {
  const dotted = stem.replace(/-(idx\d)/, '.$1');
  for (const name of [stem, `${stem}.gz`, dotted, `${dotted}.gz`]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Loads one split of an IDX image data set from a directory laid out like MNIST:
 * `{train,t10k}-images-idx3-ubyte[.gz]` and `{train,t10k}-labels-idx1-ubyte[.gz]` (the
 * `images.idx3-ubyte` spelling is accepted too). Works for MNIST, Fashion-MNIST (e.g. Debian's
 * `dataset-fashion-mnist` in `/usr/share/datasets/fashion-mnist`), KMNIST and any H×W set.
 *
 * Pixels are scaled to `[0, 1]` by `x / 255` into one `Float32Array` of shape `[N, H*W]`.
 *
 * @throws Error naming the directory and files when a file is missing, or naming the file when
 *   it is not a valid IDX file, declares images smaller than 1x1 pixel, or when the image and
 *   label counts differ.
 *
 * @example
 * ```ts
 * const test = loadIdxImages('/usr/share/datasets/fashion-mnist', { split: 'test' });
 * test.count; // 10000
 * test.images.length; // 10000 * 784
 * ```
 */
export function loadIdxImages(dir: string, options: LoadIdxImagesOptions = {}): ImageSet {
  const split = options.split ?? 'train';
  const prefix = PREFIX[split];
  if (prefix === undefined) {
    throw new Error(`split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  }
  const imageStem = `${prefix}-images-idx3-ubyte`;
  const labelStem = `${prefix}-labels-idx1-ubyte`;
  const imagePath = findFile(dir, imageStem);
  const labelPath = findFile(dir, labelStem);
  if (imagePath === undefined || labelPath === undefined) {
    const missing = imagePath === undefined ? imageStem : labelStem;
    throw new Error(
      `loadIdxImages: no ${missing}[.gz] in ${dir} (an IDX image set needs ${imageStem}[.gz] ` +
        `and ${labelStem}[.gz])`,
    );
  }
  const img = readIdx(imagePath, { expect: { type: 'ubyte', rank: 3, what: 'images' } });
  const lab = readIdx(labelPath, { expect: { type: 'ubyte', rank: 1, what: 'labels' } });
  const [count, height, width] = img.dims as [number, number, number];
  if (height < 1 || width < 1) {
    throw new Error(
      `loadIdxImages: ${imagePath} declares ${count} images of ${height}x${width} pixels (header dims ${img.dims.join('x')}); images need at least 1x1 pixel: the file is damaged or is not an image set (re-download or re-export it)`,
    );
  }
  if (lab.dims[0] !== count) {
    throw new Error(
      `loadIdxImages: ${imagePath} has ${count} images but ${labelPath} has ${lab.dims[0]} labels; the two files must describe the same images: re-download or re-export them together`,
    );
  }
  const bytes = img.data as Uint8Array;
  const images = new Float32Array(bytes.length);
  const scale = 1 / 255;
  for (let i = 0; i < bytes.length; i++) images[i] = bytes[i]! * scale;
  return {
    images,
    labels: Uint8Array.from(lab.data as Uint8Array),
    count,
    height,
    width,
    source: imagePath,
  };
}
