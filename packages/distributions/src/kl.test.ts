import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DiagonalNormal } from './diagonal-normal';
import { Distribution } from './distribution';
import { HypersphericalUniform } from './hyperspherical-uniform';
import { hasKL, klDivergence, registerKL } from './kl';
import { StandardNormal } from './standard-normal';
import { VonMisesFisher } from './von-mises-fisher';

/** A test-only point mass at `at`: just enough of a distribution to register KLs for. */
class PointMass extends Distribution {
  constructor(readonly at: tf.Tensor) {
    super([], [at.shape[0]!]);
  }
  protected _rsample(sampleShape: number[]): tf.Tensor {
    return tf.broadcastTo(this.at, this.sampleEventShape(sampleShape));
  }
  protected _logProb(value: tf.Tensor): tf.Tensor {
    return tf.zeros(value.shape.slice(0, -1));
  }
  protected override _entropy(): tf.Tensor {
    return tf.scalar(0);
  }
  protected _mean(): tf.Tensor {
    return this.at.clone();
  }
  protected _detached(): PointMass {
    return this;
  }
}
class ShiftedPointMass extends PointMass {}

/** Whether `klDivergence(p, q)` computes a value (and frees it) rather than throwing. */
function klComputes(p: Distribution, q: Distribution): boolean {
  try {
    tf.dispose(klDivergence(p, q));
    return true;
  } catch (error) {
    expect((error as Error).message).toMatch(/^No KL divergence registered for KL\(/);
    return false;
  }
}

describe('hasKL', () => {
  it('is true exactly for the pairs klDivergence computes, subclasses included', () => {
    tf.tidy(() => {
      const all: [string, Distribution][] = [
        ['DiagonalNormal', new DiagonalNormal({ loc: tf.zeros([3]), scale: tf.ones([3]) })],
        ['StandardNormal', new StandardNormal({ dim: 3 })],
        [
          'VonMisesFisher',
          new VonMisesFisher({
            meanDirection: tf.tensor1d([1, 0, 0]),
            concentration: tf.scalar(2),
          }),
        ],
        ['HypersphericalUniform', new HypersphericalUniform({ dim: 3 })],
      ];
      const registered = new Set([
        'DiagonalNormal DiagonalNormal',
        // DiagonalNormal-DiagonalNormal matches StandardNormal on either side (a subclass).
        'DiagonalNormal StandardNormal',
        'StandardNormal DiagonalNormal',
        'StandardNormal StandardNormal',
        'VonMisesFisher HypersphericalUniform',
        'HypersphericalUniform HypersphericalUniform',
      ]);
      for (const [pName, p] of all) {
        for (const [qName, q] of all) {
          const expected = registered.has(`${pName} ${qName}`);
          expect(hasKL(p, q), `hasKL(${pName}, ${qName})`).toBe(expected);
          expect(klComputes(p, q), `klDivergence(${pName}, ${qName})`).toBe(expected);
        }
      }
    });
  });

  it('sees pairs registered later, inherited by subclasses, without computing the KL', () => {
    tf.tidy(() => {
      const p = new PointMass(tf.tensor1d([0.5, -1]));
      const sub = new ShiftedPointMass(tf.tensor1d([0, 0]));
      const q = new StandardNormal({ dim: 2 });
      expect(hasKL(p, q)).toBe(false);
      expect(hasKL(sub, q)).toBe(false);
      let calls = 0;
      registerKL(PointMass, DiagonalNormal, (a, b) => {
        calls++;
        return tf.neg(b.logProb(a.at));
      });
      expect(hasKL(p, q)).toBe(true);
      expect(hasKL(sub, q)).toBe(true);
      expect(hasKL(q, p)).toBe(false);
      expect(calls).toBe(0);
      expect(klDivergence(p, q).dataSync()[0]).toBeCloseTo(
        0.5 * (0.25 + 1) + Math.log(2 * Math.PI),
        5,
      );
      expect(calls).toBe(1);
    });
  });
});
