import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random/rng';
import type { ImageSet } from './image-set';

/**
 * How pixel intensities become decoder targets:
 * - `'none'`: the intensities in `[0, 1]` (e.g. for Gaussian or continuous Bernoulli decoders);
 * - `'dynamic'`: every epoch each pixel is redrawn as `Bernoulli(intensity)` (Salakhutdinov &
 *   Murray, 2008; the usual choice for Bernoulli decoders, since it regularises);
 * - `'static'`: one fixed `Bernoulli(intensity)` draw per example, the same every epoch
 *   (seeded by `staticSeed` and the example's index in the source file).
 */
export type Binarization = 'none' | 'dynamic' | 'static';

/** Options of {@link ImageDataset.planEpoch} and {@link ImageDataset.batches}. */
export interface EpochOptions {
  /** Examples per batch, a positive integer. */
  batchSize: number;
  /** Visit the examples in a seeded random order (default `true`). */
  shuffle?: boolean;
  /** Drop the last, smaller batch (default `false`). */
  dropRemainder?: boolean;
  /** Binarisation of the batch images (default `'none'`). */
  binarize?: Binarization;
  /** Seed of `'static'` binarisation (default `0`). */
  staticSeed?: number;
  /** `'flat'` gives `x` of shape `[B, H*W]` (default), `'image'` gives `[B, H, W, 1]`. */
  layout?: 'flat' | 'image';
}

/**
 * One epoch's deterministic schedule, from {@link ImageDataset.planEpoch}: the visiting
 * order and the seed of the epoch's dynamic binarisation. Plain data (JSON-serialisable apart
 * from `order`, which is re-derivable from the generator state the plan was drawn from).
 */
export interface EpochPlan {
  /** Dataset-local example indices in visiting order. */
  order: Uint32Array;
  /** Seed of this epoch's per-batch binarisation streams (`Rng.derive(seed, 1, batch)`). */
  seed: number;
  /** Number of batches in the epoch. */
  numBatches: number;
  options: Required<EpochOptions>;
}

/** A batch of images; the caller owns (and must dispose) the tensors. */
export interface ImageBatch {
  /** Float32 images `[B, H*W]` (or `[B, H, W, 1]` with `layout: 'image'`), binarised if asked. */
  x: tf.Tensor;
  /** Int32 labels `[B]`. */
  labels: tf.Tensor1D;
  /** Dataset-local indices of the batch's examples. */
  indices: Uint32Array;
  /** The batch's position in the epoch, `0 .. numBatches-1`. */
  batch: number;
}

/** Options of {@link splitImageSet}. */
export interface SplitOptions {
  /**
   * Validation examples carved from the training file: a count, or a fraction in `(0, 1)`.
   * Default {@link defaultValidationSize}: 10% of the file, at most 5,000 (the usual
   * 55,000/5,000 MNIST split), at least 1.
   */
  validationSize?: number;
  /** Seed of the carve (default `0`); a fixed seed gives the same split on every run. */
  seed?: number;
}

