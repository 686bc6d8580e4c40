import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Distribution } from '@vaekit/distributions';
import { FixedGammaBatchNorm } from './fixed-gamma-batch-norm';
import { HeadBase } from './internal/head-base';
import { OwnedDiagonalNormal } from './internal/owned-normal';
import type { PriorConfig } from './priors';
import type { HeadApplyOptions, PosteriorHeadOptions } from './posterior-head';

/** JSON configuration of a {@link bnGaussianHead} (Zhu et al. 2020): latent family `'bn'`. */
export interface BNGaussianHeadConfig {
  family: 'bn';
  latentDim: number;
  /** Fixed batch-norm scale `gamma > 0` of the posterior mean. */
  gamma: number;
  /** Train the shift `beta` (default true). */
  learnBeta?: boolean;
  /** Running-statistics momentum (default 0.99). */
  momentum?: number;
  /** Batch-norm epsilon (default 1e-8). */
  epsilon?: number;
}

/**
 * The BN-VAE posterior head of Zhu et al. (2020), latent family `'bn'`: a Gaussian head whose
 * mean goes through {@link FixedGammaBatchNorm} (scale fixed to `gamma`, learnt shift `beta`).
 *
 * Mathematical details:
 * ```
 * mu = BN_{gamma, beta}(W_mu h + b_mu),   log sigma^2 = W_v h + b_v,   q(z|x) = N(mu, diag sigma^2)
 * training batches:  batch-mean KL(q || N(0, I))  >=  1/2 sum_j (beta_j^2 + gamma^2)  >=  d/2 gamma^2
 * ```
 * so the KL term cannot collapse to 0. Batch statistics in training mode (batches of >= 2),
 * running statistics otherwise.
 *
 * Reference: Zhu et al. 2020, "A Batch Normalized Inference Network Keeps the KL Vanishing
 * Away", ACL.
 *
 * @example
 * ```ts
 * const head = bnGaussianHead({ latentDim: 32, gamma: 0.6 });
 * const q = head.apply(features, { training: true });
 * ```
 */
export class BNGaussianHead extends HeadBase<BNGaussianHeadConfig> {
  readonly layers: tfl.layers.Layer[];
  /** Gaussian posteriors live in `R^d`. */
  readonly support = 'euclidean' as const;
  /** `N(0, I_d)`. */
  readonly defaultPrior: PriorConfig = { kind: 'standard-normal' };
  /** The batch-norm layer on the mean. */
  readonly batchNorm: FixedGammaBatchNorm;
  private readonly meanLayer: tfl.layers.Layer;
  private readonly logVarLayer: tfl.layers.Layer;

  constructor(config: Omit<BNGaussianHeadConfig, 'family'>, options: PosteriorHeadOptions = {}) {
    super({ ...config, family: 'bn' }, options);
    const { gamma, learnBeta, momentum, epsilon } = config;
    this.batchNorm = new FixedGammaBatchNorm({
      gamma,
      learnBeta,
      momentum,
      epsilon,
      name: `${this.name}_bn`,
    });
    this.meanLayer = this.dense('mean', this.latentDim);
    this.logVarLayer = this.dense('logvar', this.latentDim);
    this.layers = [this.meanLayer, this.batchNorm, this.logVarLayer];
  }

  apply(features: tf.Tensor, options: HeadApplyOptions = {}): Distribution {
    const [loc, scale] = tf.tidy(() => {
      const raw = this.meanLayer.apply(features) as tf.Tensor;
      const mean = this.batchNorm.apply(raw, { training: options.training === true }) as tf.Tensor;
      const logVar = this.logVarLayer.apply(features) as tf.Tensor;
      return [mean, tf.exp(tf.mul(logVar, 0.5))];
    });
    return new OwnedDiagonalNormal(loc!, scale!);
  }
}

/**
 * Create a {@link BNGaussianHead} (Zhu et al. 2020's BN-VAE): batch-norm with fixed `gamma` on
 * the posterior mean; batch-mean KL `>= d/2 gamma^2` in training.
 *
 * @throws Error if `gamma <= 0` or `latentDim` is not a positive integer.
 * @example
 * ```ts
 * const head = bnGaussianHead({ latentDim: 32, gamma: 0.5, seed: 1 });
 * ```
 */
export function bnGaussianHead(
  args: Omit<BNGaussianHeadConfig, 'family'> & PosteriorHeadOptions,
): BNGaussianHead {
  const { name, seed, ...config } = args;
  return new BNGaussianHead(config, { name, seed });
}
