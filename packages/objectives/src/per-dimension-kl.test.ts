import * as tf from '@tensorflow/tfjs-core';
import { DiagonalNormal, Distribution, StandardNormal, klDivergence } from '@vaekit/distributions';
import { expectAllClose, expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { perDimensionKL } from './per-dimension-kl';

describe('perDimensionKL', () => {
  it('is 1/2 (mu^2 + sigma^2 - log sigma^2 - 1) per dimension against N(0, I), summing to the KL', () => {
    tf.tidy(() => {
      const loc = tf.tensor2d([
        [1, 0, -0.5],
        [0.2, 2, 0],
      ]);
      const scale = tf.tensor2d([
        [1, 0.5, 2],
        [0.1, 1, 1],
      ]);
      const q = new DiagonalNormal({ loc, scale });
      const prior = new StandardNormal({ dim: 3 });
      const locs = loc.arraySync() as number[][];
      const scales = scale.arraySync() as number[][];
      const expected = locs.map((row, b) =>
        row.map((m, j) => 0.5 * (m * m + scales[b]![j]! ** 2 - Math.log(scales[b]![j]! ** 2) - 1)),
      );
      const got = perDimensionKL(q, prior);
      expectAllClose(got, expected.flat(), { rtol: 1e-5, atol: 1e-7 });
      expectAllClose(tf.sum(got, -1), klDivergence(q, prior), { rtol: 1e-5 });
    });
  });

  it('handles a general diagonal Gaussian prior and a shared scale', () => {
    tf.tidy(() => {
      const q = new DiagonalNormal({ loc: tf.tensor2d([[1, 2]]), scale: tf.tensor1d([0.5, 0.5]) });
      const p = new DiagonalNormal({ loc: tf.tensor1d([0, 1]), scale: tf.tensor1d([2, 1]) });
      const got = perDimensionKL(q, p);
      expect(got.shape).toEqual([1, 2]);
      expectAllClose(tf.sum(got, -1), klDivergence(q, p), { rtol: 1e-5 });
    });
  });

  it('throws that free bits needs a factorised KL for other pairs', () => {
    class PointMass extends Distribution {
      constructor() {
        super([1], [2]);
      }
      protected _rsample(): tf.Tensor {
        return tf.zeros([1, 2]);
      }
      protected _logProb(v: tf.Tensor): tf.Tensor {
        return tf.zeros(v.shape.slice(0, -1));
      }
      protected override _entropy(): tf.Tensor {
        return tf.zeros([1]);
      }
      protected _mean(): tf.Tensor {
        return tf.zeros([1, 2]);
      }
      protected _detached(): Distribution {
        return this;
      }
    }
    expect(() => perDimensionKL(new PointMass(), new StandardNormal({ dim: 2 }))).toThrow(
      /^free bits needs a factorised KL per latent dimension.*got KL\(PointMass \|\| StandardNormal\)/,
    );
  });

  it('leaks no tensors', async () => {
    const loc = tf.zeros([2, 3]);
    const scale = tf.ones([2, 3]);
    const q = new DiagonalNormal({ loc, scale });
    const prior = new StandardNormal({ dim: 3 });
    await expectNoLeaks(() => perDimensionKL(q, prior));
    tf.dispose([loc, scale]);
    prior.dispose();
  });
});
