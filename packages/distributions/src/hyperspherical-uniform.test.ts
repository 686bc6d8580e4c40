import * as tf from '@tensorflow/tfjs-core';
import { expectAllClose, expectFinite, expectNoLeaks, ksTest } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import golden from './__fixtures__/distributions-golden.json';
import {
  HypersphericalUniform,
  klHypersphericalUniformHypersphericalUniform,
} from './hyperspherical-uniform';
import { klDivergence } from './kl';

describe('HypersphericalUniform', () => {
  it('rejects a bad dimension or batch shape, naming the parameter', () => {
    expect(() => new HypersphericalUniform({ dim: 1 })).toThrow(/dim must be an integer >= 2/);
    expect(() => new HypersphericalUniform({ dim: 2.5 })).toThrow(
      /dim must be an integer >= 2.*got 2.5/,
    );
    expect(() => new HypersphericalUniform({ dim: 3, batchShape: [2, 0] })).toThrow(
      /batchShape must be a list of positive integers, got \[2, 0\]/,
    );
  });

  it('log-density and entropy are -log|S^{d-1}| and log|S^{d-1}| (mpmath), for d = 2 ... 4096', () => {
    for (const { dim, logProb, entropy } of golden.hypersphericalUniform) {
      tf.tidy(() => {
        const p = new HypersphericalUniform({ dim, batchShape: [2] });
        const lp = p.logProb(tf.zeros([3, 2, dim]));
        expect(lp.shape).toEqual([3, 2]);
        expectAllClose(lp, new Array(6).fill(logProb), { rtol: 1e-6, atol: 1e-6 });
        expectAllClose(p.entropy(), [entropy, entropy], { rtol: 1e-6, atol: 1e-6 });
        expect(p.logSurfaceArea()).toBeCloseTo(entropy, 9);
      });
    }
  });

  it('checks the event shape of values', () => {
    const p = new HypersphericalUniform({ dim: 3 });
    expect(() => p.logProb(tf.zeros([4, 2]))).toThrow(/value must have event shape \[3\]/);
  });

  it('samples unit vectors with mean 0, reproducibly, and their coordinates have the right law', () => {
    tf.tidy(() => {
      const p = new HypersphericalUniform({ dim: 3, batchShape: [2] });
      const z = p.sample(4000, { seed: 9 });
      expect(z.shape).toEqual([4000, 2, 3]);
      const norms = tf.sqrt(tf.sum(tf.square(z), -1));
      expectAllClose(norms, tf.onesLike(norms), { rtol: 0, atol: 1e-6 });
      expect(p.rsample(5, { seed: 9 }).dataSync()).toEqual(p.sample(5, { seed: 9 }).dataSync());
      expect(p.sample(5, { seed: 10 }).dataSync()).not.toEqual(p.sample(5, { seed: 9 }).dataSync());
      expectAllClose(p.mean(), tf.zeros([2, 3]));
      // Archimedes: on S^2 each coordinate is uniform on [-1, 1].
      const x = tf.slice(z, [0, 0, 2], [4000, 1, 1]).dataSync();
      const { pValue } = ksTest(x, (v) => (v + 1) / 2);
      expect(pValue).toBeGreaterThan(0.001);
    });
  });

  it('is finite for d = 2 and d = 4096', () => {
    tf.tidy(() => {
      for (const dim of [2, 4096]) {
        const p = new HypersphericalUniform({ dim });
        const z = p.rsample(3, { seed: 1 });
        expectFinite(z);
        expectFinite(p.logProb(z));
        expectFinite(p.entropy());
      }
    });
  });

  it('KL to itself is 0 with the broadcast batch shape; other dimensions are refused', () => {
    tf.tidy(() => {
      const a = new HypersphericalUniform({ dim: 4, batchShape: [3, 1] });
      const b = new HypersphericalUniform({ dim: 4, batchShape: [2] });
      const kl = klDivergence(a, b);
      expect(kl.shape).toEqual([3, 2]);
      expectAllClose(kl, tf.zeros([3, 2]));
      expect(() =>
        klHypersphericalUniformHypersphericalUniform(a, new HypersphericalUniform({ dim: 5 })),
      ).toThrow(
        /KL\(HypersphericalUniform \|\| HypersphericalUniform\) must be over the same dimension 5, got dimension 4/,
      );
    });
  });

  it('leaks no tensors', async () => {
    const p = new HypersphericalUniform({ dim: 3, batchShape: [2] });
    await expectNoLeaks(() => [
      p.sample(3, { seed: 1 }),
      p.rsample(2),
      p.entropy(),
      p.mean(),
      klDivergence(p, p),
    ]);
    const z = tf.zeros([2, 3]);
    await expectNoLeaks(() => p.logProb(z));
    await expectNoLeaks(() => p.detached().sample(2, { seed: 1 }));
    z.dispose();
  });
});
