import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng';
import { ImageDataset, defaultValidationSize, splitImageSet } from './image-dataset';
import type { ImageSet } from './image-set';

/** n images of 2x2 pixels; image i has all pixels equal to intensity[i % intensities.length]. */
function syntheticSet(n: number, intensities = [0.25, 0.5, 0.75]): ImageSet {
  const images = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) images.fill(intensities[i % intensities.length]!, 4 * i, 4 * i + 4);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { images, labels, count: n, height: 2, width: 2, source: 'synthetic' };
}

describe('ImageDataset', () => {
  it('visits every example exactly once per epoch, in a seed-determined order', () => {
    const ds = new ImageDataset(syntheticSet(10));
    const collect = (seed: number) => {
      const seen: number[] = [];
      for (const b of ds.batches(new Rng(seed), { batchSize: 3 })) {
        seen.push(...b.indices);
        expect(b.x.shape).toEqual([b.indices.length, 4]);
        tf.dispose([b.x, b.labels]);
      }
      return seen;
    };
    const a = collect(1);
    expect([...a].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(collect(1)).toEqual(a);
    expect(collect(2)).not.toEqual(a);
  });

  it('batch tensors hold the right images and labels; dropRemainder and layout work', async () => {
    const ds = new ImageDataset(syntheticSet(7));
    const plan = ds.planEpoch(new Rng(0), {
      batchSize: 3,
      shuffle: false,
      dropRemainder: true,
      layout: 'image',
    });
    expect(plan.numBatches).toBe(2);
    const b = ds.batch(plan, 1);
    expect(b.x.shape).toEqual([3, 2, 2, 1]);
    expect(Array.from(await b.labels.data())).toEqual([3, 4, 5]);
    expect(Array.from(await b.x.data()).slice(0, 4)).toEqual([0.25, 0.25, 0.25, 0.25]); // image 3
    tf.dispose([b.x, b.labels]);
    expect(ds.planEpoch(new Rng(0), { batchSize: 3 }).numBatches).toBe(3);
  });

  it('creates no tensors beyond the batches it returns', async () => {
    const ds = new ImageDataset(syntheticSet(5));
    await expectNoLeaks(() => [...ds.batches(new Rng(3), { batchSize: 2, binarize: 'dynamic' })]);
  });

  it('dynamic binarisation: pixel ~ Bernoulli(intensity), redrawn each epoch', async () => {
    const n = 3000;
    const ds = new ImageDataset(syntheticSet(n));
    const rng = new Rng(11);
    const epoch = async () => {
      const ones = [0, 0, 0];
      const total = [0, 0, 0];
      const all: number[] = [];
      for (const b of ds.batches(rng, { batchSize: 1000, binarize: 'dynamic', shuffle: false })) {
        const x = await b.x.data();
        all.push(...x);
        b.indices.forEach((i, r) => {
          for (let k = 0; k < 4; k++) {
            ones[i % 3]! += x[4 * r + k]!;
            total[i % 3]! += 1;
          }
        });
        tf.dispose([b.x, b.labels]);
      }
      expect(all.every((v) => v === 0 || v === 1)).toBe(true);
      return { freq: ones.map((o, c) => o / total[c]!), all };
    };
    const e1 = await epoch();
    // 4000 Bernoulli draws per intensity: sd <= 0.008, so 0.035 is > 4 sd.
    e1.freq.forEach((f, c) => {
      expect(Math.abs(f - [0.25, 0.5, 0.75][c]!)).toBeLessThan(0.035);
    });
    const e2 = await epoch();
    expect(e2.all).not.toEqual(e1.all);
  });

  it('static binarisation is the same every epoch; resuming from the saved state with startBatch reproduces batches', async () => {
    const ds = new ImageDataset(syntheticSet(20));
    const rng = new Rng(5);
    const read = async (it: Iterable<{ x: tf.Tensor; labels: tf.Tensor }>) => {
      const out: number[][] = [];
      for (const b of it) {
        out.push(Array.from(await b.x.data()));
        tf.dispose([b.x, b.labels]);
      }
      return out;
    };
    const byIndex = async (seed: number) => {
      const plan = ds.planEpoch(new Rng(seed), { batchSize: 20, binarize: 'static' });
      const b = ds.batch(plan, 0);
      const x = await b.x.data();
      const rows = new Map<number, number[]>();
      b.indices.forEach((i, r) => {
        rows.set(i, Array.from(x.subarray(4 * r, 4 * r + 4)));
      });
      tf.dispose([b.x, b.labels]);
      return [...rows.entries()].sort((p, q) => p[0] - q[0]);
    };
    expect(await byIndex(1)).toEqual(await byIndex(2)); // different shuffles, same static images

    const saved = rng.state();
    const full = await read(ds.batches(rng, { batchSize: 6, binarize: 'dynamic' }));
    const resumed = await read(
      ds.batches(Rng.fromState(saved), { batchSize: 6, binarize: 'dynamic', startBatch: 2 }),
    );
    expect(resumed).toEqual(full.slice(2));
  });

  it('subset, image, label and meanImage', () => {
    const ds = new ImageDataset(syntheticSet(6)).subset([1, 2]);
    expect(ds.size).toBe(2);
    expect(ds.label(1)).toBe(2);
    expect(Array.from(ds.image(0))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(ds.meanImage())).toEqual([0.625, 0.625, 0.625, 0.625]);
    expect(() => ds.image(2)).toThrow(/index must be an integer in \[0, 2\)/);
  });

  it('rejects bad options, naming them', () => {
    const ds = new ImageDataset(syntheticSet(4));
    expect(() => ds.planEpoch(new Rng(0), { batchSize: 0 })).toThrow(
      /batchSize must be a positive integer/,
    );
    expect(() => ds.planEpoch(new Rng(0), { batchSize: 1, binarize: 'yes' as 'none' })).toThrow(
      /binarize must be/,
    );
    expect(() => [...ds.batches(new Rng(0), { batchSize: 2, startBatch: 3 })]).toThrow(
      /startBatch must be/,
    );
    expect(() => new ImageDataset({ ...syntheticSet(4), count: 5 })).toThrow(
      /images has 16 values/,
    );
  });
});

describe('splitImageSet', () => {
  it('carves a fixed, disjoint, exhaustive train/validation split', () => {
    const set = syntheticSet(100);
    const a = splitImageSet(set, { validationSize: 20, seed: 3 });
    const b = splitImageSet(set, { validationSize: 20, seed: 3 });
    expect(a.validation.size).toBe(20);
    expect(a.train.size).toBe(80);
    expect(Array.from(a.validation.indices)).toEqual(Array.from(b.validation.indices));
    const all = [...a.train.indices, ...a.validation.indices].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(
      Array.from(splitImageSet(set, { validationSize: 20, seed: 4 }).validation.indices),
    ).not.toEqual(Array.from(a.validation.indices));
    expect(splitImageSet(set, { validationSize: 0.1 }).validation.size).toBe(10);
    expect(() => splitImageSet(set, { validationSize: 100 })).toThrow(/validationSize must be/);
  });

  it('carves 10% by default, at most 5,000 (MNIST 55,000 / 5,000) and at least 1', () => {
    expect([60_000, 50_000, 49_999, 5000, 101, 20, 3].map((n) => defaultValidationSize(n))).toEqual(
      [5000, 5000, 5000, 500, 10, 2, 1],
    );
    // The 5,000-image default of earlier versions: the same carve where it applied (>= 50,000).
    const big = syntheticSet(60_000);
    expect(Array.from(splitImageSet(big).validation.indices)).toEqual(
      Array.from(splitImageSet(big, { validationSize: 5000 }).validation.indices),
    );
    expect([
      splitImageSet(syntheticSet(5000)).train.size,
      splitImageSet(syntheticSet(3)).train.size,
    ]).toEqual([4500, 2]);
    expect(() => splitImageSet(syntheticSet(2))).toThrow(
      'synthetic: 2 images, too few: vaekit carves a validation set out of the training images (10%, at least 1) and needs at least 2 more to train on, so at least 3; add images',
    );
  });
});
