import * as tf from '@tensorflow/tfjs-core';
import { DiagonalNormal, StandardNormal } from '@vaekit/distributions';
import { expectNoLeaks, normalSamples } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import type { LatentVariableModel } from '../model';
import { mutualInformation } from './mutual-information';

/** A model whose encoder returns N(loc(x), scale(x)^2) built by `posterior` (decoder unused). */
function constructed(
  posterior: (x: tf.Tensor) => { loc: tf.Tensor; scale: tf.Tensor },
  dim: number,
): LatentVariableModel {
  return {
    encode: (x) => new DiagonalNormal(posterior(x)),
    prior: new StandardNormal({ dim }),
    // A flat, z-independent likelihood (log p(x|z) = 0): MI depends on the encoder only.
    decode: () => ({
      logProb: (v) => tf.zeros([v.shape[0]!]),
      sample: () => {
        throw new Error('this test likelihood is never sampled');
      },
    }),
  };
}

function mi(model: LatentVariableModel, x: tf.Tensor, seed = 1): number {
  return tf.tidy(() => mutualInformation(model, x, { seed }).dataSync()[0]!);
}

describe('mutualInformation', () => {
  it('is about 0 when every posterior is the same', () => {
    const model = constructed((x) => ({ loc: tf.zeros([x.shape[0]!, 2]), scale: tf.ones([2]) }), 2);
    const x = tf.zeros([400, 1]);
    expect(Math.abs(mi(model, x))).toBeLessThan(0.1);
    x.dispose();
  });

  it('is log B when the posteriors do not overlap', () => {
    const model = constructed(
      (x) => ({ loc: tf.concat([tf.mul(x, 100), tf.zerosLike(x)], 1), scale: tf.fill([2], 0.1) }),
      2,
    );
    const b = 300;
    const x = tf.tensor2d(
      Array.from({ length: b }, (_, i) => i),
      [b, 1],
    );
    // One draw per example makes each estimate noisy (sd about 1/sqrt(B) = 0.06 for d = 2):
    // average 20 seeded estimates (standard error about 0.013).
    const estimates = Array.from({ length: 20 }, (_, s) => mi(model, x, s + 1));
    expect(estimates.reduce((a, v) => a + v, 0) / estimates.length).toBeCloseTo(Math.log(b), 1);
    x.dispose();
  });

  it('recovers I = 1/2 log(1 + a^2/s^2) per dimension for a Gaussian channel z = a x + s eps', () => {
    // x ~ N(0, 1); dimension 0: a = 1, s = 0.5 (I = 0.805); dimension 1: a = 0.5, s = 1 (I = 0.112).
    const b = 500;
    const model = constructed(
      (x) => ({
        loc: tf.mul(tf.tile(x, [1, 2]), tf.tensor1d([1, 0.5])),
        scale: tf.tensor1d([0.5, 1]),
      }),
      2,
    );
    const x = tf.tensor2d(Array.from(normalSamples(b, 7)), [b, 1]);
    const expected = 0.5 * Math.log(1 + 1 / 0.25) + 0.5 * Math.log(1 + 0.25);
    // The batch mixture makes the estimator biased low at B = 500 (about -0.10 here); the
    // 20 seeded estimates average out the noise of the single draw per example.
    const estimates = Array.from({ length: 20 }, (_, s) => mi(model, x, s + 1));
    const mean = estimates.reduce((a, v) => a + v, 0) / estimates.length;
    expect(mean).toBeGreaterThan(expected - 0.12);
    expect(mean).toBeLessThan(expected + 0.12);
    x.dispose();
  });

  it('leaks no tensors', async () => {
    const model = constructed((x) => ({ loc: tf.tile(x, [1, 2]), scale: tf.ones([2]) }), 2);
    const x = tf.randomNormal([10, 1]);
    await expectNoLeaks(() => mutualInformation(model, x, { seed: 1 }));
    x.dispose();
  });
});
