import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectFinite, expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { columns, logMeanExp64, mean64 } from '../internal/reference';
import { ciwae } from './ciwae';
import { elbo } from './elbo';
import { iwae } from './iwae';

const data = Array.from(normalSamples(10 * 4, 7), (v) => 3 * v - 10);

describe('ciwae', () => {
  it('is beta * ELBO + (1 - beta) * IWAE_K (float64 reference)', () => {
    tf.tidy(() => {
      const got = ciwae(tf.tensor2d(data, [10, 4]), { beta: 0.3 });
      const expected = columns(data, 10, 4).map(
        (col) => 0.3 * mean64(col) + 0.7 * logMeanExp64(col),
      );
      expectAllClose(got, expected, { rtol: 1e-5 });
    });
  });

  it('CIWAE(1) = ELBO and CIWAE(0) = IWAE_K', () => {
    tf.tidy(() => {
      const lw = tf.tensor2d(data, [10, 4]);
      expectAllClose(ciwae(lw, { beta: 1 }), elbo(lw), { rtol: 1e-6 });
      expectAllClose(ciwae(lw, { beta: 0 }), iwae(lw), { rtol: 1e-6 });
    });
  });

  it('is stable around -1e4 with K = 5000', () => {
    const k = 5000;
    const big = Array.from(normalSamples(k * 2, 8), (v) => -1e4 + 20 * v);
    tf.tidy(() => {
      const got = ciwae(tf.tensor2d(big, [k, 2]), { beta: 0.5 });
      expectFinite(got);
      const expected = columns(big, k, 2).map((col) => 0.5 * mean64(col) + 0.5 * logMeanExp64(col));
      expectAllClose(got, expected, { rtol: 0, atol: 5e-3 });
    });
  });

  it('has a finite gradient, 0 through the log-mean-exp, for an example whose log-weights are all -Infinity', () => {
    // (the ELBO part, beta * mean, gives each -Infinity entry its 1/K: finite, not NaN)
    const NEG = Number.NEGATIVE_INFINITY;
    tf.tidy(() => {
      const lw = tf.tensor2d([
        [NEG, 0],
        [NEG, Math.log(3)],
      ]);
      const g = tf
        .grad((v: tf.Tensor) => tf.sum(ciwae(v, { beta: 0.3 })))(lw)
        .arraySync() as number[][];
      expect(g).toEqual([
        [expect.closeTo(0.15, 6), expect.closeTo(0.15 + 0.7 * 0.25, 6)],
        [expect.closeTo(0.15, 6), expect.closeTo(0.15 + 0.7 * 0.75, 6)],
      ]);
    });
  });

  it('rejects beta outside [0, 1], naming beta', () => {
    tf.tidy(() => {
      const lw = tf.ones([3, 2]);
      expect(() => ciwae(lw, { beta: 1.5 })).toThrow(/^beta must be a number in \[0, 1\], got 1.5/);
      expect(() => ciwae(lw, { beta: -0.1 })).toThrow(/^beta must be a number in \[0, 1\]/);
      expect(() => ciwae(lw, { beta: Number.NaN })).toThrow(/^beta must be/);
      expect(() => ciwae(tf.ones([3, 2, 1]), { beta: 0.5 })).toThrow(/^logWeights must be/);
    });
  });

  it('leaks no tensors', async () => {
    const lw = tf.randomNormal([6, 2]);
    await expectNoLeaks(() => ciwae(lw, { beta: 0.5 }));
    lw.dispose();
  });
});
