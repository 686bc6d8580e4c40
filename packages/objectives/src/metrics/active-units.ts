import * as tf from '@tensorflow/tfjs-core';
import { check, checkNonNegative } from '../internal/validate';
import type { LatentVariableModel } from '../model';

/** Options of {@link activeUnits}. */
export interface ActiveUnitsOptions {
  /** A unit is active when its variance exceeds this (default 0.01, as Burda et al.). */
  threshold?: number;
}

/** The result of {@link activeUnits}. */
export interface ActiveUnitsResult {
  /** Number of active units. */
  count: number;
  /** Per-dimension variance over the data of the posterior mean, length `d`. */
  variances: number[];
  /** Per-dimension activity, length `d`. */
  active: boolean[];
}

/**
 * Active units: latent dimensions whose posterior mean varies with the input. Dimension `u` is
 * active when the variance over the data of `E_{q(z|x)}[z_u]` exceeds a threshold (0.01).
 *
 * Mathematical details:
 * ```
 * A_u = Cov_x( E_{q(z|x)}[z_u] ) = 1/(N - 1) sum_n (mu_nu - mean_n mu_nu)^2      (unbiased, as He et al.'s code)
 * active(u) = A_u > threshold
 * ```
 * Reference: Burda, Grosse & Salakhutdinov 2015, "Importance Weighted Autoencoders", section 5.2;
 * He et al. 2019 and Zhu et al. 2020 report it as AU.
 *
 * @param means posterior means over a data set, `[N, d]` with `N >= 2` (see {@link posteriorMean}).
 * @example
 * ```ts
 * activeUnits(tf.tensor2d([[0, 1, 5], [0, 1.1, -5]])); // { count: 1, variances: [0, 0.005, 50], ... }
 * ```
 */
export function activeUnits(
  means: tf.Tensor,
  { threshold = 0.01 }: ActiveUnitsOptions = {},
): ActiveUnitsResult {
  check(
    means.rank === 2 && means.shape[0]! >= 2,
    'means',
    'a rank-2 tensor [N, d] with N >= 2',
    `shape [${means.shape.join(', ')}]`,
  );
  checkNonNegative(threshold, 'threshold');
  const n = means.shape[0]!;
  const varianceTensor = tf.tidy(() => {
    const centred = tf.sub(means, tf.mean(means, 0));
    return tf.div(tf.sum(tf.square(centred), 0), n - 1);
  });
  const variances = Array.from(varianceTensor.dataSync());
  varianceTensor.dispose();
  const active = variances.map((v) => v > threshold);
  return { count: active.filter(Boolean).length, variances, active };
}

/**
 * The posterior mean `E_{q(z|x)}[z]` of a batch, `[B, d]`: the input of {@link activeUnits}
 * (concatenate batches over the data set).
 *
 * Mathematical details:
 * ```
 * mu(x) = E_{q(z|x)}[z]     (the Gaussian's loc; A_d(kappa) * mu for a vMF)
 * ```
 * Reference: Burda et al. 2015, "Importance Weighted Autoencoders", section 5.2.
 *
 * @example
 * ```ts
 * activeUnits(posteriorMean(model, xTest)).count; // e.g. 12 of 32
 * ```
 */
export function posteriorMean(model: LatentVariableModel, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => model.encode(x, { training: false }).mean());
}
