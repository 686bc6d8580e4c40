import * as tf from '@tensorflow/tfjs-core';
import {
  expectAllClose,
  expectFinite,
  expectNoLeaks,
  mulberry32,
  normalSamples,
} from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { columns, logMeanExp64 } from './internal/reference';
import { logMeanExp } from './log-mean-exp';

describe('logMeanExp', () => {
  it('matches a float64 reference along each axis', () => {
    const data = Array.from(normalSamples(5 * 7, 1), (v) => 3 * v);
    tf.tidy(() => {
      const x = tf.tensor2d(data, [5, 7]);
      expectAllClose(logMeanExp(x), columns(data, 5, 7).map(logMeanExp64), { rtol: 1e-5 });
      const rows = Array.from({ length: 5 }, (_, i) => data.slice(i * 7, i * 7 + 7));
      expectAllClose(logMeanExp(x, 1), rows.map(logMeanExp64), { rtol: 1e-5 });
      expectAllClose(logMeanExp(x, -1), rows.map(logMeanExp64), { rtol: 1e-5 });
      expect(logMeanExp(tf.tensor1d([1, 2, 3])).shape).toEqual([]);
    });
  });

  it('is stable for values around -1e4 and +1e4 and K = 5000', () => {
    const k = 5000;
    const b = 3;
    const noise = normalSamples(k * b, 2);
    for (const offset of [-1e4, 1e4]) {
      const data = Array.from(noise, (v, i) => offset + 5 * v + (i % b));
      const expected = columns(data, k, b).map(logMeanExp64);
      tf.tidy(() => {
        const got = logMeanExp(tf.tensor2d(data, [k, b]));
        expectFinite(got);
        // float32 resolves 1e4 to about 1e-3: compare with an absolute tolerance of that size.
        expectAllClose(got, expected, { rtol: 0, atol: 5e-3 });
      });
    }
  });

  it('handles zero weights (-Infinity) and a dominant term', () => {
    tf.tidy(() => {
      // Each row is one example's three log-weights; reduce axis 1.
      const x = tf.tensor2d([
        [-Infinity, 0, -30],
        [-1e4, -Infinity, -1e4 + Math.log(3)],
        [-Infinity, -Infinity, -Infinity],
      ]);
      const got = logMeanExp(x, 1).arraySync() as number[];
      expect(got[0]).toBeCloseTo(Math.log((1 + Math.exp(-30)) / 3), 5);
      expect(got[1]).toBeCloseTo(-1e4 + Math.log(4 / 3), 2);
      expect(got[2]).toBe(-Infinity);
      // All zero weights: -Infinity, not NaN.
      expect(logMeanExp(tf.tensor1d([-Infinity, -Infinity])).dataSync()[0]).toBe(-Infinity);
    });
  });

  it('has the softmax as its gradient, finite at -1e4', () => {
    const rand = mulberry32(3);
    const data = Array.from({ length: 6 }, () => -1e4 + 10 * rand());
    tf.tidy(() => {
      const g = tf.grad((x: tf.Tensor) => logMeanExp(x))(tf.tensor1d(data));
      const m = Math.max(...data);
      const e = data.map((v) => Math.exp(v - m));
      const total = e.reduce((a, v) => a + v, 0);
      expectFinite(g);
      expectAllClose(
        g,
        e.map((v) => v / total),
        { rtol: 1e-3, atol: 1e-6 },
      );
    });
  });

  it('gives a zero gradient, not NaN, to a set of entries that are all -Infinity (either axis)', () => {
    // Column 0 is entirely -Infinity (impossible samples): value -Infinity, gradient 0. The other
    // columns keep their softmax gradient. Before the fix: d log(0) = Infinity, times exp(-Inf) = 0,
    // gave NaN in every entry of the column.
    const data = [
      [Number.NEGATIVE_INFINITY, 0, Number.NEGATIVE_INFINITY],
      [Number.NEGATIVE_INFINITY, Math.log(3), -1],
    ];
    tf.tidy(() => {
      const x = tf.tensor2d(data);
      for (const [axis, input] of [
        [0, x],
        [1, tf.transpose(x)],
      ] as const) {
        const value = logMeanExp(input, axis).arraySync() as number[];
        expect(value[0]).toBe(Number.NEGATIVE_INFINITY);
        expect(value[1]).toBeCloseTo(Math.log(2), 6);
        expect(value[2]).toBeCloseTo(-1 - Math.log(2), 6);
        const g = tf.grad((v: tf.Tensor) => tf.sum(logMeanExp(v, axis)))(input);
        const grad = (axis === 0 ? g : tf.transpose(g)).arraySync() as number[][];
        expect(grad).toEqual([
          [0, expect.closeTo(0.25, 6), 0],
          [0, expect.closeTo(0.75, 6), 1],
        ]);
      }
      // A single all -Infinity vector (rank 1).
      const g1 = tf
        .grad((v: tf.Tensor) => logMeanExp(v))(
          tf.tensor1d([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]),
        )
        .dataSync();
      expect(Array.from(g1)).toEqual([0, 0]);
    });
  });

  it('still propagates NaN entries as NaN (only the all -Infinity case is special)', () => {
    tf.tidy(() => {
      expect(Number.isNaN(logMeanExp(tf.tensor1d([0, Number.NaN])).dataSync()[0]!)).toBe(true);
      expect(logMeanExp(tf.tensor1d([0, Number.POSITIVE_INFINITY])).dataSync()[0]).toBe(
        Number.POSITIVE_INFINITY,
      );
    });
  });

  it('rejects a bad axis or a scalar, naming the argument', () => {
    tf.tidy(() => {
      expect(() => logMeanExp(tf.ones([2, 3]), 2)).toThrow(/axis must be an integer in \[-2, 1\]/);
      expect(() => logMeanExp(tf.scalar(1))).toThrow(/^x must be a tensor of rank >= 1/);
    });
  });

  it('leaks no tensors', async () => {
    const x = tf.randomNormal([10, 4]);
    await expectNoLeaks(() => logMeanExp(x, 0));
    await expectNoLeaks(() => tf.grad((v: tf.Tensor) => logMeanExp(v))(x));
    x.dispose();
  });
});
