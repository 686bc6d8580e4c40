import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Distribution } from '@vaekit/distributions';
import type {
  HeadApplyOptions,
  PosteriorHead,
  PosteriorHeadConfig,
  PosteriorHeadOptions,
} from '../posterior-head';
import type { LatentSupport, PriorConfig } from '../priors';
import { check } from './validate';
import { trainableVariablesOf } from './variables';
import { deriveSeed } from '@vaekit/distributions/internal';

/**
 * Shared plumbing of the posterior heads (exported from `@vaekit/layers/internal` for new latent
 * families): the `latentDim` check, layer naming `<name>_<role>`, seeded Glorot-uniform Dense
 * projections (the `k`-th projection gets `deriveSeed(seed, k)`), and the trainable variables of
 * `layers`. A subclass sets `layers`, `support` and `defaultPrior` and implements `apply`.
 *
 * ```
 * dense(role, units):  h -> W h + b,   W ~ GlorotUniform(seed_k),  named `${name}_${role}`
 * ```
 * Reference: Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward
 * neural networks" (the initializer).
 *
 * @example
 * ```ts
 * class LaplaceHead extends HeadBase<LaplaceHeadConfig> {
 *   readonly support = 'euclidean' as const;
 *   readonly defaultPrior = { kind: 'standard-normal' } as const;
 *   readonly layers = [this.dense('loc', this.latentDim), this.dense('logscale', this.latentDim)];
 *   constructor(config: Omit<LaplaceHeadConfig, 'family'>, options: PosteriorHeadOptions = {}) {
 *     super({ ...config, family: 'laplace' }, options);
 *   }
 *   apply(features: tf.Tensor): Distribution { ... }
 * }
 * registerPosteriorHead('laplace', (config, options) => new LaplaceHead(config, options));
 * ```
 */
export abstract class HeadBase<C extends PosteriorHeadConfig> implements PosteriorHead {
  readonly config: C;
  readonly latentDim: number;
  readonly name: string;
  abstract readonly layers: tfl.layers.Layer[];
  private readonly seed: number | undefined;
  private seedIndex = 0;

  protected constructor(config: C, options: PosteriorHeadOptions) {
    check(
      Number.isInteger(config.latentDim) && config.latentDim >= 1,
      `${config.family} head latentDim`,
      'a positive integer',
      config.latentDim,
    );
    this.config = { ...config };
    this.latentDim = config.latentDim;
    this.name = options.name ?? 'posterior';
    this.seed = options.seed;
  }

  /** A Dense projection named `<name>_<role>`, seeded. */
  protected dense(role: string, units: number): tfl.layers.Layer {
    return tfl.layers.dense({
      units,
      name: `${this.name}_${role}`,
      kernelInitializer: tfl.initializers.glorotUniform({
        seed: deriveSeed(this.seed, this.seedIndex++),
      }),
    });
  }

  get trainableVariables(): tf.Variable[] {
    return trainableVariablesOf(this.layers);
  }

  abstract readonly support: LatentSupport;
  abstract readonly defaultPrior: PriorConfig;
  abstract apply(features: tf.Tensor, options?: HeadApplyOptions): Distribution;
}
