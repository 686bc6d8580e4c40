import * as tf from '@tensorflow/tfjs-core';
import { Distribution } from './distribution';
import { gaussianKLPerDimension } from './internal/gaussian-scale-kl';
import { deriveSeed } from './internal/seed';
import { broadcastShapes } from './internal/shapes';
import { stopGradient } from './internal/stop-gradient';
import { check, checkValues, recordingGradient } from './internal/validate';
import { registerKL } from './kl';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Constructor arguments of {@link DiagonalNormal}. */
export interface DiagonalNormalArgs {
  /** Mean `mu`, finite, shape `batchShape + [d]`. */
  loc: tf.Tensor;
  /** Standard deviation `sigma`, finite and `> 0`, broadcastable to `loc`'s shape. */
  scale: tf.Tensor;
  /**
   * Read the parameters back and check their values (default `true`). Pass `false` for
   * parameters a network computes at every call (a posterior head's outputs): nothing is read,
   * which keeps evaluation free of synchronous reads, and a diverged network shows as a
   * non-finite loss or metric instead of an error here (TensorFlow Probability's
   * `validate_args`).
   */
  validateArgs?: boolean;
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
 * Parameters: `mu` finite, `sigma` finite and `> 0`. The constructor reads both tensors back
 * (`dataSync`) and throws an `Error` naming the parameter, the first bad value and the valid range
 * (`scale must be finite and > 0 (sigma in (0, Infinity)), got 0`), as {@link VonMisesFisher}
 * does for its concentration. Inside a graph being differentiated (`tf.grad`, `tf.valueAndGrad`,
 * `tf.variableGrads`, `optimizer.minimize`), where the parameters are usually an encoder's
 * outputs, nothing is read and nothing is checked (a read per training step would stall GPU
 * backends): there a scale of 0 gives `logProb` `+-Infinity` or NaN and a KL of `Infinity`, a
 * negative scale a NaN `logProb`, entropy and KL, and a NaN parameter NaN everywhere. Build
 * scales that are positive by construction there, e.g. with {@link DiagonalNormal.fromLogVariance}
 * or a softplus. `validateArgs: false` skips the check everywhere (for a network's outputs).
 *
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

  constructor({ loc, scale, validateArgs = true }: DiagonalNormalArgs) {
    check(loc.rank >= 1, 'loc', 'a tensor of rank >= 1 (batchShape + [d])', `shape [${loc.shape}]`);
    const shape = broadcastShapes(loc.shape, scale.shape, 'DiagonalNormal loc and scale');
    check(
      shape[shape.length - 1] === loc.shape[loc.rank - 1],
      'scale',
      `broadcastable to loc's event size ${loc.shape[loc.rank - 1]}`,
      `shape [${scale.shape}]`,
    );
    if (validateArgs) {
      checkValues(loc, 'loc', 'finite (mu in (-Infinity, Infinity))', Number.isFinite);
      checkValues(scale, 'scale', 'finite and > 0 (sigma in (0, Infinity))', isPositiveFinite);
    }
    super(shape.slice(0, -1), shape.slice(-1));
    this.loc = loc;
    this.scale = scale;
  }

  /**
   * Build from a mean and a log-variance `log sigma^2` (what VAE encoders usually output):
   * `sigma = exp(logVariance / 2)`, which is positive for any real input, as long as float32 can
   * hold it: `logVariance` must be finite with `exp(logVariance / 2)` neither 0 nor `Infinity`
   * (about `-207 < logVariance < 177`). Outside a gradient scope this is checked (an `Error`
   * naming `logVariance`, the bad value and that range); inside one nothing is read or checked
   * (see {@link DiagonalNormal}).
   *
   * @example
   * ```ts
   * DiagonalNormal.fromLogVariance(tf.zeros([2]), tf.tensor([0, Math.log(4)])).scale.arraySync(); // [1, 2]
   * DiagonalNormal.fromLogVariance(tf.zeros([1]), tf.tensor([-300])); // throws: logVariance must be ...
   * ```
   */
  static fromLogVariance(loc: tf.Tensor, logVariance: tf.Tensor): DiagonalNormal {
    const scale = tf.tidy(() => tf.exp(tf.mul(logVariance, 0.5)));
    try {
      const sigma = recordingGradient() ? null : scale.dataSync();
      checkValues(
        logVariance,
        'logVariance',
        'finite with exp(logVariance / 2) a positive finite float32 (about -207 < logVariance < 177)',
        (v, i) => Number.isFinite(v) && isPositiveFinite(sigma![i]!),
      );
      const q = new DiagonalNormal({ loc, scale });
      q.own(scale);
      return q;
    } catch (e) {
      scale.dispose();
      throw e;
    }
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
    // The same values as this one's, checked (or not) when it was built.
    const q = new DiagonalNormal({ loc, scale, validateArgs: false });
    q.own(loc);
    q.own(scale);
    return q;
  }

  protected _mean(): tf.Tensor {
    return tf.broadcastTo(this.loc, [...this.batchShape, ...this.eventShape]);
  }
}

/**
 * `KL(N(m1, s1^2) || N(m2, s2^2))` summed over the event dimensions, with `r_j = s1_j / s2_j`:
 * ```
 * KL = sum_j log(s2/s1) + (s1^2 + (m1 - m2)^2) / (2 s2^2) - 1/2
 *    = sum_j (r^2 - 1)/2 - log r + (m1 - m2)^2 / (2 s2^2)
 *    = sum_j (expm1(2u) - 2u)/2 + (m1 - m2)^2 / (2 s2^2),        u = log r
 * ```
 * evaluated in the last form, with `u = log1p((s1 - s2)/s2)` near `s1 = s2` and the power series
 * `u^2 + 2u^3/3 + u^4/3 + ...` for `|u| < 0.5`: the relative error stays below 4e-7 (measured
 * against mpmath on wasm and cpu: 3.6e-7 at near-equal scales `s1 = s2 (1 +- 1e-7 ... 1e-1)`,
 * 2.6e-7 at ordinary values), also for near-collapsed dimensions (`s1 ~ s2`, where the first form
 * computes 0 for `s1 = 1.0001 s2` instead of 1e-8, and is 4.6% off at 1.001), and scales 1e-30 or
 * 1e30 neither underflow nor overflow the ratio (`Infinity` only where the KL itself exceeds the
 * largest float32, ~3.4e38).
 * Differentiable in all four parameters (`d/ds1 = (r^2 - 1)/s1`, `d/du` through `1/s1`, `-1/s2`).
 *
 * Reference: Kingma & Welling 2014, "Auto-Encoding Variational Bayes"; the `log1p` of a rounded
 * argument: Goldberg 1991, "What Every Computer Scientist Should Know About Floating-Point
 * Arithmetic", Theorem 4.
 *
 * @example
 * ```ts
 * const p = new DiagonalNormal({ loc: tf.zeros([1]), scale: tf.tensor([1.0001]) });
 * const q = new DiagonalNormal({ loc: tf.zeros([1]), scale: tf.ones([1]) });
 * klDiagonalNormalDiagonalNormal(p, q).dataSync()[0]; // 1.0003e-8 (u^2 + 2u^3/3 at u = log fround(1.0001))
 * ```
 */
export function klDiagonalNormalDiagonalNormal(p: DiagonalNormal, q: DiagonalNormal): tf.Tensor {
  return tf.tidy(() => {
    const perDim = gaussianKLPerDimension(p.loc, p.scale, q.loc, q.scale);
    const shape = broadcastShapes(
      [...p.batchShape, ...p.eventShape],
      [...q.batchShape, ...q.eventShape],
      'KL batch shapes',
    );
    return tf.sum(tf.broadcastTo(perDim, shape), -1);
  });
}

registerKL(DiagonalNormal, DiagonalNormal, klDiagonalNormalDiagonalNormal);

function isPositiveFinite(v: number): boolean {
  return Number.isFinite(v) && v > 0;
}
