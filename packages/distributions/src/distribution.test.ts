import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks } from '@vaekit/test-utils';
import { describe, expect, it } from 'vitest';
import { DiagonalNormal } from './diagonal-normal';
import { Distribution } from './distribution';
import { HypersphericalUniform } from './hyperspherical-uniform';
import { stopGradient } from './internal/stop-gradient';
import type { Likelihood } from './latent-variable-model';
import { StandardNormal } from './standard-normal';
import { VonMisesFisher } from './von-mises-fisher';

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

/**
 * A test-only Bernoulli over events of shape [1]: not reparameterised, and declaring no
 * closed-form entropy (it has one, but the point is a subclass that does not).
 */
class Coin extends Distribution {
  constructor(readonly p: tf.Tensor) {
    super(p.shape.slice(0, -1), [1]);
  }
  override get reparameterized(): boolean {
    return false;
  }
  protected _rsample(sampleShape: number[], seed: number | undefined): tf.Tensor {
    const shape = this.sampleEventShape(sampleShape);
    return tf.cast(tf.less(tf.randomUniform(shape, 0, 1, 'float32', seed), this.p), 'float32');
  }
  protected _logProb(value: tf.Tensor): tf.Tensor {
    const logP = tf.add(
      tf.mul(value, tf.log(this.p)),
      tf.mul(tf.sub(1, value), tf.log1p(tf.neg(this.p))),
    );
    return tf.sum(logP, -1);
  }
  protected _mean(): tf.Tensor {
    return this.p.clone();
  }
  protected _detached(): Coin {
    return new Coin(stopGradient(this.p));
  }
}

describe('Distribution: optional entropy, declared reparameterisation', () => {
  it('a subclass without _entropy throws on entropy(), naming the class', async () => {
    const coin = new Coin(tf.tensor2d([[0.3], [0.9]]));
    expect(() => coin.entropy()).toThrow(
      /^Coin has no closed-form entropy; estimate it by Monte Carlo/,
    );
    // The throw leaves nothing behind.
    await expectNoLeaks(() => {
      expect(() => coin.entropy()).toThrow(/^Coin has no closed-form entropy/);
    });
    coin.p.dispose();
  });

  it('a non-reparameterised subclass samples, but rsample() throws naming the class', () => {
    tf.tidy(() => {
      const coin = new Coin(tf.tensor2d([[0.3], [0.9]]));
      expect(coin.reparameterized).toBe(false);
      expect(() => coin.rsample(3)).toThrow(
        /^Coin is not reparameterised: rsample\(\) has no gradient/,
      );
      const n = 4000;
      const draws = coin.sample(n, { seed: 5 });
      expect(draws.shape).toEqual([n, 2, 1]);
      expect(new Set(draws.dataSync())).toEqual(new Set([0, 1]));
      // Means within 4 standard errors of p.
      const mean = tf.mean(draws, 0).dataSync();
      for (const [i, p] of [0.3, 0.9].entries()) {
        expect(Math.abs(mean[i]! - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
      }
      expect(coin.sample({ seed: 5 }).shape).toEqual([2, 1]);
      const logProb = coin.logProb(tf.tensor2d([[1], [0]])).dataSync();
      expect(logProb[0]).toBeCloseTo(Math.log(0.3), 5);
      expect(logProb[1]).toBeCloseTo(Math.log(0.1), 5);
    });
  });

  it('keeps every vaekit distribution reparameterised, with its closed-form entropy', () => {
    tf.tidy(() => {
      const all: Distribution[] = [
        new DiagonalNormal({ loc: tf.zeros([2]), scale: tf.fill([2], 2) }),
        new StandardNormal({ dim: 2 }),
        new VonMisesFisher({ meanDirection: tf.tensor1d([0, 1]), concentration: 3 }),
        new HypersphericalUniform({ dim: 2 }),
      ];
      for (const d of all) {
        expect(d.reparameterized, d.constructor.name).toBe(true);
        expect(d.rsample(2, { seed: 1 }).shape).toEqual([2, 2]);
        expect(Number.isFinite(d.entropy().dataSync()[0]!), d.constructor.name).toBe(true);
      }
      // N(0, 2^2 I_2): entropy = log(2 pi e 4).
      expect(all[0]!.entropy().dataSync()[0]).toBeCloseTo(Math.log(2 * Math.PI * Math.E * 4), 5);
      // Uniform on the circle: log(2 pi).
      expect(all[3]!.entropy().dataSync()[0]).toBeCloseTo(Math.log(2 * Math.PI), 5);
    });
  });
});
