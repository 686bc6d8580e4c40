import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoLeaks } from '@vaekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logMeanExp } from './log-mean-exp';
import { importanceLogWeights } from './log-weights';
import { perturbedModel } from './testing/fixtures';
import type { LinearGaussianModel } from './testing/linear-gaussian-model';

let model: LinearGaussianModel;
let x: tf.Tensor;
let exact: number[];
beforeAll(() => {
  model = perturbedModel(0.3);
  x = model.sample(4, 11);
  exact = tf.tidy(() => Array.from(model.exactLogMarginal(x).dataSync()));
});
afterAll(() => {
  x.dispose();
  model.dispose();
});

/** Mean over `r` independent replicates of IWAE_K per example, and its standard error. */
function iwaeMoments(k: number, r: number): { mean: number[]; se: number[] } {
  return tf.tidy(() => {
    const lw = importanceLogWeights(model, x, { k: k * r, seed: k });
    const bounds = logMeanExp(tf.reshape(lw, [r, k, 4]), 1); // [r, B]
    const { mean, variance } = tf.moments(bounds, 0);
    return {
      mean: Array.from(mean.dataSync()),
      se: Array.from(variance.dataSync(), (v) => Math.sqrt(v / r)),
    };
  });
}

describe('importanceLogWeights', () => {
  it('returns [K, B] log p(x|z) + log p(z) - log q(z|x), reproducible by seed', () => {
    tf.tidy(() => {
      const a = importanceLogWeights(model, x, { k: 6, seed: 3 });
      const b = importanceLogWeights(model, x, { k: 6, seed: 3 });
      expect(a.shape).toEqual([6, 4]);
      expectAllClose(a, b, { rtol: 0 });
      // By hand from the same draws.
      const q = model.encode(x);
      const z = q.rsample(6, { seed: 3 });
      const logLik = model.decode(tf.reshape(z, [24, 2])).logProb(tf.tile(x, [6, 1]));
      const byHand = tf.sub(
        tf.add(tf.reshape(logLik, [6, 4]), model.prior.logProb(z)),
        q.logProb(z),
      );
      expectAllClose(a, byHand, { rtol: 1e-5 });
    });
  });

  it('on the linear-Gaussian model: ELBO <= IWAE_K <= log p(x) in expectation, the gap shrinking with K', () => {
    const ks = [1, 10, 100, 1000];
    const moments = ks.map((k) => iwaeMoments(k, k === 1000 ? 20 : 200));
    const batchGap = moments.map(
      ({ mean }) => mean.reduce((acc, m, i) => acc + exact[i]! - m, 0) / 4,
    );
    const batchSe = moments.map(({ se }) => Math.sqrt(se.reduce((acc, s) => acc + s * s, 0)) / 4);
    console.info(
      `[${tf.getBackend()}] batch-mean gap log p(x) - E[IWAE_K]: ${ks
        .map((k, i) => `K=${k}: ${batchGap[i]!.toFixed(4)} ± ${batchSe[i]!.toFixed(4)}`)
        .join(', ')}`,
    );
    // Every bound is below log p(x) (up to 3 standard errors), for every example.
    for (const { mean, se } of moments) {
      mean.forEach((m, i) => {
        expect(m).toBeLessThanOrEqual(exact[i]! + 3 * se[i]!);
      });
    }
    // The gap shrinks strictly (by more than the noise) as K grows: 1 -> 10 -> 100 -> 1000.
    for (let i = 1; i < ks.length; i++) {
      expect(batchGap[i]!).toBeLessThan(
        batchGap[i - 1]! - 2 * Math.hypot(batchSe[i]!, batchSe[i - 1]!),
      );
    }
    expect(batchGap[0]).toBeGreaterThan(1); // the ELBO is far from log p(x) here...
    expect(batchGap[3]).toBeLessThan(0.05); // ...and IWAE_1000 close to it
  });

  it('rejects a bad k, naming it', () => {
    expect(() => importanceLogWeights(model, x, { k: 0 })).toThrow(/^k must be a positive integer/);
  });

  it('leaks no tensors', async () => {
    await expectNoLeaks(() => importanceLogWeights(model, x, { k: 3, seed: 1 }));
  });
});
