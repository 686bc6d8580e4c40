import * as tf from '@tensorflow/tfjs-core';
import { Distribution } from './distribution';
import { HypersphericalUniform } from './hyperspherical-uniform';
import { drawPowerSphericalAngles } from './internal/power-spherical-angles';
import { deriveSeed } from './internal/seed';
import { broadcastShapes } from './internal/shapes';
import { stopGradient } from './internal/stop-gradient';
import {
  checkConcentration,
  checkKappa,
  checkUnitNorm,
  implicitPairs,
  sizeOf,
  transport,
} from './internal/spherical';
import { check } from './internal/validate';
import { registerKL } from './kl';
import {
  logHalfOnePlusTensor,
  powerSphericalEntropyTensor,
  powerSphericalKLToUniformTensor,
  powerSphericalLogNormalizerTensor,
  powerSphericalReducedLogNormalizerTensor,
} from './special/tensor-power-spherical';

/** How far from 1 the norm of a mean direction may be. */

/** Below this squared norm of `e_1 - mu`, the Householder reflection is the identity. */
const HOUSEHOLDER_MIN_NORM2 = 1e-30;

/** Constructor arguments of {@link PowerSpherical}. */
export interface PowerSphericalArgs {
  /** Mean direction `mu`, unit vectors (norm within 1e-3 of 1), shape `batchShape + [d]`, d >= 2. */
  meanDirection: tf.Tensor;
  /**
   * Concentration `kappa >= 0` (finite): a number, or a tensor broadcastable against
   * `meanDirection`'s batch shape (`meanDirection.shape[:-1]`). Learnable when a tensor.
   */
  concentration: number | tf.Tensor;
}

/**
 * The Power Spherical distribution on the unit hypersphere `S^{d-1}`, with mean direction `mu`
 * and concentration `kappa`: a drop-in alternative to the von Mises-Fisher posterior of a
 * hyperspherical VAE whose sampler needs no rejection and no Bessel functions.
 *
 * Mathematical details, with `alpha = (d - 1)/2 + kappa`, `beta = (d - 1)/2`:
 * ```
 * p(x)        = C(kappa, d)^{-1} (1 + mu^T x)^kappa,            ||x|| = 1
 * C(kappa, d) = 2^(alpha + beta) pi^beta Gamma(alpha) / Gamma(alpha + beta)   (|S^{d-1}| at kappa = 0)
 * E[x]        = (alpha - beta)/(alpha + beta) mu = kappa / (kappa + d - 1) mu
 * entropy     = log C(kappa, d) - kappa [log 2 + psi(alpha) - psi(alpha + beta)]
 * KL(PS || U(S^{d-1})) = log |S^{d-1}| - entropy
 * ```
 * The marginal of `t = mu^T x` is `(1 + t)/2 ~ Beta(alpha, beta)`, density proportional to
 * `(1 + t)^kappa (1 - t^2)^((d - 3)/2)` on [-1, 1]. Sampling (De Cao & Aziz 2020, Algorithm 1):
 * ```
 * z ~ Beta(alpha, beta),  t = 2z - 1,  v uniform on S^{d-2},  y = [t, sqrt(1 - t^2) v]
 * x = (I - 2 u u^T) y,    u = (e_1 - mu) / ||e_1 - mu||       (the reflection taking e_1 to mu)
 * ```
 * with `z = X / (X + Y)`, `X ~ Gamma(alpha)`, `Y ~ Gamma(beta)` drawn in float64 (seeded, one
 * stream per batch element) and `t`, `sqrt(1 - t^2)` formed from `X` and `Y` so that they keep
 * their relative precision as kappa grows; `v` is a normalised Gaussian, and `e_1 - mu` is
 * evaluated without cancellation when `mu` is near `e_1` (the reflection is the identity at
 * `mu = e_1`).
 *
 * Gradients: `rsample` is differentiable in `meanDirection`, pathwise, by the minimal rotation
 * taking `mu` to a nearby mean direction, `dx/dmu = t I + t mu mu^T - mu x^T` (as for
 * `VonMisesFisher`; bounded and unbiased, unlike the derivative of the reflection, which
 * is unbounded as `mu -> e_1`); and, when `concentration` is a tensor, in `kappa` through the
 * Beta draw by implicit reparameterisation of the Gamma draw `X` (Figurnov et al. 2018):
 * ```
 * dX/dalpha = -(dP/dalpha)(alpha, X) / f(X; alpha)      (P the Gamma CDF, f its density)
 * ```
 * computed in float64 from the series of `P` (below alpha = 1e4) or the Cornish-Fisher expansion
 * of the Gamma quantile (above), relative error below 1e-9 out to the 0.999 quantile of `X`
 * (checked against mpmath). Concentrations are read back
 * with `dataSync` when sampling; there is no table, so one concentration per row (from an
 * encoder) costs no more than a shared one. `logProb`, `entropy`, `mean` and the KL are float32
 * tensor code, differentiable in both parameters, with exact analytic kappa-gradients; the
 * log-density is evaluated as `kappa log((1 + t)/2) - [log C - kappa log 2]`, without the
 * cancellation of two terms of size `kappa log 2`.
 *
 * References: N. De Cao & W. Aziz 2020, "The Power Spherical distribution" (arXiv:2006.04437);
 * Figurnov, Mohamed & Mnih 2018, "Implicit Reparameterization Gradients" (NeurIPS);
 * G. Marsaglia & W. W. Tsang 2000, "A simple method for generating gamma variables".
 *
 * @example
 * ```ts
 * const mu = tf.tensor([[0, 0, 1], [1, 0, 0]]);
 * const q = new PowerSpherical({ meanDirection: mu, concentration: 50 });
 * q.rsample(10, { seed: 1 }).shape;                                   // [10, 2, 3]
 * q.mean().arraySync();                                               // [[0, 0, 0.9615], [0.9615, 0, 0]]
 * klDivergence(q, new HypersphericalUniform({ dim: 3 })).arraySync(); // [2.9514, 2.9514]
 * ```
 */
