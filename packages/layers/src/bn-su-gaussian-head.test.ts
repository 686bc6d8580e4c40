import * as tf from '@tensorflow/tfjs-core';
import { DiagonalNormal, StandardNormal, klDivergence } from '@vaekit/distributions';
import { expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { bnSuGaussianHead } from './bn-su-gaussian-head';

describe('bnSuGaussianHead', () => {
  it('keeps the batch-mean KL above d/2 tau in training and returns a positive scale', () => {
    for (const [seed, tau, scale] of [
      [1, 0.5, 1],
      [2, 0.1, 1e-2],
      [3, 0.9, 5],
    ] as const) {
      const d = 6;
      const head = bnSuGaussianHead({ latentDim: d, tau, seed });
      const h = tf.tensor2d(
        Float32Array.from(normalSamples(24 * 10, seed), (x) => scale * x),
        [24, 10],
      );
      const q = head.apply(h, { training: true }) as DiagonalNormal;
      expect(q).toBeInstanceOf(DiagonalNormal);
      expect(Math.min(...q.scale.dataSync())).toBeGreaterThan(0);
      expect([head.support, head.defaultPrior]).toEqual(['euclidean', { kind: 'standard-normal' }]);
      const kl = tf.mean(klDivergence(q, new StandardNormal({ dim: d }))).dataSync()[0]!;
      expect(kl).toBeGreaterThanOrEqual((d / 2) * tau);
      expect(kl).toBeGreaterThanOrEqual(head.scaler.klLowerBound() * (1 - 1e-4));
      h.dispose();
      q.dispose();
    }
  });

  it('trains theta with the encoder and leaks no tensors', async () => {
    const head = bnSuGaussianHead({ latentDim: 3, seed: 7 });
    const h = tf.ones([4, 2]);
    head.apply(h, { training: true }).dispose();
    expect(
      head.layers.flatMap((l) => l.trainableWeights.map((w) => w.originalName.split('/').pop())),
    ).toContain('theta');
    await expectNoLeaks(() => head.apply(h, { training: true }).dispose());
    expect(() => bnSuGaussianHead({ latentDim: 3, tau: 1 })).toThrow(
      /tau must be a number in the open interval \(0, 1\)/,
    );
    h.dispose();
  });
});
