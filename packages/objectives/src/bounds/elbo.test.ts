import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { columns, mean64 } from '../internal/reference';
import { elbo } from './elbo';

describe('elbo', () => {
  it('is the mean of the log-weights over the samples', () => {
    const data = Array.from(normalSamples(12, 1), (v) => 2 * v - 50);
    tf.tidy(() => {
      const got = elbo(tf.tensor2d(data, [4, 3]));
      expect(got.shape).toEqual([3]);
      expectAllClose(got, columns(data, 4, 3).map(mean64), { rtol: 1e-6 });
    });
  });

  it('is stable around -1e4 with K = 5000', () => {
    const data = Array.from(normalSamples(5000 * 2, 2), (v) => -1e4 + v);
    tf.tidy(() => {
      expectAllClose(elbo(tf.tensor2d(data, [5000, 2])), columns(data, 5000, 2).map(mean64), {
        rtol: 0,
        atol: 5e-3,
      });
    });
  });

  it('rejects log-weights that are not [K, B], naming logWeights', () => {
    tf.tidy(() => {
      expect(() => elbo(tf.ones([3]))).toThrow(
        /^logWeights must be a rank-2 tensor of shape \[K, B\]/,
      );
      expect(() => elbo(tf.ones([2, 3, 4]))).toThrow(/logWeights must be a rank-2 tensor/);
    });
  });

  it('leaks no tensors', async () => {
    const lw = tf.randomNormal([5, 2]);
    await expectNoLeaks(() => elbo(lw));
    lw.dispose();
  });
});