export class PowerSpherical extends Distribution {
  readonly meanDirection: tf.Tensor;
  readonly concentration: number | tf.Tensor;
  /** The ambient dimension `d` (event shape `[d]`). */
  readonly dim: number;

  constructor({ meanDirection, concentration }: PowerSphericalArgs) {
    check(
      meanDirection instanceof tf.Tensor && meanDirection.rank >= 1,
      'meanDirection',
      'a tensor of shape batchShape + [d]',
      meanDirection instanceof tf.Tensor ? `shape [${meanDirection.shape}]` : meanDirection,
    );
    const dim = meanDirection.shape[meanDirection.rank - 1]!;
    check(
      dim >= 2,
      'meanDirection',
      'of event size d >= 2 (its last dimension)',
      `shape [${meanDirection.shape}]`,
    );
    checkUnitNorm(meanDirection);
    const kappaShape = checkConcentration(concentration);
    const batchShape = broadcastShapes(
      meanDirection.shape.slice(0, -1),
      kappaShape,
      'PowerSpherical meanDirection batch shape and concentration',
    );
    super(batchShape, [dim]);
    this.meanDirection = meanDirection;
    this.concentration = concentration;
    this.dim = dim;
  }

  /** `E[mu^T x] = kappa / (kappa + d - 1)`, shape `batchShape`. */
  meanResultantLength(): tf.Tensor {
    return tf.tidy(() => tf.broadcastTo(this.meanResultant(), this.batchShape));
  }

