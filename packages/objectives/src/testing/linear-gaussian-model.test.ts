import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { importanceLogWeights } from '../log-weights';
import { B, S, W, perturbedModel } from './fixtures';
import { linearGaussianModel } from './linear-gaussian-model';

function logNormal1d(x: number, mean: number, variance: number): number {
  return -0.5 * (Math.log(2 * Math.PI * variance) + (x - mean) ** 2 / variance);
}

describe('linearGaussianModel', () => {
  it('has the closed-form marginal of a 1-d model: N(x; b, w^2 + s^2)', () => {
    const m = linearGaussianModel({ W: [[2]], b: [1], s: 0.5 });
    const xs = [-1, 0.3, 4];
    const got = m.exactLogMarginal(tf.tensor2d(xs, [3, 1]));
    expectAllClose(
      got,
      xs.map((x) => logNormal1d(x, 1, 4.25)),
      { rtol: 1e-6 },
    );
    got.dispose();
    m.dispose();
  });

  it('satisfies Bayes rule: log p(x) = log p(x|z) + log p(z) - log p(z|x) at any z', () => {
    const m = perturbedModel(0);
    const x = tf.tensor2d([[0.5, -1, 2]]);
    const logPx = m.exactLogMarginal(x).dataSync()[0]!;
    const { mean, covariance } = m.exactPosterior(x);
    const [[a, bb], [, d]] = covariance as [[number, number], [number, number]];
    const det = a * d - bb * bb;
    for (const z of [
      [0, 0],
      [1, -2],
    ]) {
      const diff = [z[0]! - mean[0]![0]!, z[1]! - mean[0]![1]!];
      const quad = (d * diff[0]! ** 2 - 2 * bb * diff[0]! * diff[1]! + a * diff[1]! ** 2) / det;
      const logPost = -0.5 * (2 * Math.log(2 * Math.PI) + Math.log(det) + quad);
      const logPrior = -0.5 * (2 * Math.log(2 * Math.PI) + z[0]! ** 2 + z[1]! ** 2);
      const xRow = [0.5, -1, 2];
      const logLik = W.reduce(
        (acc, row, i) =>
          acc + logNormal1d(xRow[i]!, row[0]! * z[0]! + row[1]! * z[1]! + B[i]!, S * S),
        0,
      );
      expect(logLik + logPrior - logPost).toBeCloseTo(logPx, 5);
    }
    x.dispose();
    m.dispose();
  });

  it('with d = 1 its default encoder is the exact posterior, so every log-weight is log p(x)', () => {
    const m = linearGaussianModel({ W: [[1.5], [-0.5]], b: [0.2, 0], s: 0.8 });
    const x = m.sample(5, 1);
    const lw = importanceLogWeights(m, x, { k: 7, seed: 2 });
    const exact = m.exactLogMarginal(x);
    expectAllClose(lw, tf.tile(tf.expandDims(exact, 0), [7, 1]), { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([x, lw, exact]);
    m.dispose();
  });

  it('samples p(x) with the right mean, and rejects bad arguments', () => {
    const m = linearGaussianModel({ W, b: [5, -5, 0], s: S });
    const x = m.sample(4000, 3);
    expect(x.shape).toEqual([4000, 3]);
    expectAllClose(tf.mean(x, 0), [5, -5, 0], { atol: 0.1, rtol: 0 });
    x.dispose();
    m.dispose();
    expect(() => linearGaussianModel({ W, b: [1], s: 1 })).toThrow(/^b must be of length D = 3/);
    expect(() => linearGaussianModel({ W, b: B, s: 0 })).toThrow(/^s must be a finite number > 0/);
  });

  it("decoder's Likelihood samples p(x | z): seeded, shaped like x, mean W z + b, sd s", () => {
    const m = linearGaussianModel({ W, b: B, s: S });
    const n = 4000;
    const zRows = [
      [0.5, -1],
      [-2, 0.25],
    ];
    tf.tidy(() => {
      // n copies of each of two latents, interleaved: rows 2i and 2i + 1.
      const z = tf.tile(tf.tensor2d(zRows), [n, 1]);
      const likelihood = m.decode(z);
      const draw = likelihood.sample({ seed: 11 });
      expect(draw.shape).toEqual([2 * n, 3]);
      expect(Array.from(draw.dataSync())).toEqual(
        Array.from(likelihood.sample({ seed: 11 }).dataSync()),
      );
      expect(Array.from(draw.dataSync())).not.toEqual(
        Array.from(likelihood.sample({ seed: 12 }).dataSync()),
      );
      const perLatent = tf.reshape(draw, [n, 2, 3]);
      const mean = tf.mean(perLatent, 0).arraySync() as number[][];
      const sd = tf.sqrt(tf.moments(perLatent, 0).variance).arraySync() as number[][];
      zRows.forEach((zr, r) => {
        W.forEach((wRow, i) => {
          const expected = wRow[0]! * zr[0]! + wRow[1]! * zr[1]! + B[i]!;
          // 4 standard errors of a mean of n draws with sd s; sd within 5% (SE ~ 1.1%).
          expect(Math.abs(mean[r]![i]! - expected)).toBeLessThan((4 * S) / Math.sqrt(n));
          expect(Math.abs(sd[r]![i]! / S - 1)).toBeLessThan(0.05);
        });
      });
      // The draw is a valid observation batch: its log-density is [N] and finite.
      expect(likelihood.logProb(draw).shape).toEqual([2 * n]);
    });
    m.dispose();
  });

  it('leaks no tensors when its encoder and decoder are used inside tidy', async () => {
    const m = perturbedModel(0.1);
    const x = m.sample(3, 0);
    await expectNoLeaks(() => importanceLogWeights(m, x, { k: 4 }));
    x.dispose();
    m.dispose();
  });
});
