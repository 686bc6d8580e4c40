import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { dregIwaeSurrogate } from './dreg-surrogate';
import { columns, mean64 } from './internal/reference';

const K = 8;
const B = 3;
const data = Array.from(normalSamples(K * B, 31), (v) => 2 * v - 40);

/** Normalised weights of `logW` in float64. */
function normalised64(logW: number[]): number[] {
  const m = Math.max(...logW);
  const w = logW.map((v) => Math.exp(v - m));
  const s = w.reduce((a, v) => a + v, 0);
  return w.map((v) => v / s);
}

describe('dregIwaeSurrogate', () => {
  it('is (1/M) sum_m sum_j w~^2 log w within groups (float64 reference)', () => {
    for (const groups of [1, 2, 4]) {
      const k = K / groups;
      const expected = columns(data, K, B).map((col) =>
        mean64(
          Array.from({ length: groups }, (_, m) => {
            const block = col.slice(m * k, m * k + k);
            return normalised64(block).reduce((a, w, j) => a + w * w * block[j]!, 0);
          }),
        ),
      );
      tf.tidy(() => {
        const got = dregIwaeSurrogate(tf.tensor2d(data, [K, B]), groups);
        expect(got.shape).toEqual([B]);
        expectAllClose(got, expected, { rtol: 1e-5 });
      });
    }
  });

  it('has gradient sg(w~^2) / M in the log-weights (the weights are stopped)', () => {
    tf.tidy(() => {
      const grad = tf.grad((lw: tf.Tensor) => tf.sum(dregIwaeSurrogate(lw, 2)))(
        tf.tensor2d(data, [K, B]),
      );
      const expected: number[] = new Array(K * B);
      columns(data, K, B).forEach((col, b) => {
        for (const m of [0, 1]) {
          normalised64(col.slice(4 * m, 4 * m + 4)).forEach((w, j) => {
            expected[(4 * m + j) * B + b] = (w * w) / 2;
          });
        }
      });
      expectAllClose(grad, expected, { rtol: 1e-4, atol: 1e-7 });
    });
  });

  it('rejects bad arguments, naming them, and leaks no tensors', async () => {
    tf.tidy(() => {
      expect(() => dregIwaeSurrogate(tf.ones([6, 2]), 4)).toThrow(
        /^groups must be a positive integer dividing the number of samples K = 6, got 4/,
      );
      expect(() => dregIwaeSurrogate(tf.ones([6]))).toThrow(/^logWeights must be a rank-2/);
    });
    const lw = tf.randomNormal([6, 2]);
    await expectNoLeaks(() => dregIwaeSurrogate(lw, 3));
    lw.dispose();
  });
});
