import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { freeBitsKL } from './free-bits';

describe('freeBitsKL', () => {
  it('is sum_j max(lambda, batch-mean KL_j)', () => {
    tf.tidy(() => {
      const kl = tf.tensor2d([
        [0.1, 2, 0.5],
        [0.3, 4, 0.7],
      ]);
      // batch means [0.2, 3, 0.6]
      expectAllClose(freeBitsKL(kl, 0.5), 0.5 + 3 + 0.6, { rtol: 1e-6 });
      expectAllClose(freeBitsKL(kl, 0), 0.2 + 3 + 0.6, { rtol: 1e-6 });
      expectAllClose(freeBitsKL(kl, 10), 30, { rtol: 1e-6 });
    });
  });

  it('passes no gradient to dimensions below the floor, the usual one above it', () => {
    tf.tidy(() => {
      const kl = tf.tensor2d([
        [0.1, 2],
        [0.3, 4],
      ]);
      const g = tf.grad((v: tf.Tensor) => freeBitsKL(v, 0.5))(kl);
      expectAllClose(g, [0, 0.5, 0, 0.5]);
    });
  });

  it('rejects bad arguments, naming them', () => {
    tf.tidy(() => {
      expect(() => freeBitsKL(tf.ones([3]), 0.1)).toThrow(
        /^klPerDimension must be a rank-2 tensor of shape \[B, d\]/,
      );
      expect(() => freeBitsKL(tf.ones([2, 3]), -0.1)).toThrow(
        /^lambda must be a finite number >= 0/,
      );
    });
  });

  it('leaks no tensors', async () => {
    const kl = tf.ones([2, 3]);
    await expectNoLeaks(() => freeBitsKL(kl, 0.5));
    kl.dispose();
  });
});
