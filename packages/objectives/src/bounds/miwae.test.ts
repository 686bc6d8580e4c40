import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectFinite, expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { columns, logMeanExp64, mean64 } from '../internal/reference';
import { elbo } from './elbo';
import { iwae } from './iwae';
import { miwae } from './miwae';

const data = Array.from(normalSamples(12 * 3, 5), (v) => 3 * v - 10);

describe('miwae', () => {
  it('averages IWAE bounds over contiguous blocks of k rows (float64 reference)', () => {
    tf.tidy(() => {
      const got = miwae(tf.tensor2d(data, [12, 3]), { groups: 3 });
      const expected = columns(data, 12, 3).map((col) =>
        mean64([0, 1, 2].map((m) => logMeanExp64(col.slice(4 * m, 4 * m + 4)))),
      );
      expect(got.shape).toEqual([3]);
      expectAllClose(got, expected, { rtol: 1e-5 });
    });
  });

  it('MIWAE(1, K) = IWAE_K and MIWAE(K, 1) = ELBO', () => {
    tf.tidy(() => {
      const lw = tf.tensor2d(data, [12, 3]);
      expectAllClose(miwae(lw, { groups: 1 }), iwae(lw), { rtol: 1e-6 });
      expectAllClose(miwae(lw, { groups: 12 }), elbo(lw), { rtol: 1e-6 });
    });
  });

  it('lies between the ELBO and IWAE_K of the same log-weights', () => {
    tf.tidy(() => {
      const lw = tf.tensor2d(data, [12, 3]);
      const e = elbo(lw).dataSync();
      const m = miwae(lw, { groups: 4 }).dataSync();
      const i = iwae(lw).dataSync();
      for (let b = 0; b < 3; b++) {
        expect(m[b]!).toBeGreaterThanOrEqual(e[b]!);
        expect(m[b]!).toBeLessThanOrEqual(i[b]!);
      }
    });
  });

  it('is stable around -1e4 with K = 5000', () => {
    const k = 5000;
    const big = Array.from(normalSamples(k * 2, 6), (v) => -1e4 + 20 * v);
    tf.tidy(() => {
      const got = miwae(tf.tensor2d(big, [k, 2]), { groups: 50 });
      expectFinite(got);
      const expected = columns(big, k, 2).map((col) =>
        mean64(
          Array.from({ length: 50 }, (_, m) => logMeanExp64(col.slice(100 * m, 100 * m + 100))),
        ),
      );
      expectAllClose(got, expected, { rtol: 0, atol: 5e-3 });
      // MIWAE(K, 1) = ELBO with K = 5000 terms around -1e4.
      expectAllClose(
        miwae(tf.tensor2d(big, [k, 2]), { groups: k }),
        columns(big, k, 2).map(mean64),
        {
          rtol: 0,
          atol: 5e-3,
        },
      );
    });
  });

  it('has a finite gradient, 0 through the log-mean-exp, for an example whose log-weights are all -Infinity', () => {
    // Built on logMeanExp, which no longer turns a column of zero weights into a NaN gradient;
    // groups are contiguous blocks of K/M rows, each group's softmax divided by M = 2.
    const NEG = Number.NEGATIVE_INFINITY;
    tf.tidy(() => {
      const lw = tf.tensor2d([
        [NEG, 0],
        [NEG, 0],
        [NEG, 0],
        [NEG, Math.log(3)],
      ]);
      const g = tf
        .grad((v: tf.Tensor) => tf.sum(miwae(v, { groups: 2 })))(lw)
        .arraySync() as number[][];
      expect(g).toEqual([
        [0, expect.closeTo(0.25, 6)],
        [0, expect.closeTo(0.25, 6)],
        [0, expect.closeTo(0.125, 6)],
        [0, expect.closeTo(0.375, 6)],
      ]);
    });
  });

  it('rejects groups that do not divide K, and bad log-weights, naming the argument', () => {
    tf.tidy(() => {
      const lw = tf.ones([6, 2]);
      expect(() => miwae(lw, { groups: 4 })).toThrow(
        /^groups must be a positive integer dividing the number of samples K = 6, got 4/,
      );
      expect(() => miwae(lw, { groups: 0 })).toThrow(/^groups must be/);
      expect(() => miwae(lw, { groups: 1.5 })).toThrow(/^groups must be/);
      expect(() => miwae(tf.ones([6]), { groups: 2 })).toThrow(/^logWeights must be/);
    });
  });

  it('leaks no tensors', async () => {
    const lw = tf.randomNormal([6, 2]);
    await expectNoLeaks(() => miwae(lw, { groups: 2 }));
    lw.dispose();
  });
});
