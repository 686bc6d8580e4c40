import type * as tf from '@tensorflow/tfjs-core';
import { BNGaussianHead } from './bn-gaussian-head';
import { BNSuGaussianHead } from './bn-su-gaussian-head';
import { GaussianHead } from './gaussian-head';
import { check } from './internal/validate';
import { VMFHead } from './vmf-head';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Distribution } from '@vaekit/distributions';

/** The latent families a posterior head can produce. */
export type PosteriorFamily = 'gaussian' | 'bn-gaussian' | 'bn-su-gaussian' | 'vmf';

/** JSON configuration of a {@link gaussianHead}. */
export interface GaussianHeadConfig {
  family: 'gaussian';
  /** Latent dimension `d`. */
  latentDim: number;
}

/** JSON configuration of a {@link bnGaussianHead} (Zhu et al. 2020). */
export interface BNGaussianHeadConfig {
  family: 'bn-gaussian';
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

/** JSON configuration of a {@link bnSuGaussianHead} (Su's scaler). */
export interface BNSuGaussianHeadConfig {
  family: 'bn-su-gaussian';
  latentDim: number;
  /** `tau` in (0, 1) (default 0.5). */
  tau?: number;
  /** Running-statistics momentum (default 0.99). */
  momentum?: number;
  /** Batch-norm epsilon (default 1e-8). */
  epsilon?: number;
}

/** JSON configuration of a {@link vmfHead} (Davidson et al. 2018; Xu & Durrett 2018). */
export interface VMFHeadConfig {
  family: 'vmf';
  /** Ambient dimension `d >= 2` (the latent lives on `S^{d-1}`). */
  latentDim: number;
  /** Fixed concentration `kappa >= 0` (default 50 when `learnKappa` is false). */
  kappa?: number;
  /** Learn `kappa = softplus(Dense(features)) + kappaMin` per example instead. Default false. */
  learnKappa?: boolean;
  /** Lower bound added to a learned kappa (default 1). */
  kappaMin?: number;
}

/** The JSON configuration of any posterior head (what a run directory stores). */
export type PosteriorHeadConfig =
  | GaussianHeadConfig
  | BNGaussianHeadConfig
  | BNSuGaussianHeadConfig
  | VMFHeadConfig;

/** Options of {@link PosteriorHead.apply}. */
export interface HeadApplyOptions {
  /** Training mode: batch statistics in the batch-norm heads (default false: running statistics). */
  training?: boolean;
}

/**
 * The small interface every posterior head implements: features in, a `@vaekit/distributions`
 * posterior `q(z|x)` out, plus the matching prior `p(z)`.
 *
 * A head owns tfjs-layers layers (Dense projections, the BN-VAE scalers); they are built on the
 * first `apply` and their trainable weights belong to the encoder (the inference network).
 *
 * The returned distribution has batch shape `[B]` and event shape `[d]`; its tensors live in the
 * current `tf.tidy` scope, and its `dispose()` frees all of them.
 *
 * @example
 * ```ts
 * const head = posteriorHead({ family: 'bn-gaussian', latentDim: 32, gamma: 0.6 });
 * const q = head.apply(features, { training: true });   // DiagonalNormal, batch [B], event [32]
 * const kl = klDivergence(q, head.prior());
 * ```
 */
export interface PosteriorHead {
  /** The head's JSON configuration. */
  readonly config: PosteriorHeadConfig;
  /** Latent dimension `d`. */
  readonly latentDim: number;
  /** The head's layers (named `<name>_<role>`), in a fixed order. */
  readonly layers: tfl.layers.Layer[];
  /** `q(z | features)` for features `[B, F]`. */
  apply(features: tf.Tensor, options?: HeadApplyOptions): Distribution;
  /** The prior `p(z)` of this family: `N(0, I_d)`, or the uniform distribution on `S^{d-1}` for vMF. */
  prior(): Distribution;
  /** The trainable variables of the head's layers. */
  readonly trainableVariables: tf.Variable[];
}

/** Options of the head factories. */
export interface PosteriorHeadOptions {
  /** Prefix of the layer names (default `'posterior'`). */
  name?: string;
  /** Seed of the weight initializers (reproducible initial weights). */
  seed?: number;
}

const FAMILIES: readonly PosteriorFamily[] = ['gaussian', 'bn-gaussian', 'bn-su-gaussian', 'vmf'];

/**
 * Build the posterior head described by a JSON config (the form a run directory stores):
 * `gaussian` (Kingma & Welling 2014), `bn-gaussian` (Zhu et al. 2020), `bn-su-gaussian` (Su's
 * scaler, kexue.fm 7381) or `vmf` (Davidson et al. 2018; Xu & Durrett 2018).
 *
 * @throws Error naming the valid families for an unknown `family`, or the head's own errors.
 * @example
 * ```ts
 * const head = posteriorHead({ family: 'bn-su-gaussian', latentDim: 32, tau: 0.5 }, { seed: 1 });
 * ```
 */
export function posteriorHead(
  config: PosteriorHeadConfig,
  options: PosteriorHeadOptions = {},
): PosteriorHead {
  check(
    typeof config === 'object' && config !== null && FAMILIES.includes(config.family),
    'posterior head family',
    `one of ${FAMILIES.map((f) => `'${f}'`).join(', ')}`,
    typeof config === 'object' && config !== null
      ? `'${(config as { family?: unknown }).family}'`
      : config,
  );
  const { family: _family, ...rest } = config;
  switch (config.family) {
    case 'gaussian':
      return new GaussianHead(rest as Omit<GaussianHeadConfig, 'family'>, options);
    case 'bn-gaussian':
      return new BNGaussianHead(rest as Omit<BNGaussianHeadConfig, 'family'>, options);
    case 'bn-su-gaussian':
      return new BNSuGaussianHead(rest as Omit<BNSuGaussianHeadConfig, 'family'>, options);
    case 'vmf':
      return new VMFHead(rest as Omit<VMFHeadConfig, 'family'>, options);
  }
}