  /** `log C(kappa, d)`, the log-normaliser, shape `batchShape`. */
  logNormalizer(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(
        powerSphericalLogNormalizerTensor(this.dim, this.kappaTensor()),
        this.batchShape,
      ),
    );
  }

  /** kappa as a tensor (a scalar when it was given as a number); call inside a tidy scope. */
  private kappaTensor(): tf.Tensor {
    return typeof this.concentration === 'number'
      ? tf.scalar(this.concentration)
      : this.concentration;
  }

  private meanResultant(): tf.Tensor {
    const kappa = this.kappaTensor();
    return tf.div(kappa, tf.add(kappa, this.dim - 1));
  }

  protected _rsample(sampleShape: number[], seed: number | undefined): tf.Tensor {
    const batch = this.batchShape;
    const nb = sizeOf(batch);
    const samples = sizeOf(sampleShape);
    const pairShape = [...sampleShape, ...batch, 2];
    let kappaB: tf.Tensor | null = null;
    let kappas: ArrayLike<number>;
    if (typeof this.concentration === 'number') {
      kappas = new Float64Array(nb).fill(this.concentration);
    } else {
      kappaB = tf.broadcastTo(this.concentration, batch);
      kappas = kappaB.dataSync();
      for (const k of kappas as Float32Array) checkKappa(k);
    }
    const betaSeed = deriveSeed(seed, 0) ?? Math.floor(Math.random() * 4294967296);
    const { ts, grads } = drawPowerSphericalAngles(
      this.dim,
      kappas,
      samples,
      betaSeed,
      kappaB !== null,
    );
    const pair =
      kappaB === null || grads === null
        ? tf.tensor(Float32Array.from(ts), pairShape)
        : implicitPairs(
            kappaB,
            Float32Array.from(ts),
            Float32Array.from(grads),
            pairShape,
            sampleShape.length,
          );
    const [t, s] = tf.split(pair, 2, -1) as [tf.Tensor, tf.Tensor];
    // v uniform on S^{d-2}; max(., 1e-30): finite even for an all-zero Gaussian draw.
    const eps = tf.randomNormal(
      [...sampleShape, ...batch, this.dim - 1],
      0,
      1,
      'float32',
      deriveSeed(seed, 1),
    );
    const v = tf.mul(eps, tf.rsqrt(tf.maximum(tf.sum(tf.square(eps), -1, true), 1e-30)));
    const mu = this.meanDirection;
    const mu0 = stopGradient(mu);
    const nu = reflectTangent(mu0, v);
    // x = t mu + s nu = (I - 2 u u^T) [t, s v] in value, moving rigidly with mu (see `transport`).
    return tf.sub(tf.add(tf.mul(t, mu), tf.mul(s, nu)), transport(mu, mu0, s, nu));
  }

  protected _logProb(value: tf.Tensor): tf.Tensor {
    const kappa = this.kappaTensor();
    const t = tf.sum(tf.mul(value, this.meanDirection), -1);
    const lp = tf.sub(
      tf.mul(kappa, logHalfOnePlusTensor(t)),
      powerSphericalReducedLogNormalizerTensor(this.dim, kappa),
    );
    const shape = broadcastShapes(value.shape.slice(0, -1), this.batchShape, 'value batch shape');
    return tf.broadcastTo(lp, broadcastShapes(lp.shape, shape, 'value batch shape'));
  }

  protected override _entropy(): tf.Tensor {
    return tf.broadcastTo(
      powerSphericalEntropyTensor(this.dim, this.kappaTensor()),
      this.batchShape,
    );
  }

  protected _mean(): tf.Tensor {
    return tf.broadcastTo(tf.mul(tf.expandDims(this.meanResultant(), -1), this.meanDirection), [
      ...this.batchShape,
      this.dim,
    ]);
  }

  protected _detached(): PowerSpherical {
    const meanDirection = stopGradient(this.meanDirection);
    const concentration =
      typeof this.concentration === 'number'
        ? this.concentration
        : stopGradient(this.concentration);
    const q = new PowerSpherical({ meanDirection, concentration });
    q.own(meanDirection);
    if (typeof concentration !== 'number') q.own(concentration);
    return q;
  }
}

