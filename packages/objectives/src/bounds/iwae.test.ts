import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectFinite, expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { columns, logMeanExp64 } from '../internal/reference';
import { elbo } from './elbo';
import { iwae } from './iwae';

describe('iwae', () => {
  it('is log of the mean weight (float64 reference)', () => {
    const data = Array.from(normalSamples(8 * 5, 1), (v) => 4 * v);
    tf.tidy(() => {
      const got = iwae(tf.tensor2d(data, [8, 5]));
      expect(got.shape).toEqual([5]);
      expectAllClose(got, columns(data, 8, 5).map(logMeanExp64), { rtol: 1e-5 });
    });
  });

  it('IWAE_1 = ELBO', () => {
    tf.tidy(() => {
      const lw = tf.tensor2d([[-3, 0.5, -1e4]]);
      expectAllClose(iwae(lw), elbo(lw), { rtol: 1e-7 });
    });
  });

  it('is at least the ELBO of the same log-weights (Jensen), equal only for equal weights', () => {
    const data = Array.from(normalSamples(10 * 4, 2), (v) => 3 * v - 20);
    tf.tidy(() => {
      const lw = tf.tensor2d(data, [10, 4]);
      const gap = tf.sub(iwae(lw), elbo(lw)).dataSync();
      for (const g of gap) expect(g).toBeGreaterThan(0);
      expectAllClose(iwae(tf.fill([7, 2], -5)), [-5, -5], { rtol: 1e-6 });
    });
  });

  it('is stable for log-weights around -1e4 with K = 5000', () => {
    const k = 5000;
    const data = Array.from(normalSamples(k * 3, 3), (v, i) => -1e4 + 20 * v + (i % 3));
    tf.tidy(() => {
      const got = iwae(tf.tensor2d(data, [k, 3]));
      expectFinite(got);
      expectAllClose(got, columns(data, k, 3).map(logMeanExp64), { rtol: 0, atol: 5e-3 });
      const grad = tf.grad((x: tf.Tensor) => tf.sum(iwae(x)))(tf.tensor2d(data, [k, 3]));
      expectFinite(grad);
      // The gradient is the normalised weights: each column sums to 1.
      expectAllClose(tf.sum(grad, 0), [1, 1, 1], { rtol: 1e-4 });
    });
  });

  it('an example whose K log-weights are all -Infinity: bound -Infinity, gradient 0 (was NaN)', () => {
    tf.tidy(() => {
      const lw = tf.tensor2d([
        [Number.NEGATIVE_INFINITY, 0],
        [Number.NEGATIVE_INFINITY, Math.log(3)],
      ]);
      expect(Array.from(iwae(lw).dataSync())).toEqual([
        Number.NEGATIVE_INFINITY,
        expect.closeTo(Math.log(2), 6),
      ]);
      const g = tf
        .grad((v: tf.Tensor) => tf.sum(iwae(v)))(lw)
        .arraySync() as number[][];
      expect(g).toEqual([
        [0, expect.closeTo(0.25, 6)],
        [0, expect.closeTo(0.75, 6)],
      ]);
    });
  });

  it('rejects log-weights that are not [K, B], naming logWeights', () => {
    tf.tidy(() => {
      expect(() => iwae(tf.ones([4]))).toThrow(
        /^logWeights must be a rank-2 tensor of shape \[K, B\]/,
      );
    });
  });

  it('leaks no tensors', async () => {
    const lw = tf.randomNormal([5, 2]);
    await expectNoLeaks(() => iwae(lw));
    lw.dispose();
  });
});
