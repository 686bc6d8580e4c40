import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Distribution } from '@vaekit/distributions';
import { HeadBase } from './internal/head-base';
import { OwnedDiagonalNormal } from './internal/owned-normal';
import type { PriorConfig } from './priors';
import { PosteriorScaler } from './posterior-scaler';
import type { HeadApplyOptions, PosteriorHeadOptions } from './posterior-head';

/** JSON configuration of a {@link bnSuGaussianHead} (Su's scaler): latent family `'bn-su'`. */
export interface BNSuGaussianHeadConfig {
  family: 'bn-su';
  latentDim: number;
  /** `tau` in (0, 1) (default 0.5). */
  tau?: number;
  /** Running-statistics momentum (default 0.99). */
  momentum?: number;
  /** Batch-norm epsilon (default 1e-8). */
  epsilon?: number;
}

/** Smallest |sigma| passed to the distribution (keeps log sigma^2 finite). */
const MIN_SCALE = 1e-6;

/**
 * Su's BN-VAE posterior head, latent family `'bn-su'`: two linear heads for the mean and the
 * standard deviation, both batch-normalised and rescaled by one {@link PosteriorScaler}.
 *
 * Mathematical details (theta trainable per dimension, tau constant):
 * ```
 * [mu, s] = PosteriorScaler_tau([W_mu h + b_mu, W_s h + b_s])
 *   mu = sqrt(tau + (1-tau) sigmoid(theta)) * BN(W_mu h + b_mu)
 *   s  = sqrt((1-tau) sigmoid(-theta))      * BN(W_s h + b_s)
 * q(z|x) = N(mu, diag(sigma^2)),  sigma = max(|s|, 1e-6)     (z = mu + s * eps in Su's code; the sign is irrelevant)
 * training batches:  batch-mean KL  >=  1/2 sum_j gamma_mu_j^2  >=  d/2 tau
 * ```
 * Reference: Su Jianlin 2020, "Variational autoencoders (5): VAE + BN = a better VAE",
 * https://kexue.fm/archives/7381; Zhu et al. 2020, ACL.
 *
 * @example
 * ```ts
 * const head = bnSuGaussianHead({ latentDim: 32, tau: 0.5 });
 * const q = head.apply(features, { training: true });
 * ```
 */
export class BNSuGaussianHead extends HeadBase<BNSuGaussianHeadConfig> {
  readonly layers: tfl.layers.Layer[];
  /** Gaussian posteriors live in `R^d`. */
  readonly support = 'euclidean' as const;
  /** `N(0, I_d)`. */
  readonly defaultPrior: PriorConfig = { kind: 'standard-normal' };
  /** The scaler applied to `[meanRaw, stdRaw]`. */
  readonly scaler: PosteriorScaler;
  private readonly meanLayer: tfl.layers.Layer;
  private readonly stdLayer: tfl.layers.Layer;

  constructor(config: Omit<BNSuGaussianHeadConfig, 'family'>, options: PosteriorHeadOptions = {}) {
    super({ ...config, family: 'bn-su' }, options);
    const { tau, momentum, epsilon } = config;
    this.scaler = new PosteriorScaler({ tau, momentum, epsilon, name: `${this.name}_scaler` });
    this.meanLayer = this.dense('mean', this.latentDim);
    this.stdLayer = this.dense('std', this.latentDim);
    this.layers = [this.meanLayer, this.stdLayer, this.scaler];
  }

  apply(features: tf.Tensor, options: HeadApplyOptions = {}): Distribution {
    const [loc, scale] = tf.tidy(() => {
      const raw = [this.meanLayer.apply(features), this.stdLayer.apply(features)] as tf.Tensor[];
      const [mean, std] = this.scaler.apply(raw, {
        training: options.training === true,
      }) as tf.Tensor[];
      return [mean!, tf.maximum(tf.abs(std!), MIN_SCALE)];
    });
    return new OwnedDiagonalNormal(loc!, scale!);
  }
}

/**
 * Create a {@link BNSuGaussianHead} (Su's BN-VAE variant): batch norm on both the mean and the
 * std heads with `gamma_mu^2 + gamma_sigma^2 = 1`; batch-mean KL `>= d/2 tau` in training.
 *
 * @throws Error if `tau` is outside (0, 1) or `latentDim` is not a positive integer.
 * @example
 * ```ts
 * const head = bnSuGaussianHead({ latentDim: 32, tau: 0.5, seed: 1 });
 * ```
 */
export function bnSuGaussianHead(
  args: Omit<BNSuGaussianHeadConfig, 'family'> & PosteriorHeadOptions,
): BNSuGaussianHead {
  const { name, seed, ...config } = args;
  return new BNSuGaussianHead(config, { name, seed });
}
