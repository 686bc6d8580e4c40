import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { perturbedModel } from '../testing/fixtures';
import { activeUnits, posteriorMean } from './active-units';

describe('activeUnits', () => {
  it('counts the dimensions whose posterior mean varies by more than 0.01 over the data', () => {
    // Four dimensions with known variances: 4, 0.02, 0.005, 0 (a collapsed unit).
    const n = 2000;
    const columns = [2, Math.sqrt(0.02), Math.sqrt(0.005), 0].map((sd, j) => {
      const e = normalSamples(n, j + 1);
      const m = e.reduce((a, v) => a + v, 0) / n;
      const v = e.reduce((a, u) => a + (u - m) ** 2, 0) / (n - 1);
      return Array.from(e, (u) => 3 + (sd * (u - m)) / Math.sqrt(v)); // exactly that variance
    });
    const means = tf.tensor2d(Array.from({ length: n }, (_, i) => columns.map((c) => c[i]!)));
    const result = activeUnits(means);
    expect(result.count).toBe(2);
    expect(result.active).toEqual([true, true, false, false]);
    expectAllClose(result.variances, [4, 0.02, 0.005, 0], { rtol: 1e-3, atol: 1e-6 });
    expect(activeUnits(means, { threshold: 0.001 }).count).toBe(3);
    means.dispose();
  });

  it('uses the unbiased variance (divisor N - 1)', () => {
    const means = tf.tensor2d([[0], [1]]);
    expect(activeUnits(means).variances[0]).toBeCloseTo(0.5, 6);
    means.dispose();
  });

  it("counts a model's units from its posterior means", () => {
    const model = perturbedModel(0);
    const x = model.sample(500, 4);
    const mu = posteriorMean(model, x);
    expect(mu.shape).toEqual([500, 2]);
    expect(activeUnits(mu).count).toBe(2);
    tf.dispose([x, mu]);
    model.dispose();
  });

  it('rejects bad arguments, naming them, and leaks no tensors', async () => {
    const one = tf.ones([1, 3]);
    expect(() => activeUnits(one)).toThrow(/^means must be a rank-2 tensor \[N, d\] with N >= 2/);
    const means = tf.randomNormal([5, 3]);
    expect(() => activeUnits(means, { threshold: -1 })).toThrow(/^threshold must be/);
    await expectNoLeaks(() => activeUnits(means));
    tf.dispose([one, means]);
  });
});