/**
 * `KL(PS(mu, kappa) || U(S^{d-1})) = log |S^{d-1}| - H(PS)
 * = log Gamma(alpha + beta) - log Gamma(alpha) - [log Gamma(2 beta) - log Gamma(beta)]
 *   - kappa [psi(alpha + beta) - psi(alpha)]`,
 * independent of `mu`; shape: the broadcast of the two batch shapes. Differentiable in kappa
 * (gradient `kappa [psi'(alpha) - psi'(alpha + beta)]`); evaluated without cancellation (exactly 0
 * at kappa = 0, about `kappa^2 / (4 beta)` near it, `~ beta log kappa` for large kappa).
 * Reference: De Cao & Aziz 2020, "The Power Spherical distribution", section 3.
 *
 * @example
 * ```ts
 * const q = new PowerSpherical({ meanDirection: tf.tensor([0, 1]), concentration: 10 });
 * klDivergence(q, new HypersphericalUniform({ dim: 2 })).dataSync()[0]; // 1.2486...
 * ```
 */
export function klPowerSphericalHypersphericalUniform(
  p: PowerSpherical,
  q: HypersphericalUniform,
): tf.Tensor {
  check(
    p.dim === q.dim,
    'KL(PowerSpherical || HypersphericalUniform)',
    `over the same dimension ${q.dim}`,
    `dimension ${p.dim}`,
  );
  return tf.tidy(() => {
    const kappa =
      typeof p.concentration === 'number' ? tf.scalar(p.concentration) : p.concentration;
    const kl = powerSphericalKLToUniformTensor(p.dim, kappa);
    return tf.broadcastTo(kl, broadcastShapes(p.batchShape, q.batchShape, 'KL batch shapes'));
  });
}

registerKL(PowerSpherical, HypersphericalUniform, klPowerSphericalHypersphericalUniform);

/**
 * `nu = H [0, v]`, the image of the tangent direction `[0, v]` (v unit in R^{d-1}) under the
 * Householder reflection `H = I - 2 a a^T / ||a||^2`, `a = e_1 - m`, `m = mu0 / ||mu0||`, which
 * maps `e_1` to `m`: a unit vector orthogonal to `m`, uniform on that great subsphere when `v` is
 * uniform. `a_1 = 1 - m_1` is evaluated as `||m_rest||^2 / (1 + m_1)` when `m_1 > 0`, so that the
 * reflection stays accurate as `m -> e_1` (where `1 - m_1` would round to 0 in float32 while
 * `m_rest` does not); at `m = e_1` exactly, `H = I`.
 */
function reflectTangent(mu0: tf.Tensor, v: tf.Tensor): tf.Tensor {
  // A constant for autodiff (the comparisons below have no gradient, and mu0 carries none).
  const shape = mu0.shape;
  const f = tf.customGrad(((m: tf.Tensor) => ({
    value: householderTangent(m, v),
    gradFunc: () => tf.zeros(shape),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(mu0);
}

function householderTangent(mu0: tf.Tensor, v: tf.Tensor): tf.Tensor {
  const d = mu0.shape[mu0.rank - 1]!;
  const m = tf.div(mu0, tf.norm(mu0, 'euclidean', -1, true));
  const [m1, rest] = tf.split(m, [1, d - 1], -1) as [tf.Tensor, tf.Tensor];
  const rest2 = tf.sum(tf.square(rest), -1, true);
  const a1 = tf.where(tf.greater(m1, 0), tf.div(rest2, tf.add(m1, 1)), tf.sub(1, m1));
  const norm2 = tf.add(tf.square(a1), rest2);
  // H [0, v] = [0, v] + c a,  c = 2 (m_rest . v) / ||a||^2  (a = [a1, -m_rest]).
  const reflect = tf.greater(norm2, HOUSEHOLDER_MIN_NORM2);
  const c = tf.where(
    reflect,
    tf.div(
      tf.mul(2, tf.sum(tf.mul(rest, v), -1, true)),
      tf.where(reflect, norm2, tf.onesLike(norm2)),
    ),
    tf.zerosLike(norm2),
  );
  return tf.concat([tf.mul(c, a1), tf.sub(v, tf.mul(c, rest))], -1);
}
