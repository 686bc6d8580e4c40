import * as tf from '@tensorflow/tfjs-core';
import { Distribution, klDivergence } from '@vaekit/distributions';
import { expectAllClose, expectNoLeaks } from '@vaekit/test-utils';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { perturbedModel } from '../testing/fixtures';
import type { LinearGaussianModel } from '../testing/linear-gaussian-model';
import { klToPrior } from './kl-to-prior';

/** N(0, sigma^2 I) with no KL registered for it: klToPrior must fall back to Monte Carlo. */
class WideGaussian extends Distribution {
  constructor(
    readonly dim: number,
    readonly sigma: number,
  ) {
    super([], [dim]);
  }
  protected _rsample(shape: number[], seed: number | undefined): tf.Tensor {
    return tf.randomNormal(this.sampleEventShape(shape), 0, this.sigma, 'float32', seed);
  }
  protected _logProb(v: tf.Tensor): tf.Tensor {
    const c = -0.5 * this.dim * Math.log(2 * Math.PI * this.sigma * this.sigma);
    return tf.add(tf.mul(tf.sum(tf.square(v), -1), -0.5 / (this.sigma * this.sigma)), c);
  }
  protected override _entropy(): tf.Tensor {
    return tf.scalar(0.5 * this.dim * Math.log(2 * Math.PI * Math.E * this.sigma * this.sigma));
  }
  protected _mean(): tf.Tensor {
    return tf.zeros([this.dim]);
  }
  protected _detached(): Distribution {
    return this;
  }
}

let model: LinearGaussianModel;
let x: tf.Tensor;
beforeAll(() => {
  model = perturbedModel(0.2);
  x = model.sample(5, 2);
});
afterAll(() => {
  x.dispose();
  model.dispose();
});

describe('klToPrior', () => {
  it('is the closed-form KL when one is registered', () => {
    tf.tidy(() => {
      expectAllClose(klToPrior(model, x), klDivergence(model.encode(x), model.prior), {
        rtol: 1e-6,
      });
    });
  });

  it('falls back to a Monte Carlo estimate otherwise (checked against the closed form)', () => {
    const sigma = 2;
    const wide = {
      ...model,
      prior: new WideGaussian(2, sigma),
      encode: (v: tf.Tensor) => model.encode(v),
    };
    tf.tidy(() => {
      const q = model.encode(x) as unknown as { loc: tf.Tensor; scale: tf.Tensor };
      const s2 = tf.square(q.scale);
      // KL(N(m, s^2) || N(0, sigma^2)) = sum_j log(sigma/s) + (s^2 + m^2) / (2 sigma^2) - 1/2
      const exact = tf.sum(
        tf.sub(
          tf.add(
            tf.sub(Math.log(sigma), tf.log(q.scale)),
            tf.div(tf.add(s2, tf.square(q.loc)), 2 * sigma * sigma),
          ),
          0.5,
        ),
        -1,
      );
      expectAllClose(klToPrior(wide, x, { samples: 20000, seed: 1 }), exact, {
        rtol: 0,
        atol: 0.03,
      });
    });
  });

  it('leaks no tensors', async () => {
    await expectNoLeaks(() => klToPrior(model, x));
  });
});
