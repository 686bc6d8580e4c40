import * as tf from '@tensorflow/tfjs-core';
import { type Distribution, PowerSpherical } from '@vaekit/distributions';
import { type SphericalHeadSettings, SphericalHeadBase } from './internal/spherical-head';
import type { PosteriorHeadOptions } from './posterior-head';

/** JSON configuration of a {@link powerSphericalHead} (De Cao & Aziz 2020). */
export interface PowerSphericalHeadConfig extends SphericalHeadSettings {
  family: 'power-spherical';
}

/** A {@link PowerSpherical} that owns its parameter tensors. */
class OwnedPowerSpherical extends PowerSpherical {
  constructor(meanDirection: tf.Tensor, concentration: number | tf.Tensor) {
    super({ meanDirection, concentration });
    this.own(meanDirection);
    if (concentration instanceof tf.Tensor) this.own(concentration);
  }
}

/**
 * The Power Spherical posterior head, latent family `'power-spherical'`: as the vMF head, a
 * normalised linear map of the features is the mean direction, with a fixed or learned
 * concentration, but the posterior is De Cao & Aziz's Power Spherical distribution, whose
 * sampler is fully reparameterised (a Beta draw and a Householder reflection: no rejection, no
 * Bessel functions), a stable alternative to the vMF in high dimension or at large kappa.
 *
 * Mathematical details:
 * ```
 * q(z|x) = PS(mu, kappa):  p(z) proportional to (1 + mu^T z)^kappa  on S^{d-1};   p(z) = Uniform(S^{d-1})
 * KL(q || p) = -H(q) + log |S^{d-1}|       (independent of mu: a constant for a fixed kappa)
 * ```
 * Reference: De Cao & Aziz 2020, "The Power Spherical distribution" (ICML workshop INNF+).
 *
 * @example
 * ```ts
 * const head = powerSphericalHead({ latentDim: 32, kappa: 80 });
 * const q = head.apply(features);                      // PowerSpherical, batch [B], event [32]
 * klDivergence(q, createPrior(head.defaultPrior, 32)); // the same constant for every row
 * ```
 */
export class PowerSphericalHead extends SphericalHeadBase<PowerSphericalHeadConfig> {
  constructor(
    config: Omit<PowerSphericalHeadConfig, 'family'>,
    options: PosteriorHeadOptions = {},
  ) {
    super({ ...config, family: 'power-spherical' }, options);
  }

  protected posterior(mu: tf.Tensor, kappa: number | tf.Tensor): Distribution {
    return new OwnedPowerSpherical(mu, kappa);
  }
}

/**
 * Create a {@link PowerSphericalHead} (De Cao & Aziz 2020): a Power Spherical posterior with
 * normalised mean direction and a fixed (`kappa`, default 50) or learned (`learnKappa: true`)
 * concentration; default prior uniform on the sphere.
 *
 * @throws Error if `latentDim < 2`, `kappa < 0`, or both `kappa` and `learnKappa` are given.
 * @example
 * ```ts
 * const fixed = powerSphericalHead({ latentDim: 16, kappa: 80 });
 * const learned = powerSphericalHead({ latentDim: 16, learnKappa: true });
 * ```
 */
export function powerSphericalHead(
  args: Omit<PowerSphericalHeadConfig, 'family'> & PosteriorHeadOptions,
): PowerSphericalHead {
  const { name, seed, ...config } = args;
  return new PowerSphericalHead(config, { name, seed });
}
