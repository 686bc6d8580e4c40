import * as tf from '@tensorflow/tfjs-core';
import { Distribution } from './distribution';
import { HypersphericalUniform } from './hyperspherical-uniform';
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
import { drawAngles, type VmfSamplerName } from './internal/vmf-angles';
import { registerKL } from './kl';
import {
  vmfEntropyTensor,
  vmfKLToUniformTensor,
  vmfLogNormalizerPlusKappaTensor,
  vmfLogNormalizerTensor,
  vmfMeanResultantLengthTensor,
} from './special/tensor';

/** Samplers of {@link VonMisesFisher}: Su's tabulated inverse CDF (default) or Wood's rejection sampler. */
export type VonMisesFisherSampler = VmfSamplerName;

const SAMPLERS: readonly VonMisesFisherSampler[] = ['inverse-cdf', 'wood'];

/** How far from 1 the norm of a mean direction may be. */

/** Constructor arguments of {@link VonMisesFisher}. */
export interface VonMisesFisherArgs {
  /** Mean direction `mu`, unit vectors (norm within 1e-3 of 1), shape `batchShape + [d]`, d >= 2. */
  meanDirection: tf.Tensor;
  /**
   * Concentration `kappa >= 0` (finite): a number, or a tensor broadcastable against
   * `meanDirection`'s batch shape (`meanDirection.shape[:-1]`). Learnable when a tensor.
   */
  concentration: number | tf.Tensor;
  /** `'inverse-cdf'` (default, Su's tabulated inverse CDF) or `'wood'` (Wood 1994 rejection). */
  sampler?: VonMisesFisherSampler;
}

/**
 * The von Mises-Fisher distribution on the unit hypersphere `S^{d-1}`, with mean direction `mu`
 * and concentration `kappa`: the posterior of the hyperspherical VAE.
 *
 * Mathematical details:
 * ```
 * p(z)      = C_d(kappa) exp(kappa mu^T z),      ||z|| = 1
 * C_d(kappa) = kappa^(d/2 - 1) / ((2 pi)^(d/2) I_{d/2-1}(kappa))       (1 / |S^{d-1}| at kappa = 0)
 * E[z]      = A_d(kappa) mu,   A_d(kappa) = I_{d/2}(kappa) / I_{d/2-1}(kappa)
 * entropy   = -kappa A_d(kappa) - log C_d(kappa)
 * KL(vMF || U(S^{d-1})) = kappa A_d(kappa) + log C_d(kappa) + log |S^{d-1}|
 * ```
 * Sampling: `w = mu^T z` has density `p(w) ∝ exp(kappa w) (1 - w^2)^((d-3)/2)` on [-1, 1], and
 * ```
 * z = w mu + sqrt(1 - w^2) nu,   nu = normalise(eps - (eps^T mu) mu),  eps ~ N(0, I_d)
 * ```
 * (no Householder reflection, so `mu = ±e_1` is no special case). `w` is drawn by
 * - `'inverse-cdf'` (default; Su's method): `w = F^{-1}(u)`, `u ~ U(0, 1)`, with the CDF of the
 *   angle `theta = acos(w)` tabulated in float64 once per (d, kappa) on a grid that follows the
 *   mass and cached (see `internal/vmf-angle-table.ts`); a table takes 0.2 to 1 ms to build.
 *   Quantiles, against mpmath on d in {2, 3, 10, 50, 1000} x kappa in {0, 1, 10, 1e3, 1e5}, have
 *   a relative error in `1 - w` below 5e-7 with the default 1024-cell tables (measured 4.3e-7 at
 *   d = 10, kappa >= 1e3; 5.6e-8 at d = 50, kappa = 10; below 3e-9 for d = 2, 3 and 1000) and
 *   below 5e-9 with the coarse tables described below (exact partial-cell integrals); d = 3
 *   matches its closed form to 2e-9 for kappa up to 1e38. The sample itself is float32, whose
 *   `w` resolves `1 - w` only down to ~6e-8.
 * - `'wood'`: Wood's (1994) rejection sampler, in float64 with a seeded generator.
 *
 * Gradients: `rsample` is differentiable in `meanDirection`, pathwise: the sample moves with
 * `mu` by the minimal rotation taking the current `mu` to the new one (`nu` is transported with
 * `mu`), `dz/dmu = w I + w mu mu^T - mu z^T`, unbiased and bounded (differentiating the
 * projection that defines `nu` is unbiased too, but its variance is infinite for d <= 3); and,
 * when `concentration` is a tensor, in `kappa` by implicit reparameterisation
 * (Figurnov et al. 2018) for both samplers:
 * ```
 * dw/dkappa = -(dF/dkappa)(w) / p(w),    dF/dkappa(w) = ∫_{-1}^{w} (s - A_d(kappa)) p(s) ds
 * ```
 * (tabulated beside the CDF). Concentrations are read back with `dataSync` when sampling: one
 * table per distinct value, cached; when one call has more than 16 distinct values (a
 * concentration per row, from an encoder), coarse 128-cell tables (about 35 us each) whose
 * quantiles and derivatives are refined with exact partial-cell integrals.
 *
 * `logProb`, `entropy`, `mean` and the KL are float32 tensor code, differentiable in both
 * parameters, finite for every float32 kappa (up to 3.4e38). Measured against mpmath (d in
 * {2, 3, 10, 50, 1000}, kappa in {0, 1, 10, 1e3, 1e5}; and d in {2, 3, 50, 1000}, kappa from 1e6
 * to 1e38), with `S = max(|value|, |log|S^{d-1}||, 1)`: `log C_d` has an absolute error below
 * `1.5e-7 S` (1.3e-2 at kappa = 1e5, d = 50, where `log C_d ~ -1e5`), the KL and the entropy below
 * `7e-7 S` (below 3e-7 S for kappa >= 1e6). `logProb(z) = (log C_d + kappa) + kappa (mu^T z - 1)`
 * is exact to `3e-7 S` at `z = mu` and otherwise adds `kappa` times the float32 rounding of
 * `mu^T z` (~6e-8 kappa). `bench/vmf-accuracy.ts` prints these measurements.
 *
 * References: Davidson et al. 2018, "Hyperspherical Variational Auto-Encoders" (UAI);
 * Xu & Durrett 2018, "Spherical Latent Spaces for Stable Variational Autoencoders" (EMNLP);
 * A. T. A. Wood 1994, "Simulation of the von Mises Fisher distribution";
 * Figurnov, Mohamed & Mnih 2018, "Implicit Reparameterization Gradients" (NeurIPS).
 *
 * @example
 * ```ts
 * const mu = tf.tensor([[0, 0, 1], [1, 0, 0]]);
 * const q = new VonMisesFisher({ meanDirection: mu, concentration: 50 });
 * q.rsample(10, { seed: 1 }).shape;                                   // [10, 2, 3]
 * klDivergence(q, new HypersphericalUniform({ dim: 3 })).arraySync(); // [3.6052, 3.6052]
 * ```
 */
