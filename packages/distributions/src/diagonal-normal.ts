import * as tf from '@tensorflow/tfjs-core';
import { Distribution } from './distribution';
import { deriveSeed } from './internal/seed';
import { broadcastShapes } from './internal/shapes';
import { stopGradient } from './internal/stop-gradient';
import { check } from './internal/validate';
import { registerKL } from './kl';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Constructor arguments of {@link DiagonalNormal}. */
export interface DiagonalNormalArgs {
  /** Mean `mu`, shape `batchShape + [d]`. */
  loc: tf.Tensor;
  /** Standard deviation `sigma > 0`, broadcastable to `loc`'s shape. */
  scale: tf.Tensor;
}

/**
 * Gaussian with diagonal covariance, `N(mu, diag(sigma^2))`, over events of shape `[d]`.
 *
 * Mathematical details:
 * ```
 * log N(z; mu, sigma^2) = sum_j -1/2 (log 2 pi + log sigma_j^2 + (z_j - mu_j)^2 / sigma_j^2)
 * entropy               = sum_j 1/2 log(2 pi e sigma_j^2)
 * rsample:  z = mu + sigma * eps,  eps ~ N(0, I)      (reparameterisation trick)
 * ```
 * Reference: Kingma & Welling 2014, "Auto-Encoding Variational Bayes".
 *
 * @example
 * ```ts
 * const q = DiagonalNormal.fromLogVariance(tf.zeros([4, 2]), tf.zeros([4, 2]));
 * q.rsample(10, { seed: 0 }).shape;          // [10, 4, 2]
 * klDivergence(q, new StandardNormal({ dim: 2 })).arraySync(); // [0, 0, 0, 0]
 * ```
 */
export class DiagonalNormal extends Distribution {
  readonly loc: tf.Tensor;
  readonly scale: tf.Tensor;

  constructor({ loc, scale }: DiagonalNormalArgs) {
    check(loc.rank >= 1, 'loc', 'a tensor of rank >= 1 (batchShape + [d])', `shape [${loc.shape}]`);
    const shape = broadcastShapes(loc.shape, scale.shape, 'DiagonalNormal loc and scale');
    check(
      shape[shape.length - 1] === loc.shape[loc.rank - 1],
      'scale',
      `broadcastable to loc's event size ${loc.shape[loc.rank - 1]}`,
      `shape [${scale.shape}]`,
    );
    super(shape.slice(0, -1), shape.slice(-1));
    this.loc = loc;
    this.scale = scale;
  }

  /**
   * Build from a mean and a log-variance `log sigma^2` (what VAE encoders usually output):
   * `sigma = exp(logVariance / 2)`, which is positive for any real input.
   */
  static fromLogVariance(loc: tf.Tensor, logVariance: tf.Tensor): DiagonalNormal {
    const scale = tf.exp(tf.mul(logVariance, 0.5));
    const q = new DiagonalNormal({ loc, scale });
    q.own(scale);
    return q;
  }

  /** The variance `sigma^2`, shape `batchShape + [d]`. */
  variance(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(tf.square(this.scale), [...this.batchShape, ...this.eventShape]),
    );
  }

  protected _rsample(sampleShape: number[], seed: number | undefined): tf.Tensor {
    const eps = tf.randomNormal(
      this.sampleEventShape(sampleShape),
      0,
      1,
      'float32',
      deriveSeed(seed, 0),
    );
    return tf.add(this.loc, tf.mul(this.scale, eps));
  }

  protected _logProb(value: tf.Tensor): tf.Tensor {
    const z = tf.div(tf.sub(value, this.loc), this.scale);
    const perDim = tf.neg(
      tf.add(tf.add(tf.mul(tf.square(z), 0.5), tf.log(this.scale)), HALF_LOG_TWO_PI),
    );
    return tf.sum(
      tf.broadcastTo(
        perDim,
        broadcastShapes(perDim.shape, [...this.batchShape, ...this.eventShape], 'value'),
      ),
      -1,
    );
  }

  protected override _entropy(): tf.Tensor {
    const perDim = tf.add(tf.log(this.scale), 0.5 + HALF_LOG_TWO_PI);
    return tf.sum(tf.broadcastTo(perDim, [...this.batchShape, ...this.eventShape]), -1);
  }

  protected _detached(): DiagonalNormal {
    const loc = stopGradient(this.loc);
    const scale = stopGradient(this.scale);
    const q = new DiagonalNormal({ loc, scale });
    q.own(loc);
    q.own(scale);
    return q;
  }

  protected _mean(): tf.Tensor {
    return tf.broadcastTo(this.loc, [...this.batchShape, ...this.eventShape]);
  }
}

/**
 * `KL(N(m1, s1^2) || N(m2, s2^2)) = sum_j log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2`.
 */
export function klDiagonalNormalDiagonalNormal(p: DiagonalNormal, q: DiagonalNormal): tf.Tensor {
  return tf.tidy(() => {
    const ratio = tf.div(p.scale, q.scale);
    const diff = tf.div(tf.sub(p.loc, q.loc), q.scale);
    const perDim = tf.mul(
      tf.sub(tf.add(tf.square(ratio), tf.square(diff)), tf.add(tf.mul(tf.log(ratio), 2), 1)),
      0.5,
    );
    const shape = broadcastShapes(
      [...p.batchShape, ...p.eventShape],
      [...q.batchShape, ...q.eventShape],
      'KL batch shapes',
    );
    return tf.sum(tf.broadcastTo(perDim, shape), -1);
  });
}

registerKL(DiagonalNormal, DiagonalNormal, klDiagonalNormalDiagonalNormal);
