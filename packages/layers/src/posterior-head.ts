import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Distribution } from '@vaekit/distributions';
import { LEGACY_POSTERIOR_FAMILIES } from './internal/migrate-config';
import { check } from './internal/validate';
import {
  type PosteriorHeadConfigs,
  posteriorHeadFactory,
  posteriorHeadFamilies,
} from './posterior-head-registry';
import type { LatentSupport, PriorConfig } from './priors';

/** The latent families a posterior head can produce: `'gaussian' | 'bn' | 'bn-su' | 'vmf'`. */
export type PosteriorFamily = keyof PosteriorHeadConfigs;

/** The JSON configuration of any posterior head (what a run directory stores). */
export type PosteriorHeadConfig = PosteriorHeadConfigs[PosteriorFamily];

/** Options of {@link PosteriorHead.apply}. */
export interface HeadApplyOptions {
  /** Training mode: batch statistics in the batch-norm heads (default false: running statistics). */
  training?: boolean;
}

/**
 * The small interface every posterior head implements: features in, a `@vaekit/distributions`
 * posterior `q(z|x)` out. The prior is not the head's: a head declares the `support` of its
 * posterior and the `defaultPrior` its family is trained against, and the model builds the prior
 * ({@link createPrior}), so that another prior can be used with the same head.
 *
 * ```
 * q(z|x) = head.apply(encoder(x)),     p(z) = createPrior(prior ?? head.defaultPrior, d),
 * support(p) = support(q) = head.support
 * ```
 * A head owns tfjs-layers layers (Dense projections, the BN-VAE scalers); they are built on the
 * first `apply` and their trainable weights belong to the encoder (the inference network).
 *
 * The returned distribution has batch shape `[B]` and event shape `[d]`; its tensors live in the
 * current `tf.tidy` scope, and its `dispose()` frees all of them.
 *
 * Reference: Kingma & Welling 2014, "Auto-Encoding Variational Bayes" (the amortised posterior).
 *
 * @example
 * ```ts
 * const head = posteriorHead({ family: 'bn', latentDim: 32, gamma: 0.6 });
 * const q = head.apply(features, { training: true });   // DiagonalNormal, batch [B], event [32]
 * const prior = createPrior(head.defaultPrior, head.latentDim); // StandardNormal
 * const kl = klDivergence(q, prior);
 * ```
 */
export interface PosteriorHead {
  /** The head's JSON configuration. */
  readonly config: PosteriorHeadConfig;
  /** Latent dimension `d`. */
  readonly latentDim: number;
  /** Where the posterior's samples live: `'euclidean'` (`R^d`) or `'sphere'` (`S^{d-1}`). */
  readonly support: LatentSupport;
  /**
   * The prior of this family unless a model config names another: `{ kind: 'standard-normal' }`
   * for the Gaussian families, `{ kind: 'hyperspherical-uniform' }` for vMF.
   */
  readonly defaultPrior: PriorConfig;
  /** The head's layers (named `<name>_<role>`), in a fixed order. */
  readonly layers: tfl.layers.Layer[];
  /** `q(z | features)` for features `[B, F]`. */
  apply(features: tf.Tensor, options?: HeadApplyOptions): Distribution;
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

/**
 * Build the posterior head described by a JSON config (the form a run directory stores), with
 * the factory its family registered ({@link registerPosteriorHead}): `gaussian` (Kingma &
 * Welling 2014), `bn` (BN-VAE, Zhu et al. 2020), `bn-su` (Su's scaler, kexue.fm 7381) or `vmf`
 * (Davidson et al. 2018; Xu & Durrett 2018), and any family registered since.
 *
 * ```
 * posteriorHead({ family, ...settings }) = factory_family({ family, ...settings }, options)
 * ```
 *
 * @throws Error naming the registered families for an unknown `family` (and the new name of a
 * renamed one: `'bn-gaussian'` is `'bn'`, `'bn-su-gaussian'` is `'bn-su'`), or the head's own
 * errors.
 * @example
 * ```ts
 * const head = posteriorHead({ family: 'bn-su', latentDim: 32, tau: 0.5 }, { seed: 1 });
 * ```
 */
export function posteriorHead(
  config: PosteriorHeadConfig,
  options: PosteriorHeadOptions = {},
): PosteriorHead {
  const family =
    typeof config === 'object' && config !== null
      ? (config as { family?: unknown }).family
      : undefined;
  const factory = typeof family === 'string' ? posteriorHeadFactory(family) : undefined;
  if (factory === undefined) {
    const renamed = typeof family === 'string' ? LEGACY_POSTERIOR_FAMILIES[family] : undefined;
    check(
      false,
      'posterior head family',
      `one of ${posteriorHeadFamilies()
        .map((f) => `'${f}'`)
        .join(', ')}`,
      typeof config === 'object' && config !== null
        ? `'${family}'${renamed !== undefined ? ` (renamed '${renamed}'; saved models are migrated on load)` : ''}`
        : config,
    );
  }
  return factory!(config, options);
}