export class VonMisesFisher extends Distribution {
  readonly meanDirection: tf.Tensor;
  readonly concentration: number | tf.Tensor;
  readonly sampler: VonMisesFisherSampler;
  /** The ambient dimension `d` (event shape `[d]`). */
  readonly dim: number;

  constructor({ meanDirection, concentration, sampler = 'inverse-cdf' }: VonMisesFisherArgs) {
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
    check(
      SAMPLERS.includes(sampler),
      'sampler',
      `one of ${SAMPLERS.map((s) => `'${s}'`).join(', ')}`,
      `'${sampler}'`,
    );
    checkUnitNorm(meanDirection);
    const kappaShape = checkConcentration(concentration);
    const batchShape = broadcastShapes(
      meanDirection.shape.slice(0, -1),
      kappaShape,
      'VonMisesFisher meanDirection batch shape and concentration',
    );
    super(batchShape, [dim]);
    this.meanDirection = meanDirection;
    this.concentration = concentration;
    this.sampler = sampler;
    this.dim = dim;
  }

  /** `A_d(kappa) = I_{d/2}(kappa) / I_{d/2-1}(kappa) = E[mu^T z]`, shape `batchShape`. */
  meanResultantLength(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(vmfMeanResultantLengthTensor(this.dim, this.kappaTensor()), this.batchShape),
    );
  }

  /** `log C_d(kappa)`, the log-normaliser, shape `batchShape`. */
  logNormalizer(): tf.Tensor {
    return tf.tidy(() =>
      tf.broadcastTo(vmfLogNormalizerTensor(this.dim, this.kappaTensor()), this.batchShape),
    );
  }

  /** kappa as a tensor (a scalar when it was given as a number); call inside a tidy scope. */
  private kappaTensor(): tf.Tensor {
    return typeof this.concentration === 'number'
      ? tf.scalar(this.concentration)
      : this.concentration;
  }

  protected _rsample(sampleShape: number[], seed: number | undefined): tf.Tensor {
    const batch = this.batchShape;
    const nb = sizeOf(batch);
    const samples = sizeOf(sampleShape);
    const n = samples * nb;
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
    const uniforms =
      this.sampler === 'inverse-cdf'
        ? tf.randomUniform([n], 0, 1, 'float32', deriveSeed(seed, 0)).dataSync()
        : undefined;
    const woodSeed =
      this.sampler === 'wood'
        ? (deriveSeed(seed, 2) ?? Math.floor(Math.random() * 4294967296))
        : undefined;
    const { ws, grads } = drawAngles(
      this.dim,
      kappas,
      samples,
      this.sampler,
      { uniforms, woodSeed },
      kappaB !== null,
    );
    const pair =
      kappaB === null || grads === null
        ? tf.tensor(Float32Array.from(ws), pairShape)
        : implicitPairs(
            kappaB,
            Float32Array.from(ws),
            Float32Array.from(grads),
            pairShape,
            sampleShape.length,
          );
    const [w, s] = tf.split(pair, 2, -1) as [tf.Tensor, tf.Tensor];
    const mu = this.meanDirection;
    const mu0 = stopGradient(mu);
    const eps = tf.randomNormal(
      [...sampleShape, ...batch, this.dim],
      0,
      1,
      'float32',
      deriveSeed(seed, 1),
    );
    const perp = tf.sub(eps, tf.mul(tf.sum(tf.mul(eps, mu0), -1, true), mu0));
    // max(., 1e-30): finite even if eps is (numerically) parallel to mu.
    const nu = tf.mul(perp, tf.rsqrt(tf.maximum(tf.sum(tf.square(perp), -1, true), 1e-30)));
    // z = w mu + s nu, moving rigidly with mu (see `transport`).
    return tf.sub(tf.add(tf.mul(w, mu), tf.mul(s, nu)), transport(mu, mu0, s, nu));
  }

  protected _logProb(value: tf.Tensor): tf.Tensor {
    const kappa = this.kappaTensor();
    const w = tf.sum(tf.mul(value, this.meanDirection), -1);
    // (log C + kappa) + kappa (w - 1): both parts stay O(d log kappa) near the mode, where
    // log C + kappa w would cancel two numbers ~kappa (all digits lost at kappa = 1e20).
    const lp = tf.add(
      vmfLogNormalizerPlusKappaTensor(this.dim, kappa),
      tf.mul(kappa, tf.sub(w, 1)),
    );
    const shape = broadcastShapes(value.shape.slice(0, -1), this.batchShape, 'value batch shape');
    return tf.broadcastTo(lp, broadcastShapes(lp.shape, shape, 'value batch shape'));
  }

  protected override _entropy(): tf.Tensor {
    // -kappa A_d - log C_d, evaluated as log|S^{d-1}| - KL(vMF || U) without cancellation.
    return tf.broadcastTo(vmfEntropyTensor(this.dim, this.kappaTensor()), this.batchShape);
  }

  protected _mean(): tf.Tensor {
    const a = vmfMeanResultantLengthTensor(this.dim, this.kappaTensor());
    return tf.broadcastTo(tf.mul(tf.expandDims(a, -1), this.meanDirection), [
      ...this.batchShape,
      this.dim,
    ]);
  }

  protected _detached(): VonMisesFisher {
    const meanDirection = stopGradient(this.meanDirection);
    const concentration =
      typeof this.concentration === 'number'
        ? this.concentration
        : stopGradient(this.concentration);
    const q = new VonMisesFisher({ meanDirection, concentration, sampler: this.sampler });
    q.own(meanDirection);
    if (typeof concentration !== 'number') q.own(concentration);
    return q;
  }
}

/**
 * `KL(vMF(mu, kappa) || U(S^{d-1})) = kappa A_d(kappa) + log C_d(kappa) + log |S^{d-1}|`,
 * independent of `mu`; shape: the broadcast of the two batch shapes. Differentiable in kappa.
 * Reference: Davidson et al. 2018, "Hyperspherical Variational Auto-Encoders", eq. (5).
 */
export function klVonMisesFisherHypersphericalUniform(
  p: VonMisesFisher,
  q: HypersphericalUniform,
): tf.Tensor {
  check(
    p.dim === q.dim,
    'KL(VonMisesFisher || HypersphericalUniform)',
    `over the same dimension ${q.dim}`,
    `dimension ${p.dim}`,
  );
  return tf.tidy(() => {
    const kappa =
      typeof p.concentration === 'number' ? tf.scalar(p.concentration) : p.concentration;
    const kl = vmfKLToUniformTensor(p.dim, kappa);
    return tf.broadcastTo(kl, broadcastShapes(p.batchShape, q.batchShape, 'KL batch shapes'));
  });
}

registerKL(VonMisesFisher, HypersphericalUniform, klVonMisesFisherHypersphericalUniform);
