import * as tf from '@tensorflow/tfjs-core';
import { DiagonalNormal, StandardNormal, klDivergence } from '@vaekit/distributions';
import { expectAllClose, expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { gaussianHead } from './gaussian-head';
import { createPrior } from './priors';

describe('gaussianHead', () => {
  it('maps features to N(W_mu h + b_mu, exp(W_v h + b_v)); support R^d, default prior N(0, I)', () => {
    const head = gaussianHead({ latentDim: 3, seed: 1 });
    const h = tf.tensor2d(Float32Array.from(normalSamples(8, 2)), [2, 4]);
    const q = head.apply(h) as DiagonalNormal;
    expect(q).toBeInstanceOf(DiagonalNormal);
    expect(q.batchShape).toEqual([2]);
    expect(q.eventShape).toEqual([3]);
    const [wm, bm, wv, bv] = head.layers.flatMap((l) => l.getWeights());
    expectAllClose(q.loc, tf.add(tf.matMul(h, wm!), bm!), { rtol: 1e-5, atol: 1e-6 });
    expectAllClose(q.scale, tf.exp(tf.mul(tf.add(tf.matMul(h, wv!), bv!), 0.5)), { rtol: 1e-5 });
    expect(head.support).toBe('euclidean');
    expect(head.defaultPrior).toEqual({ kind: 'standard-normal' });
    const prior = createPrior(head.defaultPrior, 3);
    expect(prior).toBeInstanceOf(StandardNormal);
    expect(klDivergence(q, prior).shape).toEqual([2]);
    expect(head.trainableVariables).toHaveLength(4);
    expect(head.config).toEqual({ family: 'gaussian', latentDim: 3 });
  });

  it('leaks no tensors: dispose() frees what apply created', async () => {
    const head = gaussianHead({ latentDim: 2 });
    const h = tf.ones([3, 5]);
    head.apply(h).dispose();
    await expectNoLeaks(() => head.apply(h).dispose());
    expect(() => gaussianHead({ latentDim: 0 })).toThrow(/latentDim must be a positive integer/);
    h.dispose();
  });
});
