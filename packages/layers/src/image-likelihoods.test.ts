import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@vaekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { BernoulliLikelihood, GaussianLikelihood } from './image-likelihoods';

/** Column means and (unbiased) variances of draws `[M, N, D]` -> `[N * D]` each. */
function moments(draws: tf.Tensor, M: number): { mean: Float32Array; variance: Float32Array } {
  return tf.tidy(() => {
    const flat = tf.reshape(draws, [M, -1]);
    const { mean, variance } = tf.moments(flat, 0);
    return {
      mean: mean.dataSync() as Float32Array,
      variance: tf.mul(variance, M / (M - 1)).dataSync() as Float32Array,
    };
  });
}

describe('BernoulliLikelihood.sample', () => {
  let logits: tf.Tensor2D;
  beforeAll(() => {
    logits = tf.tensor2d([
      [-2, 0, 1.5, 4],
      [0.3, -0.7, 2, -3],
    ]);
  });

  it('draws binary images [N, D], reproducibly from a seed (0 included)', () => {
    const px = new BernoulliLikelihood(logits);
    const a = px.sample({ seed: 3 });
    expect(a.shape).toEqual([2, 4]);
    expect(a.dtype).toBe('float32');
    for (const v of a.dataSync()) expect([0, 1]).toContain(v);
    expect(Array.from(px.sample({ seed: 3 }).dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(px.sample({ seed: 0 }).dataSync())).toEqual(
      Array.from(px.sample({ seed: 0 }).dataSync()),
    );
    // A draw the likelihood scores: log p(x~ | z) is finite.
    expect(Number.isFinite(px.logProb(a).dataSync()[0]!)).toBe(true);
  });

  it('has mean sigmoid(logits): every pixel within 4 standard errors over 6000 draws', () => {
    const M = 6000;
    const draws = tf.tidy(() => {
      const many = new BernoulliLikelihood(tf.tile(logits, [M, 1]) as tf.Tensor2D);
      return many.sample({ seed: 11 });
    });
    const { mean } = moments(draws, M);
    const p = tf.sigmoid(logits).dataSync();
    p.forEach((pk, k) => {
      expect(Math.abs(mean[k]! - pk)).toBeLessThanOrEqual(4 * Math.sqrt((pk * (1 - pk)) / M));
    });
    // Different seeds give different draws.
    const other = new BernoulliLikelihood(tf.tile(logits, [M, 1]) as tf.Tensor2D);
    const b = other.sample({ seed: 12 });
    expect(Array.from(b.dataSync())).not.toEqual(Array.from(draws.dataSync()));
    tf.dispose([draws, b]);
    other.dispose();
  });

  it('leaks no tensors', async () => {
    const px = new BernoulliLikelihood(logits);
    await expectNoLeaks(() => px.sample({ seed: 1 }));
    await expectNoLeaks(() => px.sample());
  });
});

describe('GaussianLikelihood.sample', () => {
  const sigmas = [1, 0.3, 2, 0.5, 1.5, 0.1];
  let loc: tf.Tensor2D;
  let logVariance: tf.Tensor2D;
  beforeAll(() => {
    loc = tf.tensor2d([
      [0, 1, -2],
      [3, 0.5, -1],
    ]);
    logVariance = tf.tensor2d(
      sigmas.map((s) => 2 * Math.log(s)),
      [2, 3],
    );
  });

  it('draws [N, D] reproducibly from a seed, without gradient', () => {
    const px = new GaussianLikelihood(loc, logVariance);
    const a = px.sample({ seed: 5 });
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(px.sample({ seed: 5 }).dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(px.sample({ seed: 6 }).dataSync())).not.toEqual(Array.from(a.dataSync()));
    const g = tf.grad((mu: tf.Tensor) =>
      tf.sum(new GaussianLikelihood(mu as tf.Tensor2D, logVariance).sample({ seed: 1 })),
    )(loc);
    expect(Array.from(g.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('has mean mu and variance sigma^2: within 4 standard errors over 8000 draws', () => {
    const M = 8000;
    const draws = tf.tidy(() =>
      new GaussianLikelihood(
        tf.tile(loc, [M, 1]) as tf.Tensor2D,
        tf.tile(logVariance, [M, 1]),
      ).sample({ seed: 21 }),
    );
    const { mean, variance } = moments(draws, M);
    const mu = loc.dataSync();
    sigmas.forEach((s, k) => {
      expect(Math.abs(mean[k]! - mu[k]!)).toBeLessThanOrEqual((4 * s) / Math.sqrt(M));
      expect(Math.abs(variance[k]! - s * s)).toBeLessThanOrEqual(
        4 * s * s * Math.sqrt(2 / (M - 1)),
      );
    });
    draws.dispose();
  });

  it('broadcasts a fixed (scalar) log-variance, as ImageVAE with a fixed gaussianScale builds it', () => {
    const M = 8000;
    const draws = tf.tidy(() =>
      new GaussianLikelihood(tf.zeros([M, 2]) as tf.Tensor2D, tf.scalar(2 * Math.log(0.5))).sample({
        seed: 2,
      }),
    );
    expect(draws.shape).toEqual([M, 2]);
    const { variance } = moments(draws, M);
    for (const v of variance)
      expect(Math.abs(v - 0.25)).toBeLessThanOrEqual(4 * 0.25 * Math.sqrt(2 / (M - 1)));
    draws.dispose();
  });

  it('leaks no tensors', async () => {
    const px = new GaussianLikelihood(loc, logVariance);
    await expectNoLeaks(() => px.sample({ seed: 1 }));
  });
});
