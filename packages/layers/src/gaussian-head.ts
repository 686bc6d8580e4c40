import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Distribution } from '@vaekit/distributions';
import { HeadBase } from './internal/head-base';
import { OwnedDiagonalNormal } from './internal/owned-normal';
import type { PriorConfig } from './priors';
import type { HeadApplyOptions, PosteriorHeadOptions } from './posterior-head';

/** JSON configuration of a {@link gaussianHead}. */
export interface GaussianHeadConfig {
  family: 'gaussian';
  /** Latent dimension `d`. */
  latentDim: number;
}

/**
 * The standard VAE posterior head, latent family `'gaussian'`: two linear maps of the features
 * give the mean and the log-variance of a diagonal Gaussian.
 *
 * Mathematical details:
 * ```
 * mu = W_mu h + b_mu,   log sigma^2 = W_v h + b_v,   q(z|x) = N(mu, diag(sigma^2)),   p(z) = N(0, I_d)
 * KL(q || p) = 1/2 sum_j (mu_j^2 + sigma_j^2 - log sigma_j^2 - 1)
 * ```
 * Reference: Kingma & Welling 2014, "Auto-Encoding Variational Bayes".
 *
 * @example
 * ```ts
 * const head = gaussianHead({ latentDim: 32 });
 * const q = head.apply(features);              // DiagonalNormal, batch [B], event [32]
 * ```
 */
export class GaussianHead extends HeadBase<GaussianHeadConfig> {
  readonly layers: tfl.layers.Layer[];
  /** Gaussian posteriors live in `R^d`. */
  readonly support = 'euclidean' as const;
  /** `N(0, I_d)`. */
  readonly defaultPrior: PriorConfig = { kind: 'standard-normal' };
  private readonly meanLayer: tfl.layers.Layer;
  private readonly logVarLayer: tfl.layers.Layer;

  constructor(config: Omit<GaussianHeadConfig, 'family'>, options: PosteriorHeadOptions = {}) {
    super({ ...config, family: 'gaussian' }, options);
    this.meanLayer = this.dense('mean', this.latentDim);
    this.logVarLayer = this.dense('logvar', this.latentDim);
    this.layers = [this.meanLayer, this.logVarLayer];
  }

  apply(features: tf.Tensor, _options: HeadApplyOptions = {}): Distribution {
    const [loc, scale] = tf.tidy(() => {
      const logVar = this.logVarLayer.apply(features) as tf.Tensor;
      return [this.meanLayer.apply(features) as tf.Tensor, tf.exp(tf.mul(logVar, 0.5))];
    });
    return new OwnedDiagonalNormal(loc!, scale!);
  }
}

/**
 * Create a {@link GaussianHead}: `q(z|x) = N(mu(x), diag(exp(logvar(x))))`, default prior `N(0, I)`
 * (Kingma & Welling 2014).
 *
 * @throws Error if `latentDim` is not a positive integer.
 * @example
 * ```ts
 * const head = gaussianHead({ latentDim: 16, seed: 1 });
 * ```
 */
export function gaussianHead(
  args: Omit<GaussianHeadConfig, 'family'> & PosteriorHeadOptions,
): GaussianHead {
  const { name, seed, ...config } = args;
  return new GaussianHead(config, { name, seed });
}
