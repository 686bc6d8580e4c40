import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectFinite, expectNoLeaks } from '@vaekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iwae } from '../bounds/iwae';
import { miwae } from '../bounds/miwae';
import { importanceLogWeights } from '../log-weights';
import type { LatentVariableModel } from '../model';
import { perturbedModel } from '../testing/fixtures';
import type { LinearGaussianModel } from '../testing/linear-gaussian-model';
import { importanceSampledNLL } from './nll';

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

/**
 * The model with its posterior's draws replayed from a fixed pool `[K, B, d]`, in order, each
 * time it is encoded: chunked and unchunked evaluations then see exactly the same draws.
 */
function replaying(pool: tf.Tensor): LatentVariableModel {
  return {
    prior: model.prior,
    decode: (z) => model.decode(z),
    encode: (data) => {
      const q = model.encode(data);
      let offset = 0;
      q.rsample = (shape) => {
        const n = shape as number;
        const out = tf.slice(pool, [offset, 0, 0], [n, -1, -1]);
        offset += n;
        return out;
      };
      return q;
    },
  };
}

describe('importanceSampledNLL', () => {
  it('equals the unchunked -IWAE_K on the same draws, for any chunk size', () => {
    const k = 100;
    const pool = tf.tidy(() => model.encode(x).sample(k, { seed: 4 }));
    const unchunked = tf.tidy(() => {
      // -IWAE_K over the whole pool by hand.
      const q = model.encode(x);
      const logLik = tf.reshape(
        model.decode(tf.reshape(pool, [k * 4, 2])).logProb(tf.tile(x, [k, 1])),
        [k, 4],
      );
      const lw = tf.sub(tf.add(logLik, model.prior.logProb(pool)), q.logProb(pool));
      return Array.from(tf.neg(iwae(lw)).dataSync());
    });
    const replay = replaying(pool);
    for (const chunkSize of [1, 7, 50, 100, 1000]) {
      const got = importanceSampledNLL(replay, x, { k, chunkSize });
      expectAllClose(got, unchunked, { rtol: 1e-5 });
      got.dispose();
    }
    pool.dispose();
  });

  it('converges to the exact -log p(x) of the linear-Gaussian model with K = 5000', () => {
    const nll = importanceSampledNLL(model, x, { k: 5000, seed: 1 });
    const errors = Array.from(nll.dataSync(), (v, i) => v + exact[i]!);
    nll.dispose();
    // -IWAE_K >= -log p(x) in expectation: small errors, of either sign, far below the K = 10 gap.
    for (const e of errors) expect(Math.abs(e)).toBeLessThan(0.15);
    expect(errors.reduce((a, e) => a + Math.abs(e), 0) / 4).toBeLessThan(0.06);
    // E[IWAE_10] (the mean of 200 independent IWAE_10 = MIWAE(200, 10)) is much further off.
    const gap10 = tf.tidy(() =>
      Array.from(
        miwae(importanceLogWeights(model, x, { k: 2000, seed: 2 }), { groups: 200 }).dataSync(),
        (v, i) => exact[i]! - v,
      ),
    );
    expect(gap10.reduce((a, e) => a + e, 0) / 4).toBeGreaterThan(0.2);
  });

  it('is stable when the log-weights are around -1e4 (K = 5000)', () => {
    const shifted: LatentVariableModel = {
      prior: model.prior,
      encode: (data) => model.encode(data),
      decode: (z) => {
        const likelihood = model.decode(z);
        return {
          logProb: (v) => tf.sub(likelihood.logProb(v), 1e4),
          sample: (options) => likelihood.sample(options),
        };
      },
    };
    const base = importanceSampledNLL(model, x, { k: 5000, seed: 3, chunkSize: 700 });
    const far = importanceSampledNLL(shifted, x, { k: 5000, seed: 3, chunkSize: 700 });
    expectFinite(far);
    expectAllClose(tf.sub(far, 1e4), base, { rtol: 0, atol: 5e-3 });
    tf.dispose([base, far]);
  });

  it('rejects bad arguments, naming them, and leaks no tensors', async () => {
    expect(() => importanceSampledNLL(model, x, { k: 0 })).toThrow(/^k must be a positive integer/);
    expect(() => importanceSampledNLL(model, x, { k: 10, chunkSize: 0 })).toThrow(
      /^chunkSize must be a positive integer/,
    );
    await expectNoLeaks(() => importanceSampledNLL(model, x, { k: 20, chunkSize: 6, seed: 1 }));
  });
});
