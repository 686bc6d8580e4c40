import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { DiagonalNormal } from './diagonal-normal';
import { HypersphericalUniform } from './hyperspherical-uniform';
import type { Likelihood } from './latent-variable-model';
import { StandardNormal } from './standard-normal';

describe('Distribution.sample with options only (the Likelihood signature)', () => {
  it('draws once, batchShape + eventShape, the same draws as sample([], options)', () => {
    tf.tidy(() => {
      const loc = tf.tensor2d([
        [0, 1, 2],
        [-3, 4, 5],
      ]);
      const q = new DiagonalNormal({ loc, scale: tf.tensor1d([0.5, 1, 2]) });
      const one = q.sample({ seed: 7 });
      expect(one.shape).toEqual([2, 3]);
      expect(Array.from(one.dataSync())).toEqual(Array.from(q.sample([], { seed: 7 }).dataSync()));
      expect(Array.from(one.dataSync())).toEqual(Array.from(q.sample({ seed: 7 }).dataSync()));
      expect(Array.from(one.dataSync())).not.toEqual(Array.from(q.sample({ seed: 8 }).dataSync()));
      // No sample shape and no seed: one unseeded draw of the same shape.
      expect(q.sample({}).shape).toEqual([2, 3]);
      expect(q.sample().shape).toEqual([2, 3]);
      expect(
        new HypersphericalUniform({ dim: 4, batchShape: [5] }).sample({ seed: 1 }).shape,
      ).toEqual([5, 4]);
      // sampleShape still works, with or without options.
      expect(q.sample(4, { seed: 7 }).shape).toEqual([4, 2, 3]);
      expect(q.sample([2, 1]).shape).toEqual([2, 1, 2, 3]);
      expect(() => q.sample([1.5])).toThrow(/^sampleShape must hold non-negative integers/);
    });
  });

  it('makes a decoder-shaped Distribution a Likelihood: one draw shaped like x, no gradient', () => {
    tf.tidy(() => {
      const loc = tf.randomNormal([4, 3], 0, 1, 'float32', 1);
      const likelihood: Likelihood = new DiagonalNormal({ loc, scale: tf.scalar(0.1) });
      const x = tf.zeros([4, 3]);
      expect(likelihood.logProb(x).shape).toEqual([4]);
      expect(likelihood.sample({ seed: 2 }).shape).toEqual(x.shape);
      const g = tf.grad((m: tf.Tensor) =>
        tf.sum(new DiagonalNormal({ loc: m, scale: tf.scalar(0.1) }).sample({ seed: 2 })),
      )(loc);
      expect(Array.from(g.dataSync())).toEqual(new Array(12).fill(0));
    });
  });

  it('leaks no tensors', async () => {
    const prior = new StandardNormal({ dim: 3, batchShape: [2] });
    await expectNoLeaks(() => prior.sample({ seed: 3 }));
    prior.dispose();
  });
});