function checkPositiveInt(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${value}`);
  }
}

/**
 * A deterministic view of an {@link ImageSet}: a subset of its examples (by index, sharing
 * the pixel memory), iterated in seeded batches that are turned into tensors only on demand.
 *
 * Randomness comes from an {@link Rng}: {@link ImageDataset.planEpoch} draws exactly one
 * 32-bit word from it per epoch, from which the shuffle (`Rng.derive(seed, 0)`) and each
 * batch's dynamic binarisation (`Rng.derive(seed, 1, batch)`) are derived. Storing the
 * generator state at the start of an epoch (e.g. in a checkpoint) and the batch index is
 * therefore enough to resume mid-epoch with identical batches.
 *
 * @example
 * ```ts
 * const { train } = splitImageSet(loadMnist({ split: 'train' }));
 * const rng = new Rng(1234);
 * for (const { x, labels } of train.batches(rng, { batchSize: 100, binarize: 'dynamic' })) {
 *   // ... a training step on x [100, 784] ...
 *   x.dispose();
 *   labels.dispose();
 * }
 * ```
 */
export class ImageDataset {
  readonly height: number;
  readonly width: number;
  /** Source-set indices of this dataset's examples, in dataset order. */
  readonly indices: Uint32Array;
  private readonly set: ImageSet;

  /**
   * @param set the images (pixel memory is shared, not copied).
   * @param indices which examples of `set` belong to this dataset (default: all, in order).
   */
  constructor(set: ImageSet, indices?: ArrayLike<number>) {
    const pixels = set.height * set.width;
    if (set.images.length !== set.count * pixels) {
      throw new Error(
        `ImageDataset: images has ${set.images.length} values, expected count*height*width = ` +
          `${set.count}*${set.height}*${set.width}`,
      );
    }
    if (set.labels.length !== set.count) {
      throw new Error(
        `ImageDataset: labels has ${set.labels.length} entries, expected ${set.count}`,
      );
    }
    this.set = set;
    this.height = set.height;
    this.width = set.width;
    if (indices === undefined) {
      this.indices = new Uint32Array(set.count);
      for (let i = 0; i < set.count; i++) this.indices[i] = i;
    } else {
      this.indices = Uint32Array.from(indices);
      for (const i of this.indices) {
        if (i >= set.count)
          throw new Error(`ImageDataset: index ${i} out of range [0, ${set.count})`);
      }
    }
  }

  /**
   * Number of examples.
   *
   * @example
   * ```ts
   * new ImageDataset(loadMnist()).size; // 60000
   * ```
   */
  get size(): number {
    return this.indices.length;
  }

  /**
   * Pixels per image, `height * width`.
   *
   * @example
   * ```ts
   * dataset.pixels; // 784 for MNIST
   * ```
   */
  get pixels(): number {
    return this.height * this.width;
  }

  /**
   * The `i`-th image's intensities (a view into the shared pixel memory: do not modify).
   *
   * @example
   * ```ts
   * const first = dataset.image(0); // Float32Array(784)
   * ```
   */
  image(i: number): Float32Array {
    const j = this.sourceIndex(i);
    return this.set.images.subarray(j * this.pixels, (j + 1) * this.pixels);
  }

  /**
   * The `i`-th example's label.
   *
   * @example
   * ```ts
   * dataset.label(0); // 5 for the first MNIST training digit
   * ```
   */
  label(i: number): number {
    return this.set.labels[this.sourceIndex(i)]!;
  }

  /**
   * The dataset restricted to some of its examples (dataset-local indices).
   *
   * @example
   * ```ts
   * const small = dataset.subset([0, 1, 2, 3]);
   * ```
   */
  subset(indices: ArrayLike<number>): ImageDataset {
    return new ImageDataset(
      this.set,
      Array.from(indices, (i) => this.sourceIndex(i)),
    );
  }

  /**
   * The mean image, per pixel (e.g. to initialise a Bernoulli decoder's output bias to
   * `logit(mean)`).
   *
   * @example
   * ```ts
   * const mean = dataset.meanImage(); // Float32Array(784)
   * ```
   */
  meanImage(): Float32Array {
    const p = this.pixels;
    const acc = new Float64Array(p);
    for (const j of this.indices) {
      const base = j * p;
      for (let k = 0; k < p; k++) acc[k]! += this.set.images[base + k]!;
    }
    return Float32Array.from(acc, (s) => s / Math.max(1, this.size));
  }

  /**
   * Plans one epoch: draws one word from `rng` and derives from it the visiting order and
   * the binarisation seed. Pass the plan to {@link ImageDataset.batch}.
   *
   * @example
   * ```ts
   * const plan = dataset.planEpoch(rng, { batchSize: 64, binarize: 'dynamic' });
   * const { x, labels } = dataset.batch(plan, 0);
   * ```
   */
  planEpoch(rng: Rng, options: EpochOptions): EpochPlan {
    const opts: Required<EpochOptions> = {
      shuffle: true,
      dropRemainder: false,
      binarize: 'none',
      staticSeed: 0,
      layout: 'flat',
      ...options,
    };
    checkPositiveInt(opts.batchSize, 'batchSize');
    if (!['none', 'dynamic', 'static'].includes(opts.binarize)) {
      throw new Error(`binarize must be 'none', 'dynamic' or 'static', got ${opts.binarize}`);
    }
    if (!['flat', 'image'].includes(opts.layout)) {
      throw new Error(`layout must be 'flat' or 'image', got ${opts.layout}`);
    }
    const seed = rng.nextUint32();
    let order: Uint32Array;
    if (opts.shuffle) order = Rng.derive(seed, 0).permutation(this.size);
    else {
      order = new Uint32Array(this.size);
      for (let i = 0; i < this.size; i++) order[i] = i;
    }
    const numBatches = opts.dropRemainder
      ? Math.floor(this.size / opts.batchSize)
      : Math.ceil(this.size / opts.batchSize);
    return { order, seed, numBatches, options: opts };
  }

  /**
   * Materialises batch `b` of a planned epoch as tensors (the caller disposes them).
   *
   * @example
   * ```ts
   * const { x, labels } = dataset.batch(plan, 3);
   * ```
   */
  batch(plan: EpochPlan, b: number): ImageBatch {
    if (!Number.isInteger(b) || b < 0 || b >= plan.numBatches) {
      throw new Error(`batch must be an integer in [0, ${plan.numBatches}), got ${b}`);
    }
    const { batchSize, binarize, staticSeed, layout } = plan.options;
    const indices = plan.order.slice(
      b * batchSize,
      Math.min((b + 1) * batchSize, plan.order.length),
    );
    const n = indices.length;
    const p = this.pixels;
    const x = new Float32Array(n * p);
    const labels = new Int32Array(n);
    const dynamicRng = binarize === 'dynamic' ? Rng.derive(plan.seed, 1, b) : undefined;
    const uniforms = binarize === 'none' ? undefined : new Float64Array(p);
    for (let r = 0; r < n; r++) {
      const j = this.indices[indices[r]!]!;
      labels[r] = this.set.labels[j]!;
      const src = this.set.images.subarray(j * p, (j + 1) * p);
      if (binarize === 'none') {
        x.set(src, r * p);
        continue;
      }
      (dynamicRng ?? Rng.derive(staticSeed, j)).fillUniform(uniforms!);
      for (let k = 0; k < p; k++) x[r * p + k] = uniforms![k]! < src[k]! ? 1 : 0;
    }
    const shape = layout === 'image' ? [n, this.height, this.width, 1] : [n, p];
    return {
      x: tf.tensor(x, shape, 'float32'),
      labels: tf.tensor1d(labels, 'int32'),
      indices,
      batch: b,
    };
  }

  /**
   * Iterates one epoch's batches (plans it with {@link ImageDataset.planEpoch}; `startBatch`
   * skips the first batches, for resuming mid-epoch from the generator state saved at the
   * epoch's start). Each batch's tensors are created on demand and owned by the caller.
   *
   * @example
   * ```ts
   * for (const { x, labels } of dataset.batches(rng, { batchSize: 128 })) {
   *   x.dispose(); labels.dispose();
   * }
   * ```
   */
  *batches(
    rng: Rng,
    options: EpochOptions & { startBatch?: number },
  ): Generator<ImageBatch, void, undefined> {
    const { startBatch = 0, ...epoch } = options;
    const plan = this.planEpoch(rng, epoch);
    if (!Number.isInteger(startBatch) || startBatch < 0 || startBatch > plan.numBatches) {
      throw new Error(
        `startBatch must be an integer in [0, ${plan.numBatches}], got ${startBatch}`,
      );
    }
    for (let b = startBatch; b < plan.numBatches; b++) yield this.batch(plan, b);
  }

  private sourceIndex(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.indices.length) {
      throw new Error(`index must be an integer in [0, ${this.indices.length}), got ${i}`);
    }
    return this.indices[i]!;
  }
}

/**
 * The validation set vaekit carves out of a training file of `count` images: 10% of it, at most
 * 5,000 (MNIST's 60,000 give the usual 55,000/5,000 split) and at least 1.
 *
 * @example
 * ```ts
 * defaultValidationSize(60000); // 5000
 * defaultValidationSize(4000);  // 400
 * defaultValidationSize(3);     // 1
 * ```
 */
export function defaultValidationSize(count: number): number {
  return Math.min(5000, Math.max(1, Math.round(count / 10)));
}

/**
 * Carves a fixed validation set out of a training file: a seeded permutation of the examples,
 * whose first `validationSize` become the validation set and the rest the training set (each
 * kept in file order). The same seed always gives the same split.
 *
 * @throws Error naming the set's source when, with the default `validationSize`, it has fewer
 *   than 3 images (1 to validate on, 2 to train on).
 *
 * @example
 * ```ts
 * const { train, validation } = splitImageSet(loadMnist({ split: 'train' }));
 * train.size;      // 55000
 * validation.size; // 5000
 * ```
 */
export function splitImageSet(
  set: ImageSet,
  options: SplitOptions = {},
): { train: ImageDataset; validation: ImageDataset } {
  const { seed = 0 } = options;
  if (options.validationSize === undefined && set.count < 3) {
    throw new Error(
      `${set.source}: ${set.count} image${set.count === 1 ? '' : 's'}, too few: vaekit carves a validation set out of the training images (10%, at least 1) and needs at least 2 more to train on, so at least 3; add images`,
    );
  }
  const validationSize = options.validationSize ?? defaultValidationSize(set.count);
  let v: number;
  if (validationSize > 0 && validationSize < 1) v = Math.round(validationSize * set.count);
  else if (Number.isInteger(validationSize) && validationSize >= 0 && validationSize < set.count) {
    v = validationSize;
  } else {
    throw new Error(
      `validationSize must be a fraction in (0, 1) or an integer in [0, ${set.count}), got ${validationSize}`,
    );
  }
  const perm = new Rng(seed).permutation(set.count);
  const validation = perm.slice(0, v).sort();
  const train = perm.slice(v).sort();
  return { train: new ImageDataset(set, train), validation: new ImageDataset(set, validation) };
}

/** The train/validation/test splits of an image data set. */
export interface ImageSplits {
  train: ImageDataset;
  validation: ImageDataset;
  test: ImageDataset;
}
