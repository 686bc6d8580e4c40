import * as tf from '@tensorflow/tfjs-core';
import { type DiagonalNormal, StandardNormal, klDivergence } from '@vaekit/distributions';
import { expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { bnGaussianHead } from './bn-gaussian-head';

describe('bnGaussianHead', () => {
  it('keeps the batch-mean KL above d/2 (beta^2 + gamma^2) in training, whatever the features', () => {
    for (const [seed, gamma, scale] of [
      [1, 0.5, 1],
      [2, 0.3, 1e-2], // nearly collapsed features: the bound still holds
      [3, 1.0, 5],
    ] as const) {
      const d = 8;
      const head = bnGaussianHead({ latentDim: d, gamma, seed });
      const h = tf.tensor2d(
        Float32Array.from(normalSamples(32 * 16, seed), (x) => scale * x),
        [32, 16],
      );
      const q = head.apply(h, { training: true }) as DiagonalNormal;
      expect([head.support, head.defaultPrior]).toEqual(['euclidean', { kind: 'standard-normal' }]);
      const kl = tf.mean(klDivergence(q, new StandardNormal({ dim: d }))).dataSync()[0]!;
      expect(kl).toBeGreaterThanOrEqual((d / 2) * gamma * gamma * (1 - 1e-3));
      expect(head.batchNorm.klLowerBound()).toBeCloseTo((d / 2) * gamma * gamma, 6);
      tf.dispose([h]);
      q.dispose();
    }
  });

  it('puts beta (not gamma) among the trainable variables and uses running statistics at inference', async () => {
    const head = bnGaussianHead({ latentDim: 4, gamma: 0.6, momentum: 0, seed: 4 });
    const h = tf.tensor2d(Float32Array.from(normalSamples(10 * 6, 5)), [10, 6]);
    const train = head.apply(h, { training: true }) as DiagonalNormal;
    const infer = head.apply(h) as DiagonalNormal;
    const diff = tf.max(tf.abs(tf.sub(train.loc, infer.loc))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-4);
    expect(
      head.layers.flatMap((l) => l.trainableWeights.map((w) => w.originalName.split('/').pop())),
    ).toEqual(['kernel', 'bias', 'beta', 'kernel', 'bias']);
    expect(head.trainableVariables).toHaveLength(5);
    await expectNoLeaks(() => head.apply(h, { training: true }).dispose());
    expect(() => bnGaussianHead({ latentDim: 4, gamma: 0 })).toThrow(
      /gamma must be a finite number > 0/,
    );
    train.dispose();
    infer.dispose();
    h.dispose();
  });
});
