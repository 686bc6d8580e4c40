import * as tf from '@tensorflow/tfjs-core';
import { type Distribution, VonMisesFisher } from '@vaekit/distributions';
import { type SphericalHeadSettings, SphericalHeadBase } from './internal/spherical-head';
import type { PosteriorHeadOptions } from './posterior-head';

/** JSON configuration of a {@link vmfHead} (Davidson et al. 2018; Xu & Durrett 2018). */
export interface VMFHeadConfig extends SphericalHeadSettings {
  family: 'vmf';
}

/**
 * A von Mises-Fisher {@link VonMisesFisher} that owns its parameter tensors (`dispose()` frees
 * the mean direction and a tensor concentration too).
 */
class OwnedVonMisesFisher extends VonMisesFisher {
  constructor(meanDirection: tf.Tensor, concentration: number | tf.Tensor) {
    super({ meanDirection, concentration });
    this.own(meanDirection);
    if (concentration instanceof tf.Tensor) this.own(concentration);
  }
}

/**
 * The hyperspherical posterior head (vMF-VAE), latent family `'vmf'`: a linear map of the
 * features, normalised to the unit sphere, is the mean direction of a von Mises-Fisher posterior;
 * the concentration is a fixed hyperparameter (Xu & Durrett 2018: the KL is then a constant and
 * cannot collapse) or learned per example (Davidson et al. 2018).
 *
 * Mathematical details:
 * ```
 * mu = v / ||v||,  v = W_mu h + b_mu  (e_1 when v = 0);      kappa = fixed,  or  softplus(w_k^T h + b_k) + kappaMin
 * q(z|x) = vMF(mu, kappa) on S^{d-1},       p(z) = Uniform(S^{d-1})
 * KL(q || p) = kappa A_d(kappa) + log C_d(kappa) + log |S^{d-1}|       (independent of mu)
 * ```
 * References: Davidson, Falorsi, De Cao, Kipf, Tomczak 2018, "Hyperspherical Variational
 * Auto-Encoders" (UAI); Xu & Durrett 2018, "Spherical Latent Spaces for Stable Variational
 * Autoencoders" (EMNLP).
 *
 * @example
 * ```ts
 * const head = vmfHead({ latentDim: 32, kappa: 80 });
 * const q = head.apply(features);                    // VonMisesFisher, batch [B], event [32]
 * klDivergence(q, createPrior(head.defaultPrior, 32)); // the same constant for every row
 * ```
 */
export class VMFHead extends SphericalHeadBase<VMFHeadConfig> {
  constructor(config: Omit<VMFHeadConfig, 'family'>, options: PosteriorHeadOptions = {}) {
    super({ ...config, family: 'vmf' }, options);
  }

  protected posterior(mu: tf.Tensor, kappa: number | tf.Tensor): Distribution {
    return new OwnedVonMisesFisher(mu, kappa);
  }
}

/**
 * Create a {@link VMFHead} (Davidson et al. 2018; Xu & Durrett 2018): a von Mises-Fisher
 * posterior with normalised mean direction and a fixed (`kappa`, default 50) or learned
 * (`learnKappa: true`) concentration; default prior uniform on the sphere.
 *
 * @throws Error if `latentDim < 2`, `kappa < 0`, or both `kappa` and `learnKappa` are given.
 * @example
 * ```ts
 * const fixed = vmfHead({ latentDim: 16, kappa: 80 });
 * const learned = vmfHead({ latentDim: 16, learnKappa: true, kappaMin: 1 });
 * ```
 */
export function vmfHead(args: Omit<VMFHeadConfig, 'family'> & PosteriorHeadOptions): VMFHead {
  const { name, seed, ...config } = args;
  return new VMFHead(config, { name, seed });
}
